"""`huddlebot check`: is everything set up? One line per finding, sending nothing to anyone.

It reads the configuration and the environment as `huddlebot run` would, opens the database
without changing it, and asks each configured platform (send-only: no polling, no webhook set)
whether it accepts the token and can reach each room. Exit code: 0 when all is well, 1 when
something needs fixing, 2 when the configuration or environment cannot be read.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from adapters.common.settings import switched_on
from adapters.registry import PLATFORM_SPECS
from adapters.registry import platform_adapters as adapters_from_settings
from bot.app import PROMPTS_ROOT, check_prompts
from bot.cli import places
from bot.config.environment import Settings
from bot.config.partnership import Config, find_config_path, load_config
from bot.core.ports import ChecksSetup, Finding, PlatformSpec, RoomToCheck
from bot.errors import ConfigError
from bot.practices.registry import check_practice_keys
from bot.storage.database import alembic_config, check_reachable, make_engine
from bot.text.library import library_for

ALL_WELL, NEEDS_FIXING, UNUSABLE = 0, 1, 2


def add_parser(sub: Any) -> None:
    sub.add_parser(
        "check",
        help="check the config, the database and each platform, sending nothing",
    )


async def run(args: argparse.Namespace) -> int:
    report = Report(sys.stdout)
    try:
        settings = places.settings(args)  # found as every command finds it
        path = find_config_path(args.config, os.environ, Path.cwd())
        config = load_config(path)
        check_practice_keys(config)  # the keys the practices read, as `run` checks them
        check_prompts(config, library_for(config, settings, builtin=PROMPTS_ROOT))
    except ConfigError as problem:
        report.add(Finding("config", str(problem), problem=True))
        return UNUSABLE
    report.add(Finding("config", f"{path} is valid: {_rooms_summary(config)}"))
    report.add(await database_finding(settings))
    found = settings.platforms.found
    for spec in PLATFORM_SPECS:
        rooms = rooms_on(config, spec.name)
        if rooms and spec.switch and not switched_on(spec, found):
            report.add(_not_set_up(spec, rooms))
    try:
        adapters = adapters_from_settings(found)
    except ConfigError as problem:
        report.add(Finding("environment", str(problem), problem=True))
        return UNUSABLE
    if not adapters:
        report.add(
            Finding(
                "platforms",
                "no Slack or Telegram token is set, so `huddlebot run` chats in this terminal",
            )
        )
    for adapter in adapters:
        if isinstance(adapter, ChecksSetup):
            for finding in await adapter.check(rooms_on(config, adapter.platform)):
                report.add(finding)
    return NEEDS_FIXING if report.problems else ALL_WELL


class Report:
    """Prints each finding as it comes: `ok` or `FIX`, the subject, the text, the fix."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self.problems = 0

    def add(self, finding: Finding) -> None:
        self.problems += finding.problem
        mark = "FIX" if finding.problem else "ok "
        print(f"{mark}  {finding.subject}: {finding.text}", file=self._out, flush=True)
        if finding.fix:
            print(f"       how to fix: {finding.fix}", file=self._out, flush=True)


def rooms_on(config: Config, platform: str) -> list[RoomToCheck]:
    """The configured rooms on `platform`, one per chat, with the circles that use it."""
    circles: dict[str, list[str]] = {}
    for circle in config.circles:
        for room in circle.rooms:
            if room.platform == platform and circle.name not in circles.get(room.chat, []):
                circles.setdefault(room.chat, []).append(circle.name)
    return [RoomToCheck(chat, ", ".join(names)) for chat, names in circles.items()]


def _rooms_summary(config: Config) -> str:
    counts: dict[str, int] = {}
    for circle in config.circles:
        for room in circle.rooms:
            counts[room.platform] = counts.get(room.platform, 0) + 1
    titles = {spec.name: spec.title for spec in PLATFORM_SPECS}
    rooms = ", ".join(f"{n} on {titles.get(p, p)}" for p, n in sorted(counts.items()))
    circles = len(config.circles)
    return f"{circles} circle{'s' if circles != 1 else ''}; rooms: {rooms or 'none'}"


def _not_set_up(spec: PlatformSpec, rooms: Sequence[RoomToCheck]) -> Finding:
    circles = sorted({room.circle for room in rooms})
    return Finding(
        spec.title,
        f"{', '.join(circles)} {'has rooms' if len(circles) == 1 else 'have rooms'} on "
        f"{spec.title}, but {spec.switch} is not set, so nothing reaches them",
        problem=True,
        fix=f"set {spec.switch} in the bot's environment, or remove those rooms",
    )


async def database_finding(settings: Settings) -> Finding:
    """Whether the database opens, and how its schema compares with this version's."""
    path = settings.sqlite_path
    if path is not None and not path.exists():
        return Finding("database", f"no database yet at {path}; the bot makes it when it starts")
    engine = make_engine(settings.database_url)
    try:
        await check_reachable(engine)
        async with engine.connect() as connection:
            current = await connection.run_sync(_revision)
    except ConfigError as problem:
        return Finding("database", str(problem), problem=True)
    finally:
        await engine.dispose()
    where = path or engine.url.render_as_string(hide_password=True)
    script = ScriptDirectory.from_config(alembic_config())
    if current == script.get_current_head():
        return Finding("database", f"{where} opens, and its schema is up to date")
    if current is None:
        return Finding("database", f"{where} is empty; the bot sets it up when it starts")
    if current in {revision.revision for revision in script.walk_revisions()}:
        return Finding(
            "database",
            f"{where} opens; its schema is from an earlier version, and the bot brings it up to "
            "date when it starts (or run `huddlebot db upgrade`)",
        )
    return Finding(
        "database",
        f"{where} was made by a newer version of huddlebot",
        problem=True,
        fix="upgrade huddlebot (pip install -U huddlebot) before using it",
    )


def _revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()

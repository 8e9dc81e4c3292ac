"""`huddlebot digest`: build, preview and post a digest, or show any archived one.

huddlebot digest --circle core [--since DAY] [--until DAY] [--dry-run]
huddlebot digest --steward [--since DAY] [--until DAY] [--dry-run]
huddlebot digest show [--circle ID] [--id N | --latest]
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.cli import places
from bot.digests.huddle_digest import archived
from bot.errors import ConfigError
from bot.storage.database import open_database
from bot.text.formats import markdown_as_text
from bot.text.wording import counted


def add_parser(sub: Any) -> None:
    digest = sub.add_parser(
        "digest", help="build a huddle or steward digest, show it, post it; or show a past one"
    )
    digest.add_argument(
        "action",
        nargs="?",
        choices=["show"],
        help="show: print archived digests (a list, or one with --id or --latest)",
    )
    digest.add_argument("--circle", help="circle id from the config")
    digest.add_argument("--steward", action="store_true", help="the stewards' weekly digest")
    digest.add_argument("--since", help="first day, YYYY-MM-DD (default: since the last digest)")
    digest.add_argument("--until", help="last day, YYYY-MM-DD (default: now)")
    digest.add_argument("--dry-run", action="store_true", help="show it without posting")
    which = digest.add_mutually_exclusive_group()
    which.add_argument("--id", type=int, help="with show: the archived digest with this number")
    which.add_argument("--latest", action="store_true", help="with show: the newest one")


def _day(value: str, zone: ZoneInfo, *, end: bool) -> datetime:
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise ConfigError(
            f"'{value}' is not a date", key="--since/--until", fix="write dates as YYYY-MM-DD"
        ) from None
    if end:
        day += timedelta(days=1)  # --until includes the whole day
    return datetime.combine(day, time(0, 0), tzinfo=zone).astimezone(UTC)


async def run(args: argparse.Namespace) -> int:
    if args.action == "show":
        return await show(args)
    if args.id is not None or args.latest:
        raise ConfigError(
            "--id and --latest go with show", key="digest", fix="huddlebot digest show --latest"
        )
    if not args.steward and not args.circle:
        raise ConfigError(
            "say which digest to build",
            key="digest",
            fix="add --circle ID for a circle's huddle digest, or --steward for the stewards'",
        )
    if args.steward and args.circle:
        raise ConfigError(
            "--circle and --steward are two different digests",
            key="digest",
            fix="pick one: --circle ID for that circle's huddle digest, or --steward alone",
        )
    from bot.cli.one_shot import cli_bot

    async with cli_bot(args, reads_only=args.dry_run) as bot:
        if args.steward:
            zone = ZoneInfo(bot.config.partnership.timezone)
        else:
            zone = ZoneInfo(bot.config.circle(args.circle).timezone)
        until = _day(args.until, zone, end=True) if args.until else datetime.now(UTC)
        since = _day(args.since, zone, end=False) if args.since else None
        if since is not None and since >= until:
            raise ConfigError(
                f"--since {args.since} is after --until {args.until or 'today'}",
                key="--since/--until",
                fix="give the first day with --since and a later (or the same) day with --until",
            )
        if args.dry_run:
            start = since or until - timedelta(days=7)
            if args.steward:
                text = await bot.huddle.preview_steward_digest(
                    start=start, end=until, fmt="terminal"
                )
            else:
                text = await bot.huddle.preview_digest(
                    args.circle, start=start, end=until, fmt="terminal"
                )
            print(text)
            return 0
        circle = None if args.steward else args.circle
        posting = await bot.huddle.request_digest(circle, end=until, start=since, news_only=True)
        which = "--steward" if args.steward else f"--circle {args.circle}"
        if posting.skipped == "already":
            print("That digest was already posted; nothing was sent again.")
        elif posting.skipped == "nothing_new":
            print(
                f"Nothing new since {posting.start.astimezone(zone):%Y-%m-%d %H:%M}, "
                "so no digest was posted (the last one already said all there is).\n"
                f"To see one anyway: huddlebot digest {which} "
                "--dry-run"
            )
    return 0


async def show(args: argparse.Namespace) -> int:
    """Print archived digests: one in full (`--id`, `--latest`), or a list to choose from."""
    settings = places.settings(args)
    config = places.config(args)
    if args.circle:
        config.circle(args.circle)  # an unknown circle is reported with the known ones
    async with (
        open_database(settings.database_url, create=False) as sessions,
        sessions() as session,
    ):
        found = await archived(
            session, circle_id=args.circle, digest_id=args.id, latest=args.latest
        )
    out = sys.stdout
    if not found:
        what = f"number {args.id}" if args.id is not None else "yet"
        out.write(f"No archived digest {what}.\n")
        return 1 if args.id is not None else 0
    if args.id is not None or args.latest:
        digest = found[0]
        zone = ZoneInfo(config.partnership.timezone)
        out.write(
            f"Digest {digest.id} ({digest.kind}, {digest.circle_id}), "
            f"{digest.period_start.astimezone(zone):%Y-%m-%d %H:%M} to "
            f"{digest.period_end.astimezone(zone):%Y-%m-%d %H:%M}\n\n"
            f"{markdown_as_text(digest.markdown)}\n"
        )
        return 0
    out.write("Archived digests, newest first (show one with --id N):\n")
    for digest in found:
        out.write(
            f"  {digest.id:>5}  {digest.kind:<8} {digest.circle_id:<16} "
            f"up to {digest.period_end:%Y-%m-%d %H:%M} UTC, "
            f"{counted(digest.entries, 'entry', 'entries')} "
            f"from {counted(digest.people, 'person', 'people')}\n"
        )
    return 0

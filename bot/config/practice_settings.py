"""The practices' own settings in the configuration file, read and checked by the practices.

A circle's `[circles.<name>]` tables and the keys of `[partnership]` the core does not read are
kept raw by `bot.config.partnership`; a practice reads its own with the functions here, and the
practices' list refuses whatever no practice in it reads (file, key, and the closest known key).
"""

from __future__ import annotations

from collections.abc import Collection

from bot.config.partnership import (
    CORE_PARTNERSHIP_KEYS,
    CircleConfig,
    Config,
    ScheduleConfig,
    read_schedule,
)
from bot.config.reading import Where, at_least, check_keys, opt


def _circle_where(config: Config, index: int) -> Where:
    return Where(str(config.source)).at("circles").item(index)


def circle_schedules(config: Config, name: str, *, example: str) -> dict[str, ScheduleConfig]:
    """Each circle's `[circles.<name>]` table read as a schedule (`cron`, `window_hours`), by
    circle id; circles without one are absent. Raises ConfigError naming the table's key."""
    found: dict[str, ScheduleConfig] = {}
    for index, circle in enumerate(config.circles):
        table = circle.sections.get(name)
        if table is not None:
            here = _circle_where(config, index).at(name)
            found[circle.id] = read_schedule(table, here, circle.timezone, example)
    return found


def _partnership_where(config: Config) -> Where:
    return Where(str(config.source)).at("partnership")


def partnership_number(config: Config, key: str, *, default: int, minimum: int) -> int:
    """A practice's whole-number setting in [partnership], checked as the core checks its own."""
    where = _partnership_where(config)
    return at_least(
        opt(config.partnership.settings, key, int, where, default), minimum, where.at(key)
    )


def check_partnership_keys(config: Config, claimed: Collection[str]) -> None:
    """Refuse a [partnership] key neither the core nor a practice in the list reads."""
    check_keys(
        config.partnership.settings, [*CORE_PARTNERSHIP_KEYS, *claimed], _partnership_where(config)
    )


def check_sections(config: Config, claimed: Collection[str]) -> None:
    """Refuse a circle table no practice reads, suggesting the closest key known there."""
    known = [key for key in CircleConfig.__dataclass_fields__ if key != "sections"]
    for index, circle in enumerate(config.circles):
        check_keys(circle.sections, [*known, *claimed], _circle_where(config, index))

"""The partnership's configuration: one TOML file, read once at start and checked thoroughly.

`find_config_path` decides which file to read (`--config`, then `HUDDLEBOT_CONFIG`, then
`./huddlebot.toml`); `load_config` reads it into frozen values. Every problem becomes a
`ConfigError` naming the file, the key and how to fix it. Secrets never live here: they come
from the environment (see `bot.config.environment`).

A circle's other tables (`[circles.pulse]`, `[circles.learning_set]`) belong to practices: they
are kept raw in `CircleConfig.sections`, and each practice reads and checks its own with
`circle_schedules` (or its own reader); `check_sections` refuses a table no practice claims.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import available_timezones

from adapters.registry import PLATFORM_SPECS
from bot.config.reading import (
    Where,
    at_least,
    check_keys,
    check_no_secrets,
    identifier,
    language,
    maybe,
    need,
    one_of,
    opt,
    read_toml,
    room_address,
    schedule,
    table_of,
    text,
    timezone,
)
from bot.core.ports import PlatformSpec
from bot.errors import ConfigError

CONFIG_ENV = "HUDDLEBOT_CONFIG"
DEFAULT_FILE = "huddlebot.toml"
CIRCLE_KINDS = ("partnership", "stewards", "learning_set")
ERASURE_CHOICES = ("anonymise", "erase")


@dataclass(frozen=True, slots=True)
class PartnershipConfig:
    name: str
    timezone: str
    language: str = "en"
    anonymity_threshold: int = 3
    retention_days: int = 0
    """Days to keep entries; 0 keeps them for ever."""
    care_note: str = ""
    max_entry_chars: int = 2000
    quiet_weeks: int = 3
    erasure: str = "anonymise"
    """What erasing a person does to their entries: "anonymise" or "erase"."""
    steward_digest: ScheduleConfig | None = None
    """When the weekly learning digest goes to the stewards' circle (absent: not sent)."""
    steward_digest_private: bool = False
    """Send the steward digest to each steward privately instead of to the stewards' rooms."""
    prompts: Path | None = None
    """The partnership's own prompt folder, laid over the built-in library (see bot.text.layers)."""
    settings: Mapping[str, Any] = field(default_factory=dict)
    """Keys of [partnership] the core does not read: the practices' own settings, read and
    checked by them (`bot.config.practice_settings`); a key no practice reads is refused."""


@dataclass(frozen=True, slots=True)
class RoomConfig:
    """Where a circle talks on one platform; `chat` and `topic` are the platform's own ids."""

    platform: str
    chat: str
    topic: str | None = None


@dataclass(frozen=True, slots=True)
class RitualConfig:
    id: str
    prompt: str
    cron: str
    window_hours: float = 48
    reminder: bool = True
    reminder_after_hours: float | None = None
    private: bool = False

    @property
    def reminder_delay_hours(self) -> float:
        """Hours after the prompt at which the single gentle reminder goes out."""
        if self.reminder_after_hours is not None:
            return self.reminder_after_hours
        return self.window_hours / 2


@dataclass(frozen=True, slots=True)
class DigestConfig:
    cron: str


@dataclass(frozen=True, slots=True)
class ScheduleConfig:
    """Something a circle does on a schedule, open for `window_hours` each time."""

    cron: str
    window_hours: float = 48


@dataclass(frozen=True, slots=True)
class CircleConfig:
    id: str
    name: str
    kind: str
    timezone: str
    language: str
    rooms: tuple[RoomConfig, ...]
    rituals: tuple[RitualConfig, ...]
    digest: DigestConfig | None
    sections: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """The circle's tables that belong to practices, by name, as the file has them."""


@dataclass(frozen=True, slots=True)
class Config:
    partnership: PartnershipConfig
    circles: tuple[CircleConfig, ...]
    source: Path

    def circle(self, circle_id: str) -> CircleConfig:
        for circle in self.circles:
            if circle.id == circle_id:
                return circle
        known = ", ".join(c.id for c in self.circles)
        raise ConfigError(
            f"there is no circle with id '{circle_id}'",
            source=str(self.source),
            key="circles",
            fix=f"use one of the circles in the file: {known}",
        )

    def stewards_circles(self) -> list[CircleConfig]:
        """The circles of kind "stewards": whoever is seen in one is a steward."""
        return [c for c in self.circles if c.kind == "stewards"]

    def circle_for_room(
        self, platform: str, chat: str, topic: str | None = None
    ) -> CircleConfig | None:
        """The circle a room belongs to; a room without a topic covers the chat's other topics."""
        for wanted in ((platform, chat, topic), (platform, chat, None)):
            for circle in self.circles:
                if any((r.platform, r.chat, r.topic) == wanted for r in circle.rooms):
                    return circle
        return None


def find_config_path(cli_value: str | None, env: Mapping[str, str], cwd: Path) -> Path:
    """The configuration file to read: `--config`, then HUDDLEBOT_CONFIG, then ./huddlebot.toml."""
    for given, origin in ((cli_value, "--config"), (env.get(CONFIG_ENV), CONFIG_ENV)):
        if given:
            path = cwd / Path(given).expanduser()
            if not path.is_file():
                what = "is a folder, not a file" if path.is_dir() else "does not exist"
                raise ConfigError(
                    f"the configuration file given by {origin} {what}",
                    source=str(path),
                    fix=f"check the path given by {origin}, or copy examples/{DEFAULT_FILE} there",
                )
            return path
    path = cwd / DEFAULT_FILE
    if path.is_file():
        return path
    raise ConfigError(
        f"no configuration file found (looked for {path})",
        fix=f"run the command in the folder that holds your {DEFAULT_FILE}, pass --config PATH "
        f"or set {CONFIG_ENV}; to start one here, run `huddlebot init`",
    )


def load_config(path: Path, *, platforms: Collection[PlatformSpec] = PLATFORM_SPECS) -> Config:
    """Read and check the configuration file; raises ConfigError and nothing else.

    Rooms may be on `platforms` only: every registered one, unless a test adds its own."""
    where = Where(str(path))
    document = read_toml(path, where)
    check_no_secrets(document, where)
    check_keys(document, ("partnership", "circles"), where)
    zones = available_timezones()
    example = "a [partnership] table with name and timezone"
    partnership = _partnership(
        need(document, "partnership", dict, where, example=example), where.at("partnership"), zones
    )
    raw_circles = need(document, "circles", list, where, example='[[circles]] with id = "core"')
    if not raw_circles:
        raise where.at("circles").error(
            "no circles are set up", "add at least one [[circles]] table"
        )
    circles: list[CircleConfig] = []
    owners: dict[RoomConfig, str] = {}
    for index, raw in enumerate(raw_circles):
        here = where.at("circles").item(index)
        circle = _circle(table_of(raw, here), here, partnership, zones, platforms)
        if any(c.id == circle.id for c in circles):
            raise here.at("id").error(
                f"the circle id '{circle.id}' is used twice", "give each circle its own id"
            )
        for room_index, room in enumerate(circle.rooms):
            if room in owners:
                fix = "list each room once, in one circle only"
                raise (
                    here.at("rooms")
                    .item(room_index)
                    .error(f"this room is already listed in circle '{owners[room]}'", fix)
                )
            owners[room] = circle.id
        circles.append(circle)
    return Config(partnership=partnership, circles=tuple(circles), source=path)


_DEFAULTS = PartnershipConfig(name="", timezone="UTC")
_MINIMUMS: dict[str, int] = {
    "anonymity_threshold": 2,
    "retention_days": 0,
    "max_entry_chars": 1,
    "quiet_weeks": 1,
}
_MINIMUM_FIXES = {
    "anonymity_threshold": "use 2 or more (3 is usual) so that no one answer stands out",
    "retention_days": "use a number of days, or 0 to keep entries for ever",
}


CORE_PARTNERSHIP_KEYS = tuple(
    key for key in PartnershipConfig.__dataclass_fields__ if key != "settings"
)


def _partnership(table: Mapping[str, Any], where: Where, zones: set[str]) -> PartnershipConfig:
    zone = timezone(table, where, known=zones, default="")
    numbers: dict[str, int] = {
        key: at_least(
            opt(table, key, int, where, getattr(_DEFAULTS, key)),
            minimum,
            where.at(key),
            fix=_MINIMUM_FIXES.get(key, ""),
        )
        for key, minimum in _MINIMUMS.items()
    }
    return PartnershipConfig(
        name=text(table, "name", where, example='name = "Riverside Partnership"'),
        timezone=zone,
        language=language(table, where, default="en"),
        care_note=opt(table, "care_note", str, where, ""),
        erasure=one_of(
            opt(table, "erasure", str, where, "anonymise"), ERASURE_CHOICES, where.at("erasure")
        ),
        steward_digest=_scheduled(table, "steward_digest", where, zone, "0 8 * * MON"),
        steward_digest_private=opt(table, "steward_digest_private", bool, where, False),
        prompts=_prompts_folder(table, where),
        settings={key: value for key, value in table.items() if key not in CORE_PARTNERSHIP_KEYS},
        **numbers,
    )


def _prompts_folder(table: Mapping[str, Any], where: Where) -> Path | None:
    """`prompts = "my-prompts"`: a folder, taken from the configuration file's own folder."""
    given = maybe(table, "prompts", str, where)
    if given is None:
        return None
    folder = Path(where.source).parent / Path(given).expanduser()
    if not folder.is_dir():
        raise where.at("prompts").error(
            f"the prompt folder {folder} does not exist",
            "make the folder (it may hold only the files you change), or remove the key",
        )
    return folder


def _scheduled(
    table: Mapping[str, Any], name: str, where: Where, zone: str, example: str
) -> ScheduleConfig | None:
    """An optional `[<name>]` table with `cron` and `window_hours`."""
    found = maybe(table, name, dict, where)
    if found is None:
        return None
    return read_schedule(found, where.at(name), zone, example)


def read_schedule(found: Mapping[str, Any], here: Where, zone: str, example: str) -> ScheduleConfig:
    """A table with `cron` and `window_hours` (48 unless given), checked."""
    check_keys(found, ("cron", "window_hours"), here)
    window = opt(found, "window_hours", float, here, 48.0)
    if window <= 0:
        raise here.at("window_hours").error("should be more than 0", "give hours, like 48")
    return ScheduleConfig(schedule(found, here, zone, example=example), window)


def _circle(
    table: Mapping[str, Any],
    where: Where,
    partnership: PartnershipConfig,
    zones: set[str],
    platforms: Collection[PlatformSpec],
) -> CircleConfig:
    known = [key for key in CircleConfig.__dataclass_fields__ if key != "sections"]
    sections = {k: v for k, v in table.items() if k not in known and isinstance(v, dict)}
    check_keys({k: v for k, v in table.items() if k not in sections}, known, where)
    circle_id = identifier(table, "id", where, example="core")
    zone = timezone(table, where, known=zones, default=partnership.timezone)
    rooms: list[RoomConfig] = []
    for i, raw in enumerate(opt(table, "rooms", list, where, [])):
        here = where.at("rooms").item(i)
        rooms.append(RoomConfig(*room_address(table_of(raw, here), here, platforms=platforms)))
    rituals: list[RitualConfig] = []
    for i, raw in enumerate(opt(table, "rituals", list, where, [])):
        here = where.at("rituals").item(i)
        ritual = _ritual(table_of(raw, here), here, zone)
        if any(r.id == ritual.id for r in rituals):
            fix = f'give the second one its own id, for example id = "{ritual.id}-2"'
            raise here.at("id").error(
                f"the ritual id '{ritual.id}' is used twice in this circle", fix
            )
        rituals.append(ritual)
    digest_table = maybe(table, "digest", dict, where)
    digest = None
    if digest_table is not None:
        check_keys(digest_table, ("cron",), where.at("digest"))
        digest = DigestConfig(
            schedule(digest_table, where.at("digest"), zone, example="0 16 * * THU")
        )
    if not rooms and (rituals or digest or sections):
        fix = (
            f'add a room, for example rooms = [{{ platform = "console", channel = "{circle_id}" }}]'
        )
        raise where.at("rooms").error(
            "this circle has rituals or a digest but no room to send them to", fix
        )
    return CircleConfig(
        id=circle_id,
        name=text(table, "name", where, example='name = "Core partnership"'),
        kind=one_of(
            text(table, "kind", where, example='kind = "partnership"'),
            CIRCLE_KINDS,
            where.at("kind"),
        ),
        timezone=zone,
        language=language(table, where, default=partnership.language),
        rooms=tuple(rooms),
        rituals=tuple(rituals),
        digest=digest,
        sections=sections,
    )


def _ritual(table: Mapping[str, Any], where: Where, zone: str) -> RitualConfig:
    check_keys(table, RitualConfig.__dataclass_fields__, where)
    prompt = identifier(table, "prompt", where, example="learned")
    ritual_id = identifier(table, "id", where, example=prompt, default=prompt)
    cron = schedule(table, where, zone, example="0 9 * * MON")
    window = opt(table, "window_hours", float, where, 48.0)
    if window <= 0:
        raise where.at("window_hours").error(
            "should be more than 0", "give the hours replies are gathered, like 48"
        )
    reminder = opt(table, "reminder", bool, where, True)
    after = maybe(table, "reminder_after_hours", float, where)
    if after is not None and not reminder:
        fix = "remove reminder_after_hours, or set reminder = true"
        raise where.at("reminder_after_hours").error("is set, but reminder = false", fix)
    if after is not None and not 0 < after < window:
        fix = f"choose a time inside the reply window, for example {window / 2:g}"
        raise where.at("reminder_after_hours").error(
            f"should be more than 0 and less than window_hours ({window:g})", fix
        )
    return RitualConfig(
        ritual_id, prompt, cron, window, reminder, after, opt(table, "private", bool, where, False)
    )

"""Reading values out of a parsed TOML document, with errors a person can act on.

`Where` remembers the file and the dotted key being read (`circles[1].rituals[0].cron`), so each
check can raise a `ConfigError` naming both. The checks here know nothing about huddlebot's
configuration shape; `bot.config.partnership` decides which keys exist and what they mean. What
they know of platforms (how a room is written, which settings are secret) comes from the
platforms' own specs, listed in `adapters.registry`.
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from adapters.registry import PLATFORM_SPECS
from bot.core.ports import PlatformSpec
from bot.errors import ConfigError

T = TypeVar("T")

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]*")
LANGUAGE_PATTERN = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
INTEGER_PATTERN = re.compile(r"-?[0-9]+")
TOML_POSITION = re.compile(
    r"(?P<what>.*?) \(at (?:line (?P<line>\d+), column (?P<col>\d+)|end of document)\)"
)
SECRET_WORDS = ("token", "secret", "password")
SECRET_VARIABLES = tuple(s.name for spec in PLATFORM_SPECS for s in spec.settings if s.secret)
ENVIRONMENT_KEYS = {"database_url": "DATABASE_URL", "port": "HUDDLEBOT_PORT"}
ENVIRONMENT_KEYS |= {"host": "HUDDLEBOT_HOST", "data_dir": "HUDDLEBOT_DATA_DIR"}
_NOT_IANA = frozenset({"localtime", "posixrules", "Factory"})
CRON_FIX = (
    "use five fields separated by spaces: minute hour day-of-month month day-of-week, "
    'for example "0 9 * * MON" for 09:00 every Monday'
)

_NAMES: dict[type, str] = {  # checked in order: bool before int, datetime before date
    bool: "true or false",
    int: "a whole number",
    float: "a number",
    str: "text in quotes",
    list: "a list in [ ]",
    dict: "a table",
    datetime: "a date and time",
    date: "a date",
    time: "a time",
}


@dataclass(frozen=True, slots=True)
class Where:
    """A place in the configuration file: the file itself and a dotted key inside it."""

    source: str
    key: str = ""

    def at(self, name: str) -> Where:
        return Where(self.source, f"{self.key}.{name}" if self.key else name)

    def item(self, index: int) -> Where:
        return Where(self.source, f"{self.key}[{index}]")

    def error(self, message: str, fix: str = "") -> ConfigError:
        return ConfigError(message, source=self.source, key=self.key, fix=fix)


def describe(value: object) -> str:
    """A plain name for the kind of value a person wrote."""
    return next((name for kind, name in _NAMES.items() if isinstance(value, kind)), "unknown")


def _convert(value: object, kind: type[T], where: Where) -> T:
    if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        if not math.isfinite(number):
            raise where.error("should be an ordinary number, not inf or nan", "write a number")
        return cast(T, number)
    ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
    if not ok:
        expected = _NAMES.get(kind, kind.__name__)
        raise where.error(
            f"should be {expected}, but it is {describe(value)}", f"make it {expected}"
        )
    return cast(T, value)


def need(table: Mapping[str, Any], name: str, kind: type[T], where: Where, *, example: str) -> T:
    """The value of a required key, of the given type."""
    if name not in table:
        raise where.at(name).error(
            "this required key is missing", f"add it, for example: {example}"
        )
    return _convert(table[name], kind, where.at(name))


def maybe(table: Mapping[str, Any], name: str, kind: type[T], where: Where) -> T | None:
    """The value of an optional key, or None when it is absent."""
    if name not in table:
        return None
    return _convert(table[name], kind, where.at(name))


def opt(table: Mapping[str, Any], name: str, kind: type[T], where: Where, default: T) -> T:
    """The value of an optional key, or `default` when it is absent."""
    value = maybe(table, name, kind, where)
    return default if value is None else value


def text(table: Mapping[str, Any], name: str, where: Where, *, example: str) -> str:
    """A required, non-blank text value, stripped of surrounding spaces."""
    value = need(table, name, str, where, example=example).strip()
    if not value:
        raise where.at(name).error("is empty", f"give it a value, for example: {example}")
    return value


def at_least(value: T, minimum: float, where: Where, *, fix: str = "") -> T:
    if cast(float, value) < minimum:
        raise where.error(
            f"should be at least {minimum:g}, not {value}", fix or f"use {minimum:g} or more"
        )
    return value


def identifier(
    table: Mapping[str, Any], name: str, where: Where, *, example: str, default: str = ""
) -> str:
    """An id such as `core` or `set-a`: required unless a `default` is given."""
    if default and name not in table:
        return default
    value = text(table, name, where, example=f'{name} = "{example}"')
    if not ID_PATTERN.fullmatch(value):
        fix = "use lower-case letters, digits, '-' and '_', starting with a letter or digit"
        raise where.at(name).error(f"'{value}' is not a valid id", f"{fix}, like '{example}'")
    return value


def one_of(value: str, choices: Collection[str], where: Where) -> str:
    if value in choices:
        return value
    close = difflib.get_close_matches(value, list(choices), n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    raise where.error(
        f"'{value}' is not allowed here", f"{hint}choose one of: {', '.join(choices)}"
    )


def check_keys(table: Mapping[str, Any], allowed: Collection[str], where: Where) -> None:
    """Refuse keys this table does not know, suggesting the closest known one."""
    for key in table:
        if key in allowed:
            continue
        here = where.at(key)
        variable = ENVIRONMENT_KEYS.get(key.lower())
        if variable:
            raise here.error(
                "this setting comes from the environment, not from this file",
                f"remove it here and set the environment variable {variable} instead",
            )
        close = difflib.get_close_matches(key, list(allowed), n=1)
        if close:
            fix = f"did you mean '{close[0]}'?"
        else:
            fix = f"remove it; the keys allowed here are: {', '.join(sorted(allowed))}"
        raise here.error(f"'{key}' is not a key huddlebot knows here", fix)


def check_no_secrets(value: object, where: Where) -> None:
    """Refuse anything that looks like a token, secret or password, wherever it is nested."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            check_no_secrets(item, where.item(index))
        return
    if not isinstance(value, dict):
        return
    for key, item in value.items():
        here = where.at(key)
        if any(word in key.lower() for word in SECRET_WORDS):
            close = difflib.get_close_matches(key.upper(), SECRET_VARIABLES, n=1, cutoff=0.5)
            variable = (
                f"the environment variable {close[0]}" if close else "an environment variable"
            )
            raise here.error(
                "tokens, secrets and passwords do not belong in this file",
                f"delete this line and put the value in {variable} instead",
            )
        check_no_secrets(item, here)


def timezone(
    table: Mapping[str, Any], where: Where, *, known: Collection[str], default: str
) -> str:
    """An IANA time zone name such as Europe/London, required unless a `default` is given."""
    if default and "timezone" not in table:
        return default
    name = need(table, "timezone", str, where, example='timezone = "Europe/London"')
    if name in known and name not in _NOT_IANA:
        try:
            ZoneInfo(name)
        except (KeyError, ValueError, OSError):
            pass
        else:
            return name
    raise where.at("timezone").error(
        f"'{name}' is not a time zone huddlebot knows",
        f"use an IANA time zone name such as '{_suggest_timezone(name, known)}'",
    )


def _suggest_timezone(name: str, known: Collection[str]) -> str:
    wanted = name.strip().lower().replace(" ", "_")
    by_lower = {zone.lower(): zone for zone in known}
    if wanted in by_lower:
        return by_lower[wanted]
    for zone in sorted(known):
        if zone.lower().rsplit("/", 1)[-1] == wanted.rsplit("/", 1)[-1]:
            return zone
    close = difflib.get_close_matches(wanted, list(by_lower), n=1)
    return by_lower[close[0]] if close else "Europe/London"


def schedule(table: Mapping[str, Any], where: Where, timezone: str, *, example: str) -> str:
    """The `cron` key: a five-field crontab expression APScheduler can run in `timezone`."""
    expression = text(table, "cron", where, example=f'cron = "{example}"')
    try:
        CronTrigger.from_crontab(expression, timezone=timezone)
    except (ValueError, TypeError, KeyError) as exc:
        message = f"'{expression}' is not a schedule huddlebot can read ({exc})"
        raise where.at("cron").error(message, CRON_FIX) from None
    return expression


def language(table: Mapping[str, Any], where: Where, *, default: str) -> str:
    code = opt(table, "language", str, where, default)
    if not LANGUAGE_PATTERN.fullmatch(code):
        fix = "use a short code such as 'en' or 'cy'"
        raise where.at("language").error(f"'{code}' is not a language code", fix)
    return code


def read_toml(path: Path, where: Where) -> dict[str, Any]:
    """The parsed file; a missing, unreadable or malformed file becomes a ConfigError."""
    try:
        content = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise where.error(
            "the file does not exist", "check the path, or copy examples/huddlebot.toml"
        ) from None
    except OSError as exc:
        raise where.error(
            f"the file cannot be read ({exc.strerror})", "check the path and its permissions"
        ) from None
    except UnicodeDecodeError:
        raise where.error(
            "the file is not UTF-8 text", "save it as UTF-8 from your editor"
        ) from None
    try:
        return tomllib.loads(content)
    except tomllib.TOMLDecodeError as exc:
        match = TOML_POSITION.fullmatch(str(exc))
        what = (match.group("what") if match else str(exc)).rstrip(".").lower()
        place = "the end of the file"
        if match and match.group("line"):
            line = int(match.group("line"))
            lines = content.splitlines()
            shown = f": {lines[line - 1].strip()!r}" if 0 < line <= len(lines) else ""
            place = f"line {line}, column {match.group('col')}{shown}"
        fix = (
            'check that text is in "quotes", each [table] appears once, and [ ] and { } are closed'
        )
        raise where.error(f"the file is not valid TOML: {what} at {place}", fix) from None


def table_of(value: object, where: Where) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise where.error(
            f"should be a table, but it is {describe(value)}", "write it as { key = value, ... }"
        )
    return value


def room_address(
    table: Mapping[str, Any],
    where: Where,
    *,
    platforms: Collection[PlatformSpec],
) -> tuple[str, str, str | None]:
    """A room's (platform, chat, topic), written as its platform's spec says.

    `platforms` are the platforms huddlebot knows (`adapters.registry.PLATFORM_SPECS`); a room
    on any other is refused, naming those that exist.
    """
    platform = text(table, "platform", where, example='platform = "console"')
    known = {spec.name: spec for spec in platforms}
    spec = known.get(platform)
    if spec is None:
        close = difflib.get_close_matches(platform.lower(), list(known), n=1)
        names = ", ".join(f'"{name}"' for name in known)
        fix = f'did you mean "{close[0]}"? ' if close else ""
        raise where.at("platform").error(
            f"'{platform}' is not a platform huddlebot knows", f"{fix}the platforms are {names}"
        )
    room = spec.room
    check_keys(table, ("platform", room.key, *(("topic",) if room.topics else ())), where)
    value = table.get(room.key)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        problem = "is missing or empty" if value in (None, "") else "should be text in quotes"
        raise where.at(room.key).error(problem, f'write it like {room.key} = "{room.example}"')
    chat = value.strip()
    if room.check is not None and room.check.refuses(chat):
        raise where.at(room.key).error(f"'{chat}' {room.check.problem}", room.check.fix)
    return platform, chat, _topic(table.get("topic"), where.at("topic"))


def _topic(value: object, where: Where) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and INTEGER_PATTERN.fullmatch(value.strip()):
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise where.error(
            "should be a forum topic number", "write it as a whole number, like topic = 5"
        )
    return str(value)

"""Settings from the environment: where the data lives, the web port, and platform settings.

Secrets live here and never in the TOML file (see `bot.config.partnership`). Which variables a
platform reads, which of them are secret and how each is checked is the platform's own
declaration (`bot.core.ports.PlatformSpec`, listed in `adapters.registry`); this module only reads
them. `Settings.from_env` reads a mapping (normally `os.environ`) so tests pass their own; every
bad value becomes a `ConfigError` naming the variable. The `repr` masks secrets and database
passwords, so settings can be logged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import MappingProxyType

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from adapters.registry import PLATFORM_SPECS
from bot.core.ports import PlatformSpec, Setting
from bot.errors import ConfigError

SOURCE = "environment"
_POSTGRES_PREFIXES = (
    "postgres://",
    "postgresql://",
    "postgresql+psycopg://",
    "postgresql+psycopg2://",
)
_ASYNC_POSTGRES = "postgresql+asyncpg://"
_SQLITE = "sqlite://"
"""SQLite is opened by huddlebot's own driver (bot/storage/sqlite_dialect.py), whatever driver a
URL names, so the URL says only "sqlite"; older ones (`sqlite+aiosqlite://`) keep working."""
_DATABASE_FIX = (
    "use postgresql://user@host:5432/dbname for PostgreSQL or sqlite:///path/to/huddlebot.db "
    "for SQLite, or unset DATABASE_URL to use a SQLite file in the data directory"
)


@dataclass(frozen=True, slots=True, repr=False)
class PlatformValues:
    """The platforms' settings that are set, by variable name; `repr` masks the secret ones."""

    found: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    secret: frozenset[str] = frozenset()

    @classmethod
    def read(
        cls, env: Mapping[str, str], settings: Iterable[Setting], *, source: str = SOURCE
    ) -> PlatformValues:
        """The values of `settings` set in `env` (blank counts as unset), each checked."""
        found: dict[str, str] = {}
        secret: set[str] = set()
        for setting in settings:
            if setting.secret:
                secret.add(setting.name)
            value = env.get(setting.name, "").strip()
            if not value:
                continue
            check = setting.check
            if check is not None and check.refuses(value):
                shown = "this value" if setting.secret else f"'{value}'"
                raise ConfigError(
                    f"{shown} {check.problem}", source=source, key=setting.name, fix=check.fix
                )
            found[setting.name] = value
        return cls(MappingProxyType(found), frozenset(secret))

    def get(self, name: str) -> str | None:
        return self.found.get(name)

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={'***' if name in self.secret else value!r}"
            for name, value in sorted(self.found.items())
        )
        return f"PlatformValues({shown})"


@dataclass(frozen=True, slots=True, repr=False)
class Settings:
    database_url: str
    data_dir: Path
    port: int = 8080
    port_given: bool = False
    """Whether HUDDLEBOT_PORT was set: then the web app always starts (see `huddlebot run`)."""
    host: str = "127.0.0.1"
    platforms: PlatformValues = field(default_factory=PlatformValues)
    prompts_dir: Path | None = None
    """HUDDLEBOT_PROMPTS: the partnership's own prompt folder, laid over the built-in library."""

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str],
        *,
        cwd: Path,
        platforms: Iterable[PlatformSpec] = PLATFORM_SPECS,
    ) -> Settings:
        """Read the settings from `env`; relative paths are taken from `cwd`; each platform in
        `platforms` (normally every registered one) reads the variables it declares."""

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        data_dir = cwd / Path(get("HUDDLEBOT_DATA_DIR") or "data").expanduser()
        raw_url = get("DATABASE_URL")
        return cls(
            database_url=_database_url(raw_url)
            if raw_url
            else _sqlite_url(data_dir / "huddlebot.db"),
            data_dir=data_dir,
            port=_port(get("HUDDLEBOT_PORT")),
            port_given=get("HUDDLEBOT_PORT") is not None,
            host=get("HUDDLEBOT_HOST") or "127.0.0.1",
            platforms=PlatformValues.read(
                env, (setting for spec in platforms for setting in spec.settings)
            ),
            prompts_dir=_folder(get("HUDDLEBOT_PROMPTS"), "HUDDLEBOT_PROMPTS", cwd=cwd),
        )

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite database file, or None for PostgreSQL and in-memory SQLite."""
        if not self.is_sqlite:
            return None
        database = make_url(self.database_url).database
        if not database or database == ":memory:" or database.startswith("file:"):
            return None
        return Path(database)

    def __repr__(self) -> str:
        parts = []
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name == "database_url":
                shown = repr(_masked_url(value))
            else:
                shown = repr(value)
            parts.append(f"{item.name}={shown}")
        return f"Settings({', '.join(parts)})"


def _masked_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "***"


def _sqlite_url(path: Path) -> str:
    return f"{_SQLITE}/{path.as_posix()}"


def _database_url(url: str) -> str:
    normalised = url
    for prefix in _POSTGRES_PREFIXES:
        if url.startswith(prefix):
            normalised = _ASYNC_POSTGRES + url.removeprefix(prefix)
    if url.startswith("sqlite+") and "://" in url:
        normalised = _SQLITE + url.split("://", 1)[1]
    if not normalised.startswith((_ASYNC_POSTGRES, _SQLITE)):
        scheme = url.split("://", 1)[0]
        raise ConfigError(
            f"huddlebot cannot use a '{scheme}' database"
            if "://" in url
            else "this is not a database URL",
            source=SOURCE,
            key="DATABASE_URL",
            fix=_DATABASE_FIX,
        )
    try:
        make_url(normalised)
    except (ArgumentError, ValueError):
        raise ConfigError(
            "this is not a database URL huddlebot can read",
            source=SOURCE,
            key="DATABASE_URL",
            fix=_DATABASE_FIX,
        ) from None
    return normalised


def _port(value: str | None) -> int:
    if value is None:
        return 8080
    try:
        port = int(value)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise ConfigError(
            f"'{value}' is not a port number",
            source=SOURCE,
            key="HUDDLEBOT_PORT",
            fix="use a whole number from 1 to 65535, such as 8080, or unset it",
        )
    return port


def _folder(value: str | None, name: str, *, cwd: Path) -> Path | None:
    if value is None:
        return None
    folder = cwd / Path(value).expanduser()
    if not folder.is_dir():
        raise ConfigError(
            f"the folder {folder} does not exist",
            source=SOURCE,
            key=name,
            fix="make the folder (it may hold only the files you change), or unset it",
        )
    return folder

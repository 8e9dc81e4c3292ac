"""Settings from the environment: where the data lives, the web port, and platform secrets.

Secrets live here and never in the TOML file (see `bot.config.partnership`).
`Settings.from_env` reads a
mapping (normally `os.environ`) so tests pass their own; every bad value becomes a `ConfigError`
naming the variable. The `repr` masks secrets and database passwords, so settings can be logged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.errors import ConfigError

SOURCE = "environment"
_SECRETS = frozenset(
    {
        "slack_bot_token",
        "slack_signing_secret",
        "slack_app_token",
        "telegram_bot_token",
        "telegram_webhook_secret",
    }
)
_POSTGRES_PREFIXES = (
    "postgres://",
    "postgresql://",
    "postgresql+psycopg://",
    "postgresql+psycopg2://",
)
_ASYNC_POSTGRES = "postgresql+asyncpg://"
_ASYNC_SQLITE = "sqlite+aiosqlite://"
_DATABASE_FIX = (
    "use postgresql://user@host:5432/dbname for PostgreSQL or sqlite:///path/to/huddlebot.db "
    "for SQLite, or unset DATABASE_URL to use a SQLite file in the data directory"
)


@dataclass(frozen=True, slots=True, repr=False)
class Settings:
    database_url: str
    data_dir: Path
    port: int = 8080
    host: str = "127.0.0.1"
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str | None = None
    telegram_bot_token: str | None = None
    telegram_api_url: str | None = None
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: str | None = None
    prompts_dir: Path | None = None
    """HUDDLEBOT_PROMPTS: the partnership's own prompt folder, laid over the built-in library."""

    @classmethod
    def from_env(cls, env: Mapping[str, str], *, cwd: Path) -> Settings:
        """Read the settings from `env`; relative paths are taken from `cwd`."""

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
            host=get("HUDDLEBOT_HOST") or "127.0.0.1",
            slack_bot_token=get("SLACK_BOT_TOKEN"),
            slack_signing_secret=get("SLACK_SIGNING_SECRET"),
            slack_app_token=get("SLACK_APP_TOKEN"),
            slack_api_url=_http_url(get("SLACK_API_URL"), "SLACK_API_URL"),
            telegram_bot_token=get("TELEGRAM_BOT_TOKEN"),
            telegram_api_url=_http_url(get("TELEGRAM_API_URL"), "TELEGRAM_API_URL"),
            telegram_webhook_url=_http_url(get("TELEGRAM_WEBHOOK_URL"), "TELEGRAM_WEBHOOK_URL"),
            telegram_webhook_secret=get("TELEGRAM_WEBHOOK_SECRET"),
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
        for field in fields(self):
            value = getattr(self, field.name)
            if field.name in _SECRETS and value is not None:
                shown = "'***'"
            elif field.name == "database_url":
                shown = repr(_masked_url(value))
            else:
                shown = repr(value)
            parts.append(f"{field.name}={shown}")
        return f"Settings({', '.join(parts)})"


def _masked_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "***"


def _sqlite_url(path: Path) -> str:
    return f"{_ASYNC_SQLITE}/{path.as_posix()}"


def _database_url(url: str) -> str:
    normalised = url
    for prefix in _POSTGRES_PREFIXES:
        if url.startswith(prefix):
            normalised = _ASYNC_POSTGRES + url.removeprefix(prefix)
    if url.startswith("sqlite://"):
        normalised = _ASYNC_SQLITE + url.removeprefix("sqlite://")
    if not normalised.startswith((_ASYNC_POSTGRES, _ASYNC_SQLITE)):
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


def _http_url(value: str | None, name: str) -> str | None:
    if value is not None and not value.startswith(("http://", "https://")):
        raise ConfigError(
            f"'{value}' is not a web address",
            source=SOURCE,
            key=name,
            fix="use an address starting with https:// (or http:// for a local test server)",
        )
    return value

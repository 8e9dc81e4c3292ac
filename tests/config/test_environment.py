"""Settings from the environment: defaults, database URLs, ports, and secrets kept out of sight."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.common.settings import WEB_ADDRESS
from bot.config.environment import Settings
from bot.core.ports import Limits, PlatformSpec, RoomFormat, Setting
from bot.errors import ConfigError


def test_defaults(tmp_path: Path) -> None:
    settings = Settings.from_env({}, cwd=tmp_path)
    assert settings.data_dir == tmp_path / "data"
    assert settings.database_url == f"sqlite:///{tmp_path}/data/huddlebot.db"
    assert settings.is_sqlite
    assert settings.sqlite_path == tmp_path / "data" / "huddlebot.db"
    assert (settings.host, settings.port) == ("127.0.0.1", 8080)
    assert dict(settings.platforms.found) == {}


def test_everything_from_the_environment(tmp_path: Path) -> None:
    env = {
        "HUDDLEBOT_DATA_DIR": "var/huddle",
        "HUDDLEBOT_PORT": "9000",
        "HUDDLEBOT_HOST": "0.0.0.0",
        "SLACK_BOT_TOKEN": "xoxb-1",
        "SLACK_SIGNING_SECRET": "sign",
        "SLACK_APP_TOKEN": "xapp-1",
        "SLACK_API_URL": "http://127.0.0.1:5000/api/",
        "TELEGRAM_BOT_TOKEN": "123:abc",
        "TELEGRAM_API_URL": "http://127.0.0.1:5001/bot",
        "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/telegram/webhook",
        "TELEGRAM_WEBHOOK_SECRET": "hook",
    }
    settings = Settings.from_env(env, cwd=tmp_path)
    assert settings.data_dir == tmp_path / "var" / "huddle"
    assert settings.sqlite_path == tmp_path / "var" / "huddle" / "huddlebot.db"
    assert (settings.host, settings.port) == ("0.0.0.0", 9000)
    platforms = {k: v for k, v in env.items() if k.startswith(("SLACK_", "TELEGRAM_"))}
    assert dict(settings.platforms.found) == platforms


def test_empty_values_count_as_unset(tmp_path: Path) -> None:
    env = {"SLACK_BOT_TOKEN": "", "HUDDLEBOT_PORT": "", "DATABASE_URL": " ", "SLACK_API_URL": ""}
    settings = Settings.from_env(env, cwd=tmp_path)
    assert settings.platforms.get("SLACK_BOT_TOKEN") is None
    assert settings.platforms.get("SLACK_API_URL") is None
    assert settings.port == 8080
    assert settings.is_sqlite


def test_absolute_data_dir(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {"HUDDLEBOT_DATA_DIR": str(tmp_path / "d")}, cwd=Path("/elsewhere")
    )
    assert settings.data_dir == tmp_path / "d"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@db:5432/huddle", "postgresql+asyncpg://u:p@db:5432/huddle"),
        ("postgresql://u:p@db/huddle", "postgresql+asyncpg://u:p@db/huddle"),
        ("postgresql+psycopg://u@db/huddle", "postgresql+asyncpg://u@db/huddle"),
        ("postgresql+asyncpg://u@db/huddle", "postgresql+asyncpg://u@db/huddle"),
        ("sqlite:///x.db", "sqlite:///x.db"),
        ("sqlite:////srv/huddle/x.db", "sqlite:////srv/huddle/x.db"),
        # older URLs named a driver huddlebot no longer uses; they keep working
        ("sqlite+aiosqlite:///x.db", "sqlite:///x.db"),
        ("sqlite+pysqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls_are_normalised(tmp_path: Path, given: str, expected: str) -> None:
    settings = Settings.from_env({"DATABASE_URL": given}, cwd=tmp_path)
    assert settings.database_url == expected
    assert settings.is_sqlite == expected.startswith("sqlite")


def test_sqlite_path(tmp_path: Path) -> None:
    def path(url: str) -> Path | None:
        return Settings.from_env({"DATABASE_URL": url}, cwd=tmp_path).sqlite_path

    assert path("sqlite:////srv/huddle/x.db") == Path("/srv/huddle/x.db")
    assert path("sqlite:///x.db") == Path("x.db")
    assert path("sqlite:///:memory:") is None
    assert path("postgresql://u@db/huddle") is None


@pytest.mark.parametrize(
    "url", ["mysql://u@db/huddle", "not a url", "postgresql+asyncpg://u@db:port/x"]
)
def test_unsupported_database_url(tmp_path: Path, url: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"DATABASE_URL": url}, cwd=tmp_path)
    error = caught.value
    assert error.key == "DATABASE_URL"
    assert "DATABASE_URL" in str(error)
    assert "postgresql://" in error.fix


@pytest.mark.parametrize("port", ["0", "65536", "eighty", "-1", "80.5"])
def test_bad_port(tmp_path: Path, port: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"HUDDLEBOT_PORT": port}, cwd=tmp_path)
    assert caught.value.key == "HUDDLEBOT_PORT"
    assert "HUDDLEBOT_PORT" in str(caught.value)
    assert "65535" in caught.value.fix


@pytest.mark.parametrize("name", ["SLACK_API_URL", "TELEGRAM_API_URL", "TELEGRAM_WEBHOOK_URL"])
def test_bad_web_address(tmp_path: Path, name: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({name: "127.0.0.1:5000"}, cwd=tmp_path)
    assert caught.value.key == name
    assert "https://" in caught.value.fix


def test_repr_hides_secrets(tmp_path: Path) -> None:
    env = {
        "DATABASE_URL": "postgresql://huddle:db-password-1@db/huddle",
        "SLACK_BOT_TOKEN": "xoxb-secret-1",
        "SLACK_SIGNING_SECRET": "signing-secret-2",
        "SLACK_APP_TOKEN": "xapp-secret-3",
        "TELEGRAM_BOT_TOKEN": "123:secret-4",
        "TELEGRAM_WEBHOOK_SECRET": "hook-secret-5",
    }
    settings = Settings.from_env(env, cwd=tmp_path)
    shown = repr(settings) + str(settings)
    for secret in (
        "db-password-1",
        "xoxb-secret-1",
        "signing-secret-2",
        "xapp-secret-3",
        "secret-4",
    ):
        assert secret not in shown
    assert "hook-secret-5" not in shown
    assert "SLACK_BOT_TOKEN='***'" in shown
    assert "TELEGRAM_API_URL" not in shown
    assert "postgresql+asyncpg://huddle:***@db/huddle" in shown


def test_settings_are_frozen(tmp_path: Path) -> None:
    settings = Settings.from_env({}, cwd=tmp_path)
    with pytest.raises(AttributeError):
        settings.port = 1  # type: ignore[misc]


def test_each_platform_reads_the_settings_its_spec_declares(tmp_path: Path) -> None:
    mail = PlatformSpec(
        name="mail",
        title="Mail",
        text_format="markdown",
        limits=Limits(max_chars=50_000),
        room=RoomFormat(key="channel", example="team@example.org"),
        settings=(
            Setting("MAIL_PASSWORD", secret=True),
            Setting("MAIL_SERVER", check=WEB_ADDRESS),
        ),
        switch="MAIL_PASSWORD",
    )
    env = {
        "MAIL_PASSWORD": "pw-1",
        "MAIL_SERVER": "https://mail.example.org",
        "SLACK_BOT_TOKEN": "x",
    }
    settings = Settings.from_env(env, cwd=tmp_path, platforms=[mail])
    assert dict(settings.platforms.found) == {
        "MAIL_PASSWORD": "pw-1",
        "MAIL_SERVER": "https://mail.example.org",
    }
    assert "pw-1" not in repr(settings)
    assert "MAIL_SERVER='https://mail.example.org'" in repr(settings)
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"MAIL_SERVER": "mail.example.org"}, cwd=tmp_path, platforms=[mail])
    assert caught.value.key == "MAIL_SERVER"
    assert "'mail.example.org' is not a web address" in str(caught.value)


def test_a_secret_that_fails_its_check_is_not_shown(tmp_path: Path) -> None:
    spec = PlatformSpec(
        name="chat",
        title="Chat",
        text_format="plain",
        limits=Limits(max_chars=1000),
        room=RoomFormat(key="channel", example="general"),
        settings=(Setting("CHAT_KEY", secret=True, check=WEB_ADDRESS),),
    )
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"CHAT_KEY": "hunter2"}, cwd=tmp_path, platforms=[spec])
    assert "hunter2" not in str(caught.value)
    assert caught.value.key == "CHAT_KEY"

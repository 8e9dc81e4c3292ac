"""Shared fixtures; what they build lives in `tests/harness.py`.

Storage tests run on SQLite always and on PostgreSQL when TEST_DATABASE_URL is set. When the suite
runs in several worker processes (`pytest -n 2`, as `make test` does), each worker has a database
of its own on that server, named after the worker, so no two workers empty each other's tables.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config.environment import Settings
from bot.config.partnership import load_config
from tests.harness import (
    CONFIG,
    Harness,
    database_of_worker,
    database_params,
    fresh_postgres,
    open_harness,
)


def pytest_configure(config: pytest.Config) -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    shared = os.environ.get("TEST_DATABASE_URL")
    if worker and shared:  # read by the fixtures and by the bot processes the tests start
        os.environ["TEST_DATABASE_URL"] = database_of_worker(shared, worker)


@pytest.fixture(params=database_params())
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database: a SQLite file, or the test PostgreSQL database emptied."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/huddlebot.db"
    url = Settings.from_env(
        {"DATABASE_URL": os.environ["TEST_DATABASE_URL"]}, cwd=tmp_path
    ).database_url
    await fresh_postgres(url)
    return url


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "huddlebot.toml"
    path.write_text(textwrap.dedent(CONFIG))
    return path


@pytest.fixture
async def harness(config_file: Path, database_url: str) -> AsyncIterator[Harness]:
    async with open_harness(load_config(config_file), database_url) as h:
        yield h

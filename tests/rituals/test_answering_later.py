"""A prompt open in the database is open in every process and session: a plain line typed at the
console answers it, whether `huddlebot prompt` asked it from another process or the bot asked it
before a restart. Where nothing was ever asked, the line gets a kind word, and nothing is kept."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot.cli.main import COMMANDS, parser
from bot.config.partnership import load_config
from bot.storage.models import Entry, PromptRun
from tests.harness import CONFIG, open_harness

NO_SCHEDULE = CONFIG.split("[[circles.rituals]]")[0] + CONFIG.split('cron = "0 16 * * THU"')[1]


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    path = tmp_path / "huddlebot.toml"
    path.write_text(textwrap.dedent(NO_SCHEDULE))
    return path


async def answers(database_url: str, config_path: Path) -> list[tuple[str, int | None]]:
    async with open_harness(load_config(config_path), database_url, run_id="check") as h:
        async with h.bot.sessions() as session:
            rows = (await session.exec(select(Entry.text, Entry.prompt_run_id))).all()
    return [(text, run) for text, run in rows]


async def test_a_prompt_from_another_process_is_answered_at_the_console(
    config_path: Path,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    async with open_harness(load_config(config_path), database_url, run_id="run") as running:
        monkeypatch.setenv("DATABASE_URL", database_url)
        argv = ["--config", str(config_path), "prompt", "--circle", "core", "--prompt", "learned"]
        assert await COMMANDS["prompt"](parser().parse_args(argv)) == 0
        # on PostgreSQL the command posts it itself; beside a bot running on the same SQLite
        # file, it leaves the posting to that bot (whose clock catches up with the command's)
        running.clock.set(datetime.now(UTC) + timedelta(minutes=1))
        await running.bot.dispatcher.drain()
        posted = capsys.readouterr().out + running.take()
        assert posted.count("What did we learn?") == 1

        await running.say("@ana Families open up when the kettle is on.")
        said = running.take()
        assert "saved as a learning for *What did we learn?*" in said
        async with running.bot.sessions() as session:
            run = (await session.exec(select(PromptRun))).one()
            entry = (await session.exec(select(Entry))).one()
        assert entry.prompt_run_id == run.id


async def test_a_prompt_asked_before_a_restart_is_still_answered(
    config_path: Path, database_url: str
) -> None:
    async with open_harness(load_config(config_path), database_url, run_id="first") as first:
        await first.say("#stewards /prompt learned")  # asks the stewards' own circle
        await first.say("#core /prompt learned")
        assert first.take().count("What did we learn?") == 2

    async with open_harness(load_config(config_path), database_url, run_id="second") as second:
        await second.say("#core @ben The new form halves the phone calls.")
        assert "saved as a learning for *What did we learn?*" in second.take()
        async with second.bot.sessions() as session:
            entry = (await session.exec(select(Entry))).one()
            run = await session.get(PromptRun, entry.prompt_run_id)
        assert run is not None and run.circle_id == "core"


async def test_a_line_where_nothing_was_asked_gets_a_kind_word(
    config_path: Path, database_url: str
) -> None:
    async with open_harness(load_config(config_path), database_url) as h:
        await h.say("@ana Is anyone there?")
        said = h.take()
        assert "No question has been asked in Core partnership yet" in said
        assert "/learned" in said
        async with h.bot.sessions() as session:
            assert (await session.exec(select(Entry))).all() == []

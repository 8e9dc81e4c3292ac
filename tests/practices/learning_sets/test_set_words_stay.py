"""Nothing a learning set says leaves it, however the words come in: a reply to a prompt asked in
the set's room, `learned`, `blocker` and `story` typed there. The prompt says where answers go,
and neither the set's digest, the stewards' digest, nor `huddlebot export` carries the words;
the author still finds them in their own `mydata`."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from bot.cli.main import COMMANDS, parser
from bot.config.partnership import Config, load_config
from bot.digests.steward_digest import steward_context
from bot.practices.blockers.models import Blocker
from bot.practices.data_rights.holdings import person_data
from bot.storage.models import Consent, Entry, Identity
from tests.harness import Harness, open_harness

CONFIG = """
[partnership]
name = "Riverside Partnership"
timezone = "Europe/London"

[[circles]]
id = "core"
name = "Core partnership"
kind = "partnership"
rooms = [{ platform = "console", channel = "core" }]

[[circles]]
id = "stewards"
name = "Stewards"
kind = "stewards"
rooms = [{ platform = "console", channel = "stewards" }]

[[circles]]
id = "set-a"
name = "Learning set A"
kind = "learning_set"
rooms = [{ platform = "console", channel = "set-a" }]

[[circles.rituals]]
prompt = "learned"
cron = "0 9 * * MON"
window_hours = 48

[circles.digest]
cron = "0 16 * * THU"
"""

MONDAY_10 = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
THURSDAY_17 = datetime(2026, 3, 12, 17, 0, tzinfo=UTC)
SAID = {
    "reply": "Our panel bounces families between teams.",
    "learned": "The chair listens when we bring a family's own words.",
    "blocker": "The case system hides who holds each family.",
    "story": "A mother finally met one worker instead of five.",
    "shared": "core: drop-ins work best on Tuesdays.",
}


@pytest.fixture
def config(tmp_path: Path) -> Config:
    path = tmp_path / "huddlebot.toml"
    path.write_text(CONFIG)
    return load_config(path)


@pytest.fixture
async def harness(config: Config, database_url: str) -> AsyncIterator[Harness]:
    async with open_harness(config, database_url) as h:
        yield h


async def test_words_said_in_a_set_stay_in_it(
    harness: Harness,
    config: Config,
    database_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await harness.until(MONDAY_10)
    asked = harness.take()
    assert "[#set-a] huddlebot" in asked and "What did we learn?" in asked
    assert "stays in Learning set A" in asked
    assert "goes into the" not in asked

    await harness.say(f"#set-a @ana {SAID['reply']}")
    await harness.say(f"#set-a @ben /learned {SAID['learned']}")
    await harness.say(f"#set-a @ben /blocker {SAID['blocker']}")
    await harness.say(f"#set-a @cy /story {SAID['story']}")
    await harness.say(f"#core @ana /learned {SAID['shared']}")
    answers = harness.take()
    assert answers.count("It stays in Learning set A") == 4
    assert "stewards" not in answers.lower()  # nothing is raised with them

    async with harness.bot.sessions() as session:
        entries = (await session.exec(select(Entry).where(Entry.circle_id == "set-a"))).all()
        assert {e.visibility for e in entries} == {"set"}
        assert (await session.exec(select(Blocker))).all() == []
        ana = (await session.exec(select(Identity).where(Identity.user_id == "ana"))).one()
        own = json.dumps(await person_data(session, ana.person_id, now=THURSDAY_17))
        stewards = await steward_context(
            session,
            config=config,
            start=MONDAY_10,
            end=THURSDAY_17,
            library=harness.bot.library,
            contributors=harness.bot.huddle.contributors,
        )
    assert SAID["reply"] in own  # Ana can still take her own words away
    everything = json.dumps(stewards, default=str)
    assert stewards["participation"] == {"people": 1, "entries": 1}  # Ana's, in core

    await harness.until(THURSDAY_17)
    digest = harness.take()
    assert "Huddle digest for Learning set A" in digest
    assert "stays in the set, so this digest carries none of its words" in digest

    monkeypatch.setenv("DATABASE_URL", database_url)
    for fmt in ("md", "json"):
        argv = ["--config", str(config.source), "export", "--circle", "set-a", "--format", fmt]
        assert await COMMANDS["export"](parser().parse_args(argv)) == 0
        printed = capsys.readouterr()
        exported = printed.out
        for name, words in SAID.items():
            assert words not in exported, name
        assert "stays in the set; no export carries it" in printed.err
        if fmt == "md":  # says why it is empty, rather than that nothing was shared
            assert "stays in the set, so this export carries none of its words" in exported
            assert "Nothing has been shared" not in exported

    for words in SAID.values():
        if words != SAID["shared"]:
            assert words not in digest
            assert words not in everything


async def test_a_story_told_in_a_set_cannot_be_shared_out_of_it(harness: Harness) -> None:
    await harness.say(f"#set-a @cy /story {SAID['story']}")
    async with harness.bot.sessions() as session:
        [story] = (await session.exec(select(Entry).where(Entry.kind == "story"))).all()
    harness.take()
    for asked in (f"/story share {story.id} stewards", f"/press story_share {story.id}:circle"):
        await harness.say(f"#set-a @cy {asked}")
        answer = harness.take()
        assert "stays in the set" in answer and "cannot change" in answer
        assert "Done" not in answer and "Stewards only" not in answer
    await harness.say("#set-a @cy /story list")
    listed = harness.take()
    assert "Kept in its learning set" in listed and "Withdrawn" not in listed
    async with harness.bot.sessions() as session:
        again = await session.get_one(Entry, story.id)
        assert again.visibility == "set"
        consents = (await session.exec(select(Consent).where(Consent.entry_id == story.id))).all()
        assert consents == []  # no choice was recorded with words that did not happen

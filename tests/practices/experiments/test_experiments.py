"""Experiments through the console: a PDSA cycle with its leads, from plan to the next cycle."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select

from bot.cli.main import main
from bot.config.partnership import load_config
from bot.practices.experiments.models import Experiment, ExperimentUpdate
from bot.practices.experiments.practice import experiment_digest, experiments_overdue
from bot.storage.models import Entry
from tests.fakes.telegram_updates import user
from tests.harness import SUNDAY, Harness, open_harness
from tests.worlds import TELEGRAM_CONFIG, telegram_world
from tests.worlds import TELEGRAM_GROUP as GROUP
from tests.worlds import TelegramWorld as World


@pytest.fixture
async def telegram(tmp_path: Path, database_url: str) -> AsyncIterator[World]:
    """The bot with a Telegram group beside the console."""
    async with telegram_world(TELEGRAM_CONFIG, database_url, tmp_path) as world:
        yield world


NEW = "/experiment new Text reminders | we expect fewer missed visits | @ana @ben | 2026-03-20"


async def meet(harness: Harness, *names: str) -> None:
    for name in names:
        await harness.say(f"#core @{name} /help")
    harness.take()


async def experiments(harness: Harness) -> list[Experiment]:
    async with harness.bot.sessions() as session:
        return list((await session.exec(select(Experiment).order_by(col(Experiment.id)))).all())


async def entries(harness: Harness) -> list[Entry]:
    async with harness.bot.sessions() as session:
        query = select(Entry).where(Entry.kind == "experiment_update").order_by(col(Entry.id))
        return list((await session.exec(query)).all())


async def test_a_whole_cycle_with_two_leads(harness: Harness) -> None:
    await meet(harness, "ana", "ben", "cleo")
    await harness.say(f"#core @ana {NEW}")
    created = harness.take()
    assert "Experiment #1: Text reminders" in created
    assert "Led by Ana, Ben" in created and "2026-03-20" in created

    await harness.say("#core @ben /experiment 1 do We sent the first texts on Monday.")
    assert "saved under *Do*" in harness.take()
    await harness.say("#core @cleo /experiment 1 do I think it works.")
    refused = harness.take()
    assert "Only its leads (Ana, Ben)" in refused and "nothing was changed" in refused

    await harness.say("#core @ana /experiment 1 study Missed visits fell from 12 to 7.")
    studied = harness.take()
    assert "We expected: fewer missed visits" in studied
    assert "What happened: Missed visits fell from 12 to 7." in studied
    assert "[@ben, privately]" in studied and "Time to study: Text reminders" in studied
    assert "[@ana, privately]" not in studied  # ana just said it herself
    assert "/press experiment_decide 1:adapt" in studied

    await harness.say("#core @cleo /press experiment_decide 1:adopt")
    assert "Only its leads" in harness.take()
    await harness.say("#core @ben /press experiment_decide 1:adapt")
    decided = harness.take()
    assert "we adapt *Text reminders*" in decided
    assert "/press experiment_next 1" in decided
    await harness.say("#core @ana /press experiment_decide 1:adopt")  # too late, and twice
    assert "already decided (adapt)" in harness.take()
    await harness.say("#core @ana /experiment 1 do one more thing")
    assert "already decided" in harness.take()

    await harness.say("#core @ana /press experiment_next 1")
    assert "Experiment #2: Text reminders" in harness.take()
    await harness.say("#core @ben /press experiment_next 1")
    assert "already open: `experiment 2`" in harness.take()

    first, second = await experiments(harness)
    assert (first.stage, first.result, first.decision) == (
        "act",
        "Missed visits fell from 12 to 7.",
        "adapt",
    )
    assert second.previous_id == 1 and second.stage == "plan"
    assert second.prediction == first.prediction

    texts = [e.text for e in await entries(harness)]
    assert texts[:4] == [
        "Text reminders (Plan): We expect: fewer missed visits",
        "Text reminders (Do): We sent the first texts on Monday.",
        "Text reminders (Study): Missed visits fell from 12 to 7.",
        "Text reminders (Act): We adapt it.",
    ]

    await harness.say("#core @cleo /experiment 1")
    shown = harness.take()
    assert "Stage: Act (adapt)" in shown and "Its next cycle is experiment #2" in shown
    assert "Do: We sent the first texts on Monday. (Ben)" in shown
    await harness.say("#core @cleo /experiment list")
    listed = harness.take()
    assert "`#1` Text reminders: Act (adapt)" in listed and "`#2` Text reminders: Plan" in listed

    async with harness.bot.sessions() as session:
        digest = await experiment_digest(
            session, circle_id="core", start=SUNDAY, end=SUNDAY + timedelta(days=1)
        )
        elsewhere = await experiment_digest(
            session, circle_id="stewards", start=SUNDAY, end=SUNDAY + timedelta(days=1)
        )
    assert [(d["id"], d["stage"]) for d in digest] == [
        (1, "plan"),
        (1, "do"),
        (1, "study"),
        (1, "act"),
        (2, "plan"),
    ]
    assert digest[2]["result"] == "Missed visits fell from 12 to 7."
    assert digest[3]["decision"] == "adapt" and elsewhere == []


async def test_study_without_a_result_asks_the_leads(harness: Harness) -> None:
    await meet(harness, "ana", "ben")
    await harness.say(f"#core @ana {NEW}")
    await harness.say("#core @ana /experiment 1 study")
    out = harness.take()
    assert "I have asked its leads" in out
    assert "[@ana, privately]" in out and "[@ben, privately]" in out
    assert "experiment 1 study what happened" in out
    await harness.say("#core @ben /experiment 1 act maybe")
    assert "adopt, adapt or abandon" in harness.take()
    await harness.say("#core @ben /experiment 1 act abandon The texts cost too much.")
    out = harness.take()
    assert "we abandon *Text reminders*" in out
    [experiment] = await experiments(harness)
    assert experiment.decision == "abandon"


async def test_the_leads_are_nudged_on_review_day_then_weekly(harness: Harness) -> None:
    await meet(harness, "ana", "ben")
    await harness.say(f"#core @ana {NEW}")
    harness.take()
    await harness.until(datetime(2026, 3, 19, 12, 0, tzinfo=UTC))
    assert "Review day" not in harness.take()
    await harness.until(datetime(2026, 3, 20, 12, 0, tzinfo=UTC))
    nudged = harness.take()
    assert nudged.count("Review day: Text reminders") == 2
    assert "[@ana, privately]" in nudged and "[@ben, privately]" in nudged
    await harness.until(datetime(2026, 3, 26, 12, 0, tzinfo=UTC))
    assert "Review day" not in harness.take()
    await harness.until(datetime(2026, 3, 27, 12, 0, tzinfo=UTC))
    again = harness.take()
    assert again.count("Review day: Text reminders") == 2 and "planned to look" in again

    async with harness.bot.sessions() as session:
        overdue = await experiments_overdue(session, now=datetime(2026, 3, 27, 12, tzinfo=UTC))
    assert [(o["title"], o["circle_id"], o["days_overdue"]) for o in overdue] == [
        ("Text reminders", "core", 7)
    ]
    await harness.say("#core @ben /experiment 1 act adopt")
    harness.take()
    await harness.until(datetime(2026, 4, 4, 12, 0, tzinfo=UTC))
    assert "Review day" not in harness.take()  # decided: no more nudges


async def test_forgiving_creation(harness: Harness) -> None:
    await meet(harness, "ana")
    await harness.say("#core @ana /experiment new Walk-in Fridays | more first visits")
    out = harness.take()
    assert "Led by Ana" in out
    [experiment] = await experiments(harness)
    assert experiment.review_date == date(2026, 4, 5)  # four weeks on

    await harness.say("#core @ana /experiment new Buddy calls | fewer drop-outs | ana, @zed")
    out = harness.take()
    assert "I could not find @zed." in out
    assert "Buddy calls | fewer drop-outs" in out  # their words come back
    await harness.say("#core @ana /experiment new Buddy calls")
    assert "at least a title and what you expect" in harness.take()
    await harness.say("#core @ana /experiment new Buddy calls | fewer | 2020-01-01")
    assert "has already passed" in harness.take()
    await harness.say(f"#core @ana /experiment new {'T' * 201} | fewer")
    assert "the limit is 200" in harness.take()
    await harness.say("#core @ana /experiment 9 do x")
    assert "cannot find experiment `#9`" in harness.take()
    await harness.say("#core @ana /experiment 1 dance")
    assert "did not quite follow" in harness.take()
    await harness.say("#core @ana /experiment 1 do")
    assert "nothing was saved" in harness.take().lower()
    await harness.say("#core @ana /experiment")
    assert "experiment new Text reminders" in harness.take()
    # words that are no form of the verb are given back with its forms, never kept
    await harness.say("#core @ana /experiment Walk-in Fridays: twice as many first visits.")
    free = harness.take()
    assert "did not quite follow" in free and "experiment new Title" in free
    assert "Walk-in Fridays: twice as many first visits." in free
    assert [e.text for e in await entries(harness)] == [
        "Walk-in Fridays (Plan): We expect: more first visits"
    ]
    assert len(await experiments(harness)) == 1
    async with harness.bot.sessions() as session:
        assert len((await session.exec(select(ExperimentUpdate))).all()) == 1


async def test_the_cli_lists_and_shows_experiments(
    config_file: Path,
    database_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with open_harness(load_config(config_file), database_url) as harness:
        await meet(harness, "ana", "ben")
        await harness.say(f"#core @ana {NEW}")
        await harness.say("#core @ben /experiment 1 do We sent the first texts on Monday.")
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("HUDDLEBOT_CONFIG", str(config_file))
    for name in ("SLACK_BOT_TOKEN", "TELEGRAM_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    capsys.readouterr()

    assert await asyncio.to_thread(main, ["experiment", "list", "--circle", "core"]) == 0
    listed = capsys.readouterr().out
    assert "`#1` Text reminders: Do, review 2026-03-20, led by Ana, Ben" in listed
    assert await asyncio.to_thread(main, ["experiment", "show", "1"]) == 0
    shown = capsys.readouterr().out
    assert "Experiment #1: Text reminders" in shown
    assert "We sent the first texts on Monday. (Ben)" in shown
    assert await asyncio.to_thread(main, ["experiment", "show", "7"]) == 2
    assert "no experiment #7" in capsys.readouterr().err
    assert await asyncio.to_thread(main, ["experiment", "list", "--circle", "nope"]) == 2


async def test_through_telegram_leads_are_found_by_name(telegram: World) -> None:
    h, fake = telegram.harness, telegram.fake
    ada, ben = user(1001, "Ada", "Okafor"), user(1002, "Ben", "Ito")
    await telegram.push(fake.message_update(GROUP, "/help", sender=ben))
    new = "/experiment new Evening drop-in | we expect more dads | @ada, Ben Ito | 2026-04-01"
    await telegram.push(fake.message_update(GROUP, new, sender=ada))
    assert "Led by Ada Okafor, Ben Ito" in fake.sent_messages[-1]["text"]
    cleo = user(1003, "Cleo", "Diaz")
    await telegram.push(
        fake.message_update(GROUP, "/experiment 1 do it is going well", sender=cleo)
    )
    assert "Only its leads (Ada Okafor, Ben Ito)" in fake.sent_messages[-1]["text"]
    await telegram.push(
        fake.message_update(GROUP, "/experiment 1 do first session held", sender=ben)
    )
    assert "saved under Do" in fake.sent_messages[-1]["text"]
    update = fake.message_update(GROUP, "/experiment 1 study three dads came", sender=ada)
    await telegram.push(update)
    asked = [m for m in fake.sent(GROUP) if "Time to study" in m["text"]]
    assert len(asked) == 1  # Ben has not opened a private chat yet: asked in the group
    assert "Ben Ito: as leads of this experiment" in asked[0]["text"]
    assert "What happened: three dads came" in asked[0]["text"]
    [experiment] = await experiments(h)
    assert experiment.stage == "study"

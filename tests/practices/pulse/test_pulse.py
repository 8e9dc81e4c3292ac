"""The Goldilocks pulse through the console: one tap or a typed answer, private answers, totals
only from the anonymity threshold up, and the trend across pulses for the digests."""

from __future__ import annotations

import asyncio
import textwrap
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import select

from bot.config.partnership import load_config
from bot.core.messages import Outgoing
from bot.core.runtime import Runtime
from bot.practices.pulse.models import PulseCheck
from bot.practices.pulse.practice import CLOSE, Pulse, parse_answer
from bot.practices.pulse.trend import pulse_trend
from bot.rituals.timers import DueTimer
from bot.storage.models import Identity
from tests.fakes import slack_events as ev
from tests.fakes.telegram_api import start_from_link
from tests.fakes.telegram_updates import user
from tests.harness import CONFIG, Harness, open_harness
from tests.worlds import SLACK_CHANNEL as CHANNEL
from tests.worlds import SLACK_CONFIG, TELEGRAM_CONFIG, SlackWorld, slack_world, telegram_world
from tests.worlds import TELEGRAM_GROUP as GROUP
from tests.worlds import TelegramWorld as World

PULSE = """
[circles.pulse]
cron = "0 12 * * MON"
window_hours = 48
"""
MONDAY_1230 = datetime(2026, 3, 9, 12, 30, tzinfo=UTC)
WEDNESDAY_1230 = datetime(2026, 3, 11, 12, 30, tzinfo=UTC)
NEXT_MONDAY_1230 = datetime(2026, 3, 16, 12, 30, tzinfo=UTC)
NEXT_WEDNESDAY_1230 = datetime(2026, 3, 18, 12, 30, tzinfo=UTC)


@pytest.fixture
async def harness(tmp_path: Path, database_url: str) -> AsyncIterator[Harness]:
    config = textwrap.dedent(CONFIG)
    # the pulse belongs to the core circle, whose tables come before the stewards' circle
    core, stewards = config.split('[[circles]]\nid = "stewards"')
    path = tmp_path / "huddlebot.toml"
    path.write_text(core + textwrap.dedent(PULSE) + '[[circles]]\nid = "stewards"' + stewards)
    async with open_harness(load_config(path), database_url) as h:
        yield h


async def trend(harness: Harness, now: datetime) -> dict | None:  # type: ignore[type-arg]
    async with harness.bot.sessions() as session:
        return await pulse_trend(session, circle_id="core", now=now)


async def test_a_pulse_from_taps_to_totals_and_a_trend(harness: Harness) -> None:
    for name in ("ana", "ben", "cleo", "dev"):
        await harness.say(f"#core @{name} /help")
    await harness.until(MONDAY_1230)
    asked = harness.take()
    assert "[#core] huddlebot" in asked and "A quick pulse check" in asked
    assert "/press pulse 1:pace:just_right" in asked and "[Shape: Too much]" in asked

    await harness.say("#core @ana /press pulse 1:pace:too_much")
    tapped = harness.take()
    assert (
        "[@ana, privately]" in tapped
        and "Thank you: Pace feels too much to you, in the pulse of Core" in tapped
    )
    assert "Still open to you: Power, Clarity, Shape." in tapped
    await harness.say("#core @ben /pulse pace too much")
    await harness.say("#core @cleo /pulse pace just-right")
    await harness.say("#core @dev /pulse power too_little")
    await harness.say("#core @ana /pulse pace just right")
    assert "Changed: Pace feels just right to you, in the pulse of Core" in harness.take()
    await harness.until(datetime(2026, 3, 10, 12, 0, tzinfo=UTC))
    assert "How the pulse felt" not in harness.take()  # nothing shown while it is open

    await harness.until(WEDNESDAY_1230)
    results = harness.take()
    assert "How the pulse felt on Mon 09 Mar, 12:00" in results
    assert "Pace: too little 0, just right 2, too much 1" in results
    assert "Power: fewer than 3 answers, so not shown" in results
    assert "4 people took part" in results
    for name in ("Ana", "Ben", "Cleo", "Dev"):
        assert name not in results

    await harness.say("#core @ana /press pulse 1:pace:too_much")
    assert "that pulse has closed" in harness.take()

    first = await trend(harness, WEDNESDAY_1230)
    assert first is not None and len(first["pulses"]) == 1
    pace = first["pulses"][0]["factors"][0]
    assert pace["label"] == "Pace" and pace["lean_label"] == "Just right"
    assert first["pulses"][0]["factors"][1]["counts"] is None  # power: too few to show

    await harness.until(NEXT_MONDAY_1230)
    harness.take()
    for name in ("ana", "ben", "cleo"):
        await harness.say(f"#core @{name} /pulse pace too_much")
    await harness.until(NEXT_WEDNESDAY_1230)
    assert "Pace: too little 0, just right 0, too much 3" in harness.take()
    second = await trend(harness, NEXT_WEDNESDAY_1230)
    assert second is not None and len(second["pulses"]) == 2
    assert second["direction"] == [
        {
            "factor": "pace",
            "label": "Pace",
            "first": "Just right",
            "last": "Too much",
            "leans": ["Just right", "Too much"],
        }
    ]
    async with harness.bot.sessions() as session:
        everywhere = await pulse_trend(session, circle_id=None, now=NEXT_WEDNESDAY_1230)
        elsewhere = await pulse_trend(session, circle_id="stewards", now=NEXT_WEDNESDAY_1230)
    assert everywhere is not None and len(everywhere["pulses"]) == 2
    assert elsewhere is None


async def test_an_answer_never_shows_in_the_room(harness: Harness) -> None:
    await harness.say("#core @ana /help")
    async with harness.bot.sessions.begin() as session:
        ana = (await session.exec(select(Identity).where(Identity.user_id == "ana"))).one()
        ana.dm_active = False  # the bot cannot write to Ana privately
        session.add(ana)
    await harness.until(MONDAY_1230)
    harness.take()
    await harness.say("#core @ana /press pulse 1:pace:too_much")
    noted = harness.take()
    assert "Thank you, noted." in noted and "too much" not in noted.lower()


async def test_too_few_answers_show_nothing(harness: Harness) -> None:
    await harness.until(MONDAY_1230)
    await harness.say("#core @ana /pulse pace too_much")
    await harness.say("#core @ben /pulse pace too_much")
    harness.take()
    await harness.until(WEDNESDAY_1230)
    results = harness.take()
    assert "Pace: fewer than 3 answers, so not shown" in results
    assert "too much 2" not in results
    assert await trend(harness, WEDNESDAY_1230) is None


async def test_bad_answers_are_answered_kindly(harness: Harness) -> None:
    await harness.say("#core @ana /pulse pace just_right")
    assert "no pulse check open" in harness.take()
    await harness.until(MONDAY_1230)
    harness.take()
    await harness.say("#core @ana /pulse")
    assert "name a factor and how it feels" in harness.take()
    await harness.say("#core @ana /pulse speed fast")
    assert "no factor called `speed`" in harness.take()
    await harness.say("#core @ana /pulse pace meh")
    assert "could not read `meh`" in harness.take()
    await harness.say("#core @ana /pulse pace")
    assert "How does pace feel?" in harness.take()
    await harness.say("#core @ana /press pulse 99:pace:just_right")
    assert "no pulse check open" in harness.take()
    await harness.say("#core @ana /press pulse 1:pace:lukewarm")
    assert "no pulse check open" in harness.take()


def test_typed_answers() -> None:
    assert parse_answer("pace just right") == ("pace", "just_right")
    assert parse_answer("Certainty too-much") == ("clarity", "too_much")
    assert parse_answer("shape little") == ("shape", "too_little")


@pytest.fixture
async def telegram(tmp_path: Path, database_url: str) -> AsyncIterator[World]:
    marker = '[circles.digest]\ncron = "0 16 * * THU"\n'
    assert marker in TELEGRAM_CONFIG
    config = TELEGRAM_CONFIG.replace(marker, marker + textwrap.dedent(PULSE), 1)
    async with telegram_world(config, database_url, tmp_path) as world:
        yield world


async def test_through_telegram_one_tap_each_and_totals_in_the_group(telegram: World) -> None:
    h, fake = telegram.harness, telegram.fake
    ada = user(1001, "Ada", "Okafor")
    await telegram.push(fake.message_update(1001, start_from_link("core"), sender=ada))
    await h.until(MONDAY_1230)
    asked = next(m for m in fake.sent_messages if "A quick pulse check" in m["text"])
    keyboard = asked["reply_markup"]["inline_keyboard"]
    data = [b["callback_data"] for row in keyboard for b in row]
    assert "pulse|1:pace:too_much" in data and len(data) == 12

    await telegram.push(fake.callback_update(asked, "pulse|1:pace:too_much", sender=ada))
    thanks = fake.sent(1001)[-1]["text"]
    assert "Pace feels too much to you" in thanks  # privately: Ada started the bot
    for number, name in ((1002, "Bo"), (1003, "Cy")):
        someone = user(number, name)
        await telegram.push(fake.callback_update(asked, "pulse|1:pace:too_much", sender=someone))
    group = [m["text"] for m in fake.sent(GROUP)]
    assert not any("feels too much" in text for text in group)  # no answer shown in the group

    await h.until(WEDNESDAY_1230)
    results = [m["text"] for m in fake.sent(GROUP) if "How the pulse felt" in m["text"]]
    assert len(results) == 1
    assert "Pace: too little 0, just right 0, too much 3" in results[0]
    assert "Ada" not in results[0]


@pytest.fixture
async def slack(tmp_path: Path, database_url: str) -> AsyncIterator[SlackWorld]:
    marker = '[circles.digest]\ncron = "0 16 * * THU"\n'
    config = SLACK_CONFIG.replace(marker, marker + textwrap.dedent(PULSE), 1)
    people = {user_id: (name, "") for user_id, name in PEOPLE_ON_SLACK.items()}
    async with slack_world(config, database_url, tmp_path, people=people) as world:
        yield world


PEOPLE_ON_SLACK = {"U0ALEX": "Alex Morgan", "U0SAM": "Sam Okoro", "U0KIM": "Kim Lee"}


async def test_through_slack_buttons_answer_privately_and_totals_reach_the_channel(
    slack: SlackWorld,
) -> None:
    h, api = slack.harness, slack.slack
    await h.until(MONDAY_1230)
    [asked] = [c for c in api.posted(CHANNEL) if "A quick pulse check" in str(c.params["text"])]
    ts = "1700000100.000100"
    for number, member in enumerate(PEOPLE_ON_SLACK):
        fields = ev.interaction_fields(
            ev.block_actions(
                user_id=member,
                channel_id=CHANNEL,
                message_ts=ts,
                action_id="pulse#2",
                value="1:pace:too_much",
                action_ts=f"1700000101.00000{number}",
            )
        )
        assert await slack.form(fields) == 200
    private = [c for c in api.posted("U0ALEX") if "Pace feels too much" in str(c.params["text"])]
    assert len(private) == 1
    assert not any("feels too much" in str(c.params["text"]) for c in api.posted(CHANNEL))
    assert "blocks" in asked.params  # the buttons went with the question

    await h.until(WEDNESDAY_1230)
    results = [
        str(c.params["text"])
        for c in api.posted(CHANNEL)
        if "How the pulse" in str(c.params["text"])
    ]
    assert len(results) == 1 and "too much 3" in results[0]
    assert "Alex" not in results[0]


async def test_a_pulse_missed_while_down_is_asked_when_the_bot_is_back(
    tmp_path: Path, database_url: str
) -> None:
    config = textwrap.dedent(CONFIG)
    core, stewards = config.split('[[circles]]\nid = "stewards"')
    path = tmp_path / "huddlebot.toml"
    path.write_text(core + textwrap.dedent(PULSE) + '[[circles]]\nid = "stewards"' + stewards)
    back = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)
    async with open_harness(load_config(path), database_url, start=back) as h:
        await h.until(back)
        assert "A quick pulse check" in h.take()
    later = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
    async with open_harness(load_config(path), database_url, start=later, run_id="t2") as h:
        await h.until(later)
        assert "No one answered this pulse" in h.take()


async def _waiting_on_a_lock(harness: Harness, *, deadline: float = 10.0) -> None:
    """Until another connection of this database waits on a row lock (PostgreSQL)."""
    query = sa.text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline
    while loop.time() < end:
        async with harness.bot.sessions() as session:
            if (await session.exec(query)).scalar_one():  # type: ignore[call-overload]
                return
        await asyncio.sleep(0.01)
    raise AssertionError("the second closer never waited for the first")


async def test_two_closers_at_once_report_a_pulse_once(harness: Harness) -> None:
    """The pulse's close timer and a later scheduled ask, in two processes at the same moment:
    whichever claims the report second finds it claimed and builds no results of its own."""
    if harness.bot.settings.database_url.startswith("sqlite"):
        pytest.skip("SQLite serves one process; two closers at once need a shared PostgreSQL")
    for name in ("ana", "ben", "cleo"):
        await harness.say(f"#core @{name} /help")
    await harness.until(MONDAY_1230)
    harness.take()
    for name in ("ana", "ben", "cleo"):
        await harness.say(f"#core @{name} /pulse pace too_much")
    [pulse] = [p for p in harness.bot.features if isinstance(p, Pulse)]
    [core] = [c for c in harness.bot.config.circles if c.id == "core"]
    bot = harness.bot
    harness.clock.set(WEDNESDAY_1230)
    runtime = Runtime(
        sessions=bot.sessions, outbox=bot.outbox, clock=harness.clock, wake=bot.dispatcher.wake
    )
    async with bot.sessions() as session:
        [check] = (await session.exec(select(PulseCheck))).all()
    assert check.id is not None and not check.reported

    async def scheduled_ask() -> list[Outgoing]:
        async with runtime.transaction() as tx:
            built = await pulse._report_due(tx.session, core, tx.now)
            tx.send(built)
        return built

    async with runtime.transaction() as tx:
        timer = DueTimer(CLOSE, str(check.id), check.closes_at)
        by_timer = list(await pulse.on_close(tx, timer))
        tx.send(by_timer)
        second = asyncio.create_task(scheduled_ask())
        await _waiting_on_a_lock(harness)
    by_ask = await second

    assert [o.key for o in by_timer] == [f"pulse:{check.id}:results"]
    assert by_ask == []
    async with bot.sessions() as session:
        assert (await session.get_one(PulseCheck, check.id)).reported


async def test_someone_outside_the_circle_cannot_answer_its_pulse(harness: Harness) -> None:
    for name in ("ana", "ben", "cleo"):
        await harness.say(f"#core @{name} /help")
    await harness.say("#stewards @zed /help")  # zed is in the stewards' circle only
    await harness.until(MONDAY_1230)
    harness.take()
    await harness.say("#stewards @zed /press pulse 1:pace:too_much")
    refused = harness.take()
    assert "belongs to a circle you are not part of" in refused and "Thank you" not in refused
    for name in ("ana", "ben"):
        await harness.say(f"#core @{name} /pulse pace too_much")
    await harness.until(WEDNESDAY_1230)
    results = harness.take()
    assert "2 people took part" in results  # zed's tap counts for nothing
    assert "Pace: fewer than 3 answers, so not shown" in results


async def test_a_private_answer_says_whose_pulse_it_counts_in(harness: Harness) -> None:
    await harness.say("#core @ana /help")
    await harness.say("#stewards @ana /help")
    await harness.until(MONDAY_1230)
    await harness.say("#stewards /pulse start")  # two pulses are open to Ana now
    harness.take()
    await harness.say("@ana /dm /pulse pace too_much")
    thanks = harness.take()
    assert "[@ana, privately]" in thanks and "in the pulse of Stewards" in thanks

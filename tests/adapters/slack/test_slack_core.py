"""Slack through the whole bot: signed requests on the real route, the real AsyncWebClient against
the fake Web API (checked against Slack's spec), and the real core, store and outbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from bot.practices.blockers.models import Blocker
from bot.practices.experiments.models import Experiment
from bot.storage.models import Consent, Entry, OutboxMessage, Room
from tests.fakes import slack_events as ev
from tests.fakes.slack_api import FakeSlackAPI, api_error, rate_limited
from tests.harness import Harness
from tests.worlds import SLACK_ALEX as ALEX
from tests.worlds import SLACK_CHANNEL as CHANNEL
from tests.worlds import SLACK_CONFIG as CONFIG
from tests.worlds import SLACK_SAM as SAM
from tests.worlds import SlackWorld, slack_world

MONDAY_10 = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
THURSDAY_17 = datetime(2026, 3, 12, 17, 0, tzinfo=UTC)

World = SlackWorld


@pytest.fixture
async def world(tmp_path: Path, database_url: str) -> AsyncIterator[World]:
    people = {ALEX: ("Alex Morgan", "alex"), SAM: ("Sam Okoro", "")}
    async with slack_world(CONFIG, database_url, tmp_path, people=people) as made:
        yield made


def thread_reply(ts: str, text: str, *, event_id: str, user: str = ALEX) -> dict[str, Any]:
    message = ev.message_event(
        channel=CHANNEL, user=user, text=text, ts=f"{ts[:-1]}{len(event_id)}", thread_ts=ts
    )
    return ev.envelope(message, event_id=event_id)


async def entries(harness: Harness) -> list[Entry]:
    async with harness.bot.sessions() as session:
        return list((await session.exec(select(Entry).order_by(Entry.id))).all())


def texts(slack: FakeSlackAPI) -> list[str]:
    return [str(call.params.get("text", "")) for call in slack.posted(CHANNEL)]


async def test_a_thread_reply_redelivered_three_times_is_one_entry_and_lands_escaped(
    world: World,
) -> None:
    h, slack = world.harness, world.slack
    await h.until(MONDAY_10)
    [prompt] = slack.posted(CHANNEL)
    assert "What did we learn?" in str(prompt.params["text"])
    assert prompt.params.get("blocks")
    async with h.bot.sessions() as session:
        query = select(OutboxMessage).where(OutboxMessage.kind == "prompt")
        prompt_ts = (await session.exec(query)).one().sent_ref
    reply = thread_reply(
        prompt_ts, "<!channel> look at <https://x.example|y> & more", event_id="Ev0R1"
    )
    for retry in (None, 1, 2, 3):
        assert await world.event(reply, retry_num=retry) == 200
    [entry] = await entries(h)
    assert entry.prompt_run_id is not None
    assert "<!channel>" not in entry.text

    await h.until(THURSDAY_17)
    digest = [t for t in texts(slack) if "Huddle digest" in t]
    assert len(digest) == 1
    assert "<!channel>" not in digest[0] and "<https://" not in digest[0]
    assert "look at" in digest[0] and "&amp;" in digest[0]


async def test_a_story_by_slash_command_and_a_button_that_records_consent(world: World) -> None:
    h, slack = world.harness, world.slack
    status = await world.form(
        ev.slash_command(
            text="story A family found a home after a year of waiting.",
            user_id=ALEX,
            channel_id=CHANNEL,
            trigger_id="trig-1",
        )
    )
    assert status == 200
    [ephemeral] = slack.calls("chat.postEphemeral")
    assert ephemeral.params["user"] == ALEX
    [story] = await entries(h)
    assert (story.visibility, story.anonymous) == ("stewards", True)  # the safe default

    status = await world.form(
        ev.interaction_fields(
            ev.block_actions(
                user_id=ALEX,
                channel_id=CHANNEL,
                message_ts="1700000300.000300",
                action_id="story_share",
                value=f"{story.id}:circle",
                action_ts="1700000301.000001",
            )
        )
    )
    assert status == 200
    [story] = await entries(h)
    assert story.visibility == "circle"
    async with h.bot.sessions() as session:
        consent = (await session.exec(select(Consent))).one()
    assert consent.wording == "Share it with the circle" and consent.person_id is not None


async def test_a_long_digest_is_split_in_order_through_a_429_storm(world: World) -> None:
    h, slack = world.harness, world.slack
    for number in range(60):
        await world.form(
            ev.slash_command(
                text=f"learned Entry {number:02d}: " + "we learned something useful. " * 12,
                user_id=SAM,
                channel_id=CHANNEL,
                trigger_id=f"trig-{number}",
            )
        )
    for _ in range(4):
        slack.queue("chat.postMessage", rate_limited(1), channel=CHANNEL)
    await h.until(THURSDAY_17)
    parts = [t for t in texts(slack) if "Entry" in t]
    assert len(parts) >= 2
    joined = "\n".join(parts)
    positions = [joined.index(f"Entry {n:02d}:") for n in range(60)]
    assert positions == sorted(positions)  # every entry once, in order
    assert all(joined.count(f"Entry {n:02d}:") == 1 for n in range(60))


async def test_not_in_channel_makes_the_room_inactive_without_a_crash_loop(world: World) -> None:
    h, slack = world.harness, world.slack
    slack.queue("chat.postMessage", api_error("not_in_channel"), channel=CHANNEL)
    await h.until(MONDAY_10)
    told = h.take()
    assert "[#stewards]" in told and CHANNEL in told and "/invite" in told
    async with h.bot.sessions() as session:
        room = (await session.exec(select(Room).where(Room.chat == CHANNEL))).one()
    assert not room.active
    await h.until(THURSDAY_17)
    assert len(slack.calls("chat.postMessage")) == 1  # tried once, then left alone


async def test_saving_someone_elses_message_asks_its_author(world: World) -> None:
    h, slack = world.harness, world.slack
    await world.form(
        ev.interaction_fields(
            ev.message_shortcut(
                user_id=SAM,
                channel_id=CHANNEL,
                author=ALEX,
                text="Families trust the library more than the town hall.",
                message_ts="1700000400.000400",
                trigger_id="trig-9",
            )
        )
    )
    view = slack.views[0]
    values = {
        **ev.choice_state("huddle_kind", "kind", "learning"),
        **ev.text_input_state(
            "huddle_text", "text", "Families trust the library more than the town hall."
        ),
    }
    await world.form(
        ev.interaction_fields(ev.view_submission(user_id=SAM, view=view, values=values))
    )
    [entry] = await entries(h)
    assert entry.visibility == "private"  # the author's until they choose
    [ask] = [c for c in slack.calls("chat.postMessage") if c.params["channel"] == ALEX]
    assert "Families trust the library" in str(ask.params["text"])

    # someone else cannot decide for the author
    await world.form(
        ev.interaction_fields(
            ev.block_actions(
                user_id=SAM,
                channel_id=ALEX,
                message_ts="1700000500.000500",
                action_id="nomination#0",
                value=f"{entry.id}:named",
                action_ts="1700000501.000001",
            )
        )
    )
    assert (await entries(h))[0].visibility == "private"
    await world.form(
        ev.interaction_fields(
            ev.block_actions(
                user_id=ALEX,
                channel_id=ALEX,
                message_ts="1700000500.000500",
                action_id="nomination#0",
                value=f"{entry.id}:named",
                action_ts="1700000502.000001",
            )
        )
    )
    [entry] = await entries(h)
    assert (entry.visibility, entry.anonymous) == ("circle", False)
    await h.until(THURSDAY_17)
    digest = [t for t in texts(slack) if "Huddle digest" in t]
    assert "Families trust the library" in digest[0] and "(_alex_)" in digest[0]


async def test_blockers_experiments_and_mydata_through_slack(world: World) -> None:
    """The features' flows through the real route and the real Web API client."""
    h, slack = world.harness, world.slack

    async def slash(text: str, trigger: str, user: str = ALEX) -> None:
        command = ev.slash_command(text=text, user_id=user, channel_id=CHANNEL, trigger_id=trigger)
        assert await world.form(command) == 200

    await slash("blocker We cannot share referral forms between teams.", "t-b1")
    [raised] = slack.calls("chat.postEphemeral")
    assert "blocker_kind" in str(raised.params.get("blocks"))  # the kind, by one tap
    await world.form(
        ev.interaction_fields(
            ev.block_actions(
                user_id=ALEX,
                channel_id=CHANNEL,
                message_ts="1700000600.000600",
                action_id="blocker_kind#1",
                value="1:rules",
                action_ts="1700000601.000001",
            )
        )
    )
    async with h.bot.sessions() as session:
        [blocker] = (await session.exec(select(Blocker))).all()
    assert (blocker.kind, blocker.status) == ("rules", "open")

    await slash(
        "experiment new Text reminders | we expect fewer missed visits | @alex | 2026-04-01",
        "t-e1",
    )
    await slash("experiment 1 do Sent reminders to thirty families", "t-e2")
    async with h.bot.sessions() as session:
        [experiment] = (await session.exec(select(Experiment))).all()
    assert experiment.title == "Text reminders"

    await slash("mydata", "t-m1")
    private = [c for c in slack.calls("chat.postMessage") if c.params["channel"] == ALEX]
    data = "".join(str(c.params.get("text", "")) for c in private)
    assert "We cannot share referral forms between teams." in data
    assert "table,row,field,value" in data  # the CSV beside the JSON

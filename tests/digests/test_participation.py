"""Participation counts count only what their audience may see: a digest's "N people shared M
entries" never takes in a story kept for the stewards, a saved message still waiting for its
author, or a withdrawn story. Driven through Slack as people did it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from bot.digests.steward_digest import steward_context
from bot.storage.models import Entry
from tests.fakes import slack_events as ev
from tests.worlds import SLACK_ALEX as ALEX
from tests.worlds import SLACK_CHANNEL as CHANNEL
from tests.worlds import SLACK_CONFIG as CONFIG
from tests.worlds import SLACK_SAM as SAM
from tests.worlds import SlackWorld, slack_world

MONDAY_10 = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
THURSDAY_17 = datetime(2026, 3, 12, 17, 0, tzinfo=UTC)


@pytest.fixture
async def world(tmp_path: Path, database_url: str) -> AsyncIterator[SlackWorld]:
    people = {ALEX: ("Alex Morgan", "alex"), SAM: ("Sam Okoro", "sam")}
    async with slack_world(CONFIG, database_url, tmp_path, people=people) as made:
        yield made


async def slash(world: SlackWorld, user: str, text: str, trigger: str) -> None:
    await world.form(
        ev.slash_command(text=text, user_id=user, channel_id=CHANNEL, trigger_id=trigger)
    )


async def story_id(world: SlackWorld, words: str) -> int:
    async with world.harness.bot.sessions() as session:
        found = (await session.exec(select(Entry.id).where(Entry.text == words))).one()
    assert found is not None
    return found


async def test_counts_leave_out_what_the_circle_cannot_see(world: SlackWorld) -> None:
    h, slack = world.harness, world.slack
    await h.until(MONDAY_10)
    await slash(world, ALEX, "learned Families trust the library more than the town hall.", "t1")
    # a story stays with the stewards until its teller chooses
    await slash(world, SAM, "story A young carer got a free bus pass at last.", "t2")
    # Sam saves Alex's message for the huddle: Alex has not answered yet
    await world.form(
        ev.interaction_fields(
            ev.message_shortcut(
                user_id=SAM,
                channel_id=CHANNEL,
                author=ALEX,
                text="The drop-in works best on Tuesdays.",
                message_ts="1700000400.000400",
                trigger_id="t3",
            )
        )
    )
    values = {
        **ev.choice_state("huddle_kind", "kind", "learning"),
        **ev.text_input_state("huddle_text", "text", "The drop-in works best on Tuesdays."),
    }
    await world.form(
        ev.interaction_fields(ev.view_submission(user_id=SAM, view=slack.views[0], values=values))
    )
    # Alex shares a story with the circle, then takes it back
    told = "A family we met in March found a home."
    await slash(world, ALEX, f"story {told}", "t4")
    number = await story_id(world, told)
    await slash(world, ALEX, f"story share {number} circle", "t5")
    await slash(world, ALEX, f"story withdraw {number}", "t6")

    await h.until(THURSDAY_17)
    [digest] = [
        str(c.params.get("text", ""))
        for c in slack.posted(CHANNEL)
        if "Huddle digest" in str(c.params.get("text", ""))
    ]
    assert "Families trust the library" in digest
    for hidden in ("bus pass", "drop-in works best", "found a home"):
        assert hidden not in digest
    assert "1 person shared 1 entry." in digest

    # the stewards see the stewards-only story too, and still nothing waiting or withdrawn
    bot = h.bot
    async with bot.sessions() as session:
        context = await steward_context(
            session,
            config=bot.config,
            start=MONDAY_10,
            end=THURSDAY_17,
            library=bot.library,
            contributors=bot.huddle.contributors,
        )
    assert context["participation"] == {"people": 2, "entries": 2}

"""*Save to huddle* on Slack: the words saved are their author's to keep or not, and a learning
set's words stay in the set whatever the author presses."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from bot.storage.models import Consent, Entry
from tests.fakes import slack_events as ev
from tests.worlds import SLACK_ALEX as ALEX
from tests.worlds import SLACK_CHANNEL as CHANNEL
from tests.worlds import SLACK_CONFIG, SlackWorld, slack_world
from tests.worlds import SLACK_SAM as SAM

THURSDAY_17 = datetime(2026, 3, 12, 17, 0, tzinfo=UTC)
WORDS = "I keep putting off the conversation with my manager about caseloads."
SET_CONFIG = SLACK_CONFIG.replace(
    'id = "core"\nname = "Core partnership"\nkind = "partnership"',
    'id = "alset"\nname = "Tuesday set"\nkind = "learning_set"',
)


@pytest.fixture
async def world(tmp_path: Path, database_url: str) -> AsyncIterator[SlackWorld]:
    assert SET_CONFIG != SLACK_CONFIG
    people = {ALEX: ("Alex Morgan", "alex"), SAM: ("Sam Okoro", "")}
    async with slack_world(SET_CONFIG, database_url, tmp_path, people=people) as made:
        yield made


async def _entry(world: SlackWorld) -> Entry:
    async with world.harness.bot.sessions() as session:
        return (await session.exec(select(Entry).where(Entry.text == WORDS))).one()


async def test_saving_a_message_in_a_learning_set_keeps_it_in_the_set(world: SlackWorld) -> None:
    slack = world.slack
    await world.form(
        ev.interaction_fields(
            ev.message_shortcut(
                user_id=SAM,
                channel_id=CHANNEL,
                author=ALEX,
                text=WORDS,
                message_ts="1700000400.000400",
                trigger_id="trig-set",
            )
        )
    )
    values = {
        **ev.choice_state("huddle_kind", "kind", "learning"),
        **ev.text_input_state("huddle_text", "text", WORDS),
    }
    await world.form(
        ev.interaction_fields(ev.view_submission(user_id=SAM, view=slack.views[0], values=values))
    )
    entry = await _entry(world)
    assert entry.visibility == "set"
    # the author presses "Keep it, with my name": the words still stay in the set
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
    entry = await _entry(world)
    assert (entry.visibility, entry.anonymous) == ("set", False)
    async with world.harness.bot.sessions() as session:
        consent = (await session.exec(select(Consent))).one()
    assert (consent.visibility, consent.wording) == ("set", "Keep it, with my name")
    told = [str(c.params.get("text", "")) for c in slack.calls("chat.postMessage")]
    told += [str(c.params.get("text", "")) for c in slack.calls("chat.postEphemeral")]
    assert any("kept in Tuesday set" in t and "stays there" in t for t in told), told

    await world.harness.until(THURSDAY_17)
    everything = [str(c.params.get("text", "")) for c in slack.calls("chat.postMessage")]
    assert not any("caseloads" in t and "digest" in t.lower() for t in everything)

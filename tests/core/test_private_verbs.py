"""Every verb works as a plain private message, as the bot tells people to use it: in the
console's `/dm` and in a Slack direct message; help and the answer to words the bot cannot place
list them all."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlmodel import select

from bot.practices.blockers.models import Blocker
from bot.practices.maturity.models import MaturityScore
from bot.storage.models import Entry, Identity
from tests.fakes import slack_events as ev
from tests.fakes.slack_api import FakeSlackAPI, Recorded
from tests.harness import Harness
from tests.worlds import SLACK_ALEX, SLACK_CHANNEL, SLACK_CONFIG, SlackWorld, slack_world

NOTHING_OPEN = "There is no question waiting for you right now"


async def test_help_in_a_private_chat_lists_every_verb_a_person_may_use(harness: Harness) -> None:
    await harness.say("@ana /dm help")
    shown = harness.take()
    assert shown.startswith("[@ana")
    public = [v.verb for v in harness.bot.router.verbs.values() if not v.operator]
    for verb in ("score", "pulse", "pass", "commit", "maturity", "mydata", "forget", "blocker"):
        assert verb in public
    for verb in public:
        assert f"- `{verb}` " in shown
    # at the console everyone is a steward, so the stewards' verbs are listed too
    assert "- `digest` " in shown and "- `prompt` " in shown


async def test_no_verb_falls_through_to_nothing_open(harness: Harness) -> None:
    """Each verb, typed plainly in a private chat, reaches that verb's own answer."""
    await harness.say("#core @ana /help")
    harness.take()
    for verb in harness.bot.router.verbs:
        await harness.say(f"@ana /dm {verb}")
        answer = harness.take()
        assert answer and NOTHING_OPEN not in answer, verb
    await harness.say("@ana /dm Score VISION 3")  # any case, as at the start of a sentence
    assert NOTHING_OPEN not in harness.take()


async def test_words_without_a_verb_are_given_back_with_every_verb(harness: Harness) -> None:
    await harness.say("@ana /dm the new form is much quicker")
    answer = harness.take()
    assert NOTHING_OPEN in answer and "the new form is much quicker" in answer
    for verb in ("learned", "score", "pulse", "pass", "commit", "mydata", "forget"):
        assert f"`{verb}`" in answer
    async with harness.bot.sessions() as session:
        assert (await session.exec(select(Entry))).all() == []
        # whoever wrote privately can be written to there
        identity = (await session.exec(select(Identity))).one()
    assert identity.dm_chat == "@ana" and identity.dm_active


async def test_contributions_and_practice_verbs_as_private_messages(harness: Harness) -> None:
    await harness.say("#core @ana /help")
    await harness.say("@ana /dm blocker the referral form takes an hour")
    held = harness.take()  # kept for her until she shares it: not raised yet
    assert "[@ana, privately]" in held and "saved as a blocker" in held and "#1" not in held
    await harness.say("@ana /dm learned families prefer the evening drop-in")
    assert "saved as a learning" in harness.take()
    async with harness.bot.sessions() as session:
        kinds = sorted(e.kind for e in (await session.exec(select(Entry))).all())
        assert kinds == ["blocker", "learning"]
        assert len((await session.exec(select(Blocker))).all()) == 0
    await harness.say("@ana /dm maturity start")  # needs a circle's room: says so
    assert "in your circle's room" in harness.take()


def sent_to_alex(api: FakeSlackAPI) -> list[Recorded]:
    return [*api.calls("chat.postEphemeral"), *api.calls("chat.postMessage")]


@pytest.fixture
async def slack(tmp_path: Path, database_url: str) -> AsyncIterator[SlackWorld]:
    rooms = f'rooms = [{{ platform = "slack", channel = "{SLACK_CHANNEL}" }}]'
    both = f'rooms = [{{ platform = "slack", channel = "{SLACK_CHANNEL}" }}, ' + (
        '{ platform = "console", channel = "core" }]'
    )
    config = SLACK_CONFIG.replace(rooms, both, 1)
    people = {SLACK_ALEX: ("Alex Morgan", "alex")}
    async with slack_world(config, database_url, tmp_path, people=people) as world:
        yield world


async def test_a_score_typed_in_a_slack_direct_message(slack: SlackWorld) -> None:
    h, api = slack.harness, slack.slack
    hello = ev.slash_command(
        text="help", user_id=SLACK_ALEX, channel_id=SLACK_CHANNEL, trigger_id="t-hi"
    )
    assert await slack.form(hello) == 200
    await h.say("#core @sam /maturity start")
    [asked] = [c for c in api.posted(SLACK_ALEX) if "How is Core partnership" in str(c.params)]
    assert "score vision 3" in str(asked.params)

    dm = ev.message_event(
        channel="D0ALEX",
        user=SLACK_ALEX,
        text="score vision 3 because",
        ts="2.1",
        channel_type="im",
    )
    assert await slack.event(ev.envelope(dm, event_id="Ev0SCORE")) == 200
    sent = [str(c.params) for c in sent_to_alex(api)]
    assert any("Thank you: Vision 3, in the round of" in s for s in sent)
    assert not any(NOTHING_OPEN in s for s in sent)
    async with h.bot.sessions() as session:
        [score] = (await session.exec(select(MaturityScore))).all()
    assert (score.dimension, score.score) == ("vision", 3)

    dm = ev.message_event(
        channel="D0ALEX", user=SLACK_ALEX, text="help", ts="2.2", channel_type="im"
    )
    assert await slack.event(ev.envelope(dm, event_id="Ev0HELP")) == 200
    helps = [str(c.params) for c in sent_to_alex(api) if "How to take part" in str(c.params)]
    assert len(helps) == 2  # the slash command's, then the direct message's
    shown = helps[-1]
    for verb in ("score", "pulse", "pass", "commit"):
        assert verb in shown

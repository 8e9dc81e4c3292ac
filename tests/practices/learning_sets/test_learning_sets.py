"""Action learning sets through the console: a fair presenter, a pass, questions, an advice
nudge sent privately, reflection and commitment, and the next round's follow-up; and nothing a
set says reaching a digest."""

from __future__ import annotations

import importlib.util
import textwrap
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import col, select

from bot.config.partnership import load_config
from bot.practices.learning_sets.models import LearningNote, LearningPass, LearningRound
from bot.practices.learning_sets.practice import set_activity
from bot.practices.protocols import DescribesEntries
from bot.storage.models import Entry, Identity, Person
from tests.fakes.telegram_updates import user
from tests.harness import Harness, open_harness
from tests.worlds import TelegramWorld as World
from tests.worlds import telegram_world

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
id = "set"
name = "Tuesday set"
kind = "learning_set"
rooms = [{ platform = "console", channel = "set" }]

[circles.learning_set]
cron = "0 9 * * TUE"
window_hours = 24
"""

TUESDAY_0930 = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
WEDNESDAY_1000 = datetime(2026, 3, 11, 10, 0, tzinfo=UTC)
NEXT_TUESDAY_0930 = datetime(2026, 3, 17, 9, 30, tzinfo=UTC)

ISSUE = "Our referral panel keeps bouncing families between teams."
QUESTION = "What have you noticed about the times it works?"
ADVICE = "You should just escalate it to the director."
REFLECTION = "I see I have been trying to fix it on my own."
ANSWER = "Mostly when the same worker stays with a family."
ACTION = "Ask the panel chair for a joint case review"
FOLLOW_UP = "It went well: the chair agreed to a monthly review."
SECRETS = (
    ISSUE,
    QUESTION,
    ADVICE,
    ANSWER,
    REFLECTION,
    ACTION,
    FOLLOW_UP,
    "referral panel",
    "chair",
)


@pytest.fixture
async def harness(tmp_path: Path, database_url: str) -> AsyncIterator[Harness]:
    path = tmp_path / "huddlebot.toml"
    path.write_text(textwrap.dedent(CONFIG))
    async with open_harness(load_config(path), database_url) as h:
        yield h


async def rounds(harness: Harness) -> list[LearningRound]:
    async with harness.bot.sessions() as session:
        query = select(LearningRound).order_by(col(LearningRound.id))
        return list((await session.exec(query)).all())


async def notes(harness: Harness) -> list[LearningNote]:
    async with harness.bot.sessions() as session:
        query = select(LearningNote).order_by(col(LearningNote.id))
        return list((await session.exec(query)).all())


async def join_set(harness: Harness) -> None:
    for name in ("ana", "ben", "cleo", "dev"):
        await harness.say(f"#set @{name} /help")
    harness.take()


async def run_first_round(harness: Harness) -> None:
    """Round 1: Ana is invited, passes; Ben presents, gets a question and some advice,
    reflects privately and commits."""
    await join_set(harness)
    await harness.until(TUESDAY_0930)
    started = harness.take()
    assert "Round 1 of Tuesday set" in started
    assert "Ana, it is your turn to present" in started
    round_id = (await rounds(harness))[0].id

    await harness.say("#set @ben /pass")
    assert "Only the person invited to present can do that" in harness.take()

    await harness.say(f"#set @ana /press set_pass {round_id}")
    passed = harness.take()
    assert "[@ana, privately]" in passed and "you have passed" in passed
    room = passed.split("[#set]")[1]
    assert "Ben, would you like to present" in room and "Ana" not in room

    await harness.say(f"#set @ben {ISSUE}")
    opened = harness.take()
    assert "What Ben brings" in opened and ISSUE in opened
    assert "open questions" in opened

    await harness.say(f"#set @cleo {QUESTION}")
    assert harness.take() == ""  # a question needs no answer from the bot
    await harness.say(f"#set @dev {ADVICE}")
    nudge = harness.take()
    assert "[@dev, privately]" in nudge
    assert "reads a little like advice" in nudge and ADVICE in nudge
    assert "[#set" not in nudge  # nothing about it in the room

    await harness.say(f"#set @ben /commit {ACTION}")
    assert "Questions are still open" in harness.take()
    await harness.say(f"@ben /dm {ANSWER}")
    relayed = harness.take()
    assert "[#set]" in relayed and "Ben answers:" in relayed and ANSWER in relayed

    await harness.until(WEDNESDAY_1000)
    reflect = harness.take()
    assert "Questions are closed: 2 questions were asked" in reflect
    assert "Ben, over to you" in reflect

    await harness.say(f"@ben /dm {REFLECTION}")
    kept = harness.take()
    assert "[@ben, privately]" in kept and "your reflection is kept" in kept
    assert "[#set]" in kept and "Ben reflects:" in kept and REFLECTION in kept

    await harness.say(f"#set @cleo /commit {ACTION}")
    assert "this round that is Ben" in harness.take()
    await harness.say(f"#set @ben /commit {ACTION}")
    committed = harness.take()
    assert "Ben commits to:" in committed and ACTION in committed


async def test_a_round_end_to_end_and_the_next_rounds_follow_up(harness: Harness) -> None:
    await run_first_round(harness)
    first = (await rounds(harness))[0]
    assert first.phase == "closed" and first.action == ACTION
    assert first.presented_at is not None
    kinds = [(n.kind, n.advice) for n in await notes(harness)]
    assert kinds == [
        ("issue", False),
        ("question", False),
        ("question", True),  # the advice is kept, marked
        ("answer", False),
        ("reflection", False),
        ("action", False),
    ]
    async with harness.bot.sessions() as session:
        passes = (await session.exec(select(LearningPass))).all()
    assert len(passes) == 1

    await harness.until(NEXT_TUESDAY_0930)
    second = harness.take()
    assert "Round 2 of Tuesday set" in second
    assert "First, Ben: last round you committed to this." in second and ACTION in second
    # Ana, Cleo and Dev have never presented; Ana joined first
    assert "Ana, it is your turn to present" in second

    await harness.say(f"#set @ben {FOLLOW_UP}")
    thanks = harness.take()
    assert "[#set, only @ben sees this]" in thanks and "how it went" in thanks
    latest = (await rounds(harness))[-1]
    assert latest.followed_up and latest.follow_up_of == first.id
    assert (await notes(harness))[-1].kind == "follow_up"

    # no issue came this round; the next round does not ask Ben again
    await harness.until(datetime(2026, 3, 24, 9, 30, tzinfo=UTC))
    third = harness.take()
    assert "No issue came in for round 2" in third
    assert "Round 3 of Tuesday set" in third and "First, Ben" not in third

    # nothing a set says becomes an entry that digests or exports could carry
    async with harness.bot.sessions() as session:
        assert (await session.exec(select(Entry))).all() == []


async def test_no_nudge_where_it_could_not_be_private(harness: Harness) -> None:
    await join_set(harness)
    await harness.until(TUESDAY_0930)
    await harness.say(f"#set @ana {ISSUE}")
    harness.take()
    async with harness.bot.sessions.begin() as session:
        dev = (await session.exec(select(Identity).where(Identity.user_id == "dev"))).one()
        dev.dm_active = False  # as when someone has blocked the bot, or never started it
        session.add(dev)
    await harness.say(f"#set @dev {ADVICE}")
    assert harness.take() == ""  # never a nudge the room could see
    assert [(n.kind, n.advice) for n in await notes(harness)][-1] == ("question", True)


async def test_presenters_rotate_fairly(harness: Harness) -> None:
    await join_set(harness)
    seen = []
    for week in range(4):
        start = datetime(2026, 3, 10 + 7 * week, 9, 30, tzinfo=UTC)
        await harness.until(start)
        text = harness.take()
        name = text.split(", it is your turn")[0].rsplit("\n", 1)[-1].strip()
        seen.append(name)
        await harness.say(f"#set @{name.lower()} An issue for week {week}.")
    assert seen == ["Ana", "Ben", "Cleo", "Dev"]


async def test_bad_input_is_answered_kindly(harness: Harness) -> None:
    await harness.say("#set @ana /pass")
    assert "no learning set round under way" in harness.take()
    await harness.say("#set @ana /commit something")
    assert "no learning set round under way" in harness.take()
    await harness.say("#set @ana /press set_pass 999")
    assert "no learning set round under way" in harness.take()
    await harness.until(TUESDAY_0930)
    assert "only know of one member" in harness.take()
    await join_set(harness)
    await harness.until(datetime(2026, 3, 17, 9, 30, tzinfo=UTC))
    harness.take()
    round_id = (await rounds(harness))[-1].id
    await harness.say("#set @ana /commit too soon")
    assert "First describe the issue" in harness.take()
    await harness.say("#set @ana An issue.")
    harness.take()
    await harness.say(f"#set @ana /press set_pass {round_id}")
    assert "already shared your issue" in harness.take()
    await harness.until(datetime(2026, 3, 18, 10, 0, tzinfo=UTC))
    harness.take()
    await harness.say("#set @ana /commit")
    assert "What one action will you take?" in harness.take()


async def test_everyone_passing_rests_the_round(harness: Harness) -> None:
    await join_set(harness)
    await harness.until(TUESDAY_0930)
    harness.take()
    round_id = (await rounds(harness))[0].id
    for name in ("ana", "ben", "cleo", "dev"):
        await harness.say(f"#set @{name} /press set_pass {round_id}")
    assert "Everyone has passed this time" in harness.take()
    assert (await rounds(harness))[0].phase == "closed"


async def test_no_set_content_reaches_a_digest_or_export(harness: Harness) -> None:
    await harness.say("#core @ana /learned Evening drop-ins suit families.")
    await run_first_round(harness)
    end = datetime(2026, 3, 12, 16, 0, tzinfo=UTC)
    start = datetime(2026, 3, 5, 16, 0, tzinfo=UTC)
    async with harness.bot.sessions() as session:
        activity = await set_activity(session, start=start, end=end)
    assert activity == [{"circle_id": "set", "name": "Tuesday set", "met": True, "participants": 4}]
    texts = [
        await harness.bot.huddle.preview_digest(circle, start=start, end=end)
        for circle in ("set", "core", "stewards")
    ]
    if importlib.util.find_spec("bot.digests.steward_digest") is not None:
        from bot.digests.steward_digest import steward_context

        async with harness.bot.sessions() as session:
            context = await steward_context(
                session,
                config=harness.bot.config,
                start=start,
                end=end,
                library=harness.bot.library,
                contributors=harness.bot.huddle.contributors,
            )
        steward = harness.bot.library.render("steward_digest", context, "plain")
        assert "Tuesday set" in steward  # the set met: that much is shown
        texts.append(steward)
    if importlib.util.find_spec("bot.cli.export") is not None:
        from bot.cli.export import circle_entries, render

        async with harness.bot.sessions() as session:
            for circle in harness.bot.config.circles:
                describers = [p for p in harness.bot.features if isinstance(p, DescribesEntries)]
                rows = await circle_entries(session, circle_id=circle.id, describers=describers)
                for fmt in ("json", "md"):
                    texts.append(render(rows, fmt, circle_name=circle.name))
    for text in texts:
        for secret in SECRETS:
            assert secret not in text


async def test_a_persons_own_data_holds_only_their_own_words(harness: Harness) -> None:
    pytest.importorskip("bot.practices.data_rights.practice")
    from bot.practices.data_rights.holdings import as_json, person_data

    await run_first_round(harness)
    async with harness.bot.sessions() as session:
        ids = {p.display_name: p.id or 0 for p in (await session.exec(select(Person))).all()}
        mine = {
            name: as_json(await person_data(session, ids[name], now=WEDNESDAY_1000))
            for name in ("Ana", "Cleo", "Dev")
        }
    for secret in SECRETS:
        assert secret not in mine["Ana"]  # Ana passed, and said nothing else
    assert QUESTION in mine["Cleo"] and ADVICE not in mine["Cleo"] and ISSUE not in mine["Cleo"]
    assert ADVICE in mine["Dev"] and QUESTION not in mine["Dev"]


SET_GROUP = -1009876543
TELEGRAM_CONFIG = f"""
[partnership]
name = "Riverside"
timezone = "Europe/London"

[[circles]]
id = "set"
name = "Tuesday set"
kind = "learning_set"
rooms = [{{ platform = "telegram", chat = "{SET_GROUP}" }}]

[circles.learning_set]
cron = "0 9 * * TUE"
window_hours = 24

[[circles]]
id = "stewards"
name = "Stewards"
kind = "stewards"
rooms = [{{ platform = "console", channel = "stewards" }}]
"""


@pytest.fixture
async def telegram(tmp_path: Path, database_url: str) -> AsyncIterator[World]:
    async with telegram_world(TELEGRAM_CONFIG, database_url, tmp_path) as world:
        yield world


async def test_through_telegram_replies_in_the_group_and_a_private_nudge(telegram: World) -> None:
    h, fake = telegram.harness, telegram.fake
    ada, bo, cy = (user(n, name, None) for n, name in ((1001, "Ada"), (1002, "Bo"), (1003, "Cy")))
    for person in (ada, bo, cy):
        await telegram.push(fake.message_update(SET_GROUP, "/help", sender=person))
    await telegram.push(fake.message_update(1003, "/start", sender=cy))
    await h.until(TUESDAY_0930)
    invite = fake.sent_messages[-1]
    assert "Ada, it is your turn" in invite["text"]
    data = [b["callback_data"] for row in invite["reply_markup"]["inline_keyboard"] for b in row]
    assert data == ["set_pass|1"]

    await telegram.push(fake.callback_update(invite, "set_pass|1", sender=ada))
    invited = fake.sent(SET_GROUP)[-1]
    assert "Bo, would you like to present" in invited["text"] and "Ada" not in invited["text"]
    asked = fake.sent_messages[-1]
    await telegram.push(fake.message_update(SET_GROUP, ISSUE, sender=bo, reply_to=asked))
    opened = fake.sent_messages[-1]
    assert "What Bo brings" in opened["text"] and opened["chat"]["id"] == SET_GROUP

    await telegram.push(fake.message_update(SET_GROUP, ADVICE, sender=cy, reply_to=opened))
    assert "reads a little like advice" in fake.sent(1003)[-1]["text"]
    assert not any("like advice" in m["text"] for m in fake.sent(SET_GROUP))
    kinds = [(n.kind, n.advice) for n in await notes(h)]
    assert kinds == [("issue", False), ("question", True)]


async def test_a_round_missed_while_down_starts_when_the_bot_is_back(
    tmp_path: Path, database_url: str
) -> None:
    path = tmp_path / "huddlebot.toml"
    path.write_text(textwrap.dedent(CONFIG))
    config = load_config(path)
    async with open_harness(config, database_url) as before:
        await join_set(before)
    back = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)  # two hours after the round was due
    async with open_harness(config, database_url, start=back, run_id="t2") as after:
        await after.until(back)
        assert "Round 1 of Tuesday set" in after.take()
        await after.say(f"#set @ana {ISSUE}")
        harness_rounds = await rounds(after)
        assert len(harness_rounds) == 1 and harness_rounds[0].phase == "questions"
    later = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)  # the questions window ended meanwhile
    async with open_harness(config, database_url, start=later, run_id="t3") as again:
        await again.until(later)
        assert "Questions are closed" in again.take()

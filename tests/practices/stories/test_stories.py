"""Stories through the console: told, shared as the teller chose, described, withdrawn."""

from __future__ import annotations

import re
import textwrap
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import col, select

from bot.config.partnership import load_config
from bot.practices.stories.labels import split_title
from bot.practices.stories.models import StoryDetail
from bot.practices.stories.reading import stories_for_circle, stories_for_stewards
from bot.storage.models import Consent, Entry
from tests.harness import CONFIG, Harness, open_harness

MONDAY_10 = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
THURSDAY_17 = datetime(2026, 3, 12, 17, 0, tzinfo=UTC)


async def stories(harness: Harness) -> list[Entry]:
    async with harness.bot.sessions() as session:
        query = select(Entry).where(Entry.kind == "story").order_by(col(Entry.id))
        return list((await session.exec(query)).all())


async def consents(harness: Harness) -> list[Consent]:
    async with harness.bot.sessions() as session:
        return list((await session.exec(select(Consent).order_by(col(Consent.id)))).all())


async def detail(harness: Harness, entry_id: int) -> StoryDetail:
    async with harness.bot.sessions() as session:
        found = await session.get(StoryDetail, entry_id)
    assert found is not None
    return found


def story_number(text: str) -> int:
    found = re.search(r"number (\d+)", text)
    assert found, text
    return int(found.group(1))


def test_a_title_in_brackets() -> None:
    assert split_title("[Saturday group] A dad now helps") == ("Saturday group", "A dad now helps")
    assert split_title("A dad [now] helps") == ("", "A dad [now] helps")
    assert split_title("[only a title]") == ("", "[only a title]")


async def test_a_story_is_held_safely_until_the_teller_chooses(harness: Harness) -> None:
    await harness.say("@ana /story [Saturday group] A dad who never came now helps run it.")
    answer = harness.take()
    number = story_number(answer)
    assert "only @ana sees this" in answer and "only the stewards" in answer
    assert "/press story_share" in answer and "/press story_name" in answer
    [story] = await stories(harness)
    assert story.id == number
    assert (story.visibility, story.anonymous) == ("stewards", True)
    assert story.text == "A dad who never came now helps run it."
    assert (await detail(harness, number)).title == "Saturday group"
    assert await consents(harness) == []  # the default is not a choice anyone made

    await harness.until(THURSDAY_17)
    assert "A dad who never came" not in harness.take()  # not in the circle's digest


async def test_choices_are_recorded_with_their_words_and_reach_the_digest(
    harness: Harness,
) -> None:
    await harness.until(MONDAY_10)
    await harness.say("@ana /story A family found a home after a year of waiting.")
    number = story_number(harness.take())
    await harness.say(f"@ana /press story_share {number}:circle")
    first = harness.take()
    assert "Share it with the circle" in first and "without your name" in first
    assert "/press story_dim" in first and "/press story_withdraw" in first
    await harness.say(f"@ana /story name {number} named")
    assert "with your name" in harness.take()
    await harness.say(f"@ana /press story_share {number}:circle")  # pressed again
    assert "Nothing needed changing" in harness.take()

    recorded = await consents(harness)
    assert [(c.visibility, c.anonymous, c.wording) for c in recorded] == [
        ("circle", True, "Share it with the circle"),
        ("circle", False, "Use my name"),
    ]
    assert all(c.chosen_at is not None and c.person_id is not None for c in recorded)

    await harness.until(THURSDAY_17)
    digest = harness.take()
    assert "A family found a home" in digest and "Ana" in digest


async def test_the_teller_describes_a_story_with_one_tap_each(harness: Harness) -> None:
    await harness.say("@ana /story Our shared budget let the youth club open on Sundays.")
    number = story_number(harness.take())
    await harness.say(f"@ana /press story_dim {number}:finance")
    await harness.say(f"@ana /press story_dim {number}:collaboration")
    await harness.say(f"@ana /press story_dir {number}:better")
    said = harness.take()
    assert "Collaboration, Finance; getting better" in said
    await harness.say(f"@ana /press story_dim {number}:finance")  # again: taken off
    assert "taken off" in harness.take()
    await harness.say(f"@ana /press story_dir {number}:better")
    assert "already noted" in harness.take()
    found = await detail(harness, number)
    assert (found.dimensions, found.direction) == ("collaboration", "better")

    await harness.say(f"@ana /story share {number} circle")
    async with harness.bot.sessions() as session:
        start = datetime(2026, 1, 1, tzinfo=UTC)
        end = datetime(2027, 1, 1, tzinfo=UTC)
        [row] = await stories_for_circle(session, circle_id="core", start=start, end=end)
        [steward_row] = await stories_for_stewards(session, start=start, end=end)
    assert row["dimensions"] == ["Collaboration"] and row["direction"] == "Getting better"
    assert row["author"] is None and steward_row["author"] is None


async def test_withdrawn_twice_and_changed_after_gets_kind_answers(harness: Harness) -> None:
    await harness.until(MONDAY_10)
    await harness.say("@ana /story A neighbour now checks in on an older man every day.")
    number = story_number(harness.take())
    await harness.say(f"@ana /story share {number} circle")
    await harness.say(f"@ana /story withdraw {number}")
    assert "is withdrawn" in harness.take()
    await harness.say(f"@ana /story withdraw {number}")
    assert "already withdrawn" in harness.take()
    await harness.say(f"@ana /press story_withdraw {number}")
    assert "already withdrawn" in harness.take()
    await harness.say(f"@ana /press story_share {number}:circle")
    assert "was withdrawn" in harness.take()
    [story] = await stories(harness)
    assert story.visibility == "withdrawn"
    assert [c.visibility for c in await consents(harness)] == ["circle", "withdrawn"]

    await harness.until(THURSDAY_17)
    assert "older man" not in harness.take()
    async with harness.bot.sessions() as session:
        start = datetime(2026, 1, 1, tzinfo=UTC)
        end = datetime(2027, 1, 1, tzinfo=UTC)
        assert await stories_for_circle(session, circle_id="core", start=start, end=end) == []
        assert await stories_for_stewards(session, start=start, end=end) == []


async def test_bad_story_commands_get_kind_answers(harness: Harness) -> None:
    await harness.say("@ana /story A young carer got a break for the first time in years.")
    number = story_number(harness.take())
    await harness.say(f"@ben /story share {number} circle")
    assert "someone else's" in harness.take()
    await harness.say(f"@ben /press story_share {number}:circle")
    assert "someone else's" in harness.take()
    await harness.say("@ana /story withdraw 9999")
    assert "cannot find a story numbered 9999" in harness.take()
    await harness.say(f"@ana /story share {number} everyone")
    assert "circle, stewards or private" in harness.take()
    await harness.say("@ana /story share")
    assert "`story share` needs a number after it" in harness.take()
    await harness.say("@ana /story")
    assert "nothing was saved" in harness.take().lower()
    await harness.say("@ana /story [Just a title]")
    assert "nothing was saved" in harness.take().lower()
    long_text = "It changed everything for her. " * 30
    await harness.say(f"@ana /story {long_text}")
    answer = harness.take()
    assert "500" in answer and "It changed everything" in answer
    await harness.say(f"@ana /story title {number} " + "x" * 130)
    assert "up to 120" in harness.take()
    await harness.say("@ana /press story_dim nonsense")
    assert "cannot find a story" in harness.take()
    [story] = await stories(harness)
    assert (story.visibility, story.anonymous) == ("stewards", True)


async def test_list_and_title(harness: Harness) -> None:
    await harness.say("@ana /story list")
    assert "not told a story yet" in harness.take()
    await harness.say("@ana /story The food bank now opens late on Thursdays.")
    number = story_number(harness.take())
    await harness.say(f"@ana /story title {number} Late opening")
    assert "Late opening" in harness.take()
    await harness.say("@ana /story list")
    listed = harness.take()
    assert f"{number}. Late opening: The food bank" in listed and "Stewards only" in listed


async def test_a_story_told_in_reply_to_a_prompt_with_the_care_note(
    tmp_path: Path, database_url: str
) -> None:
    text = CONFIG.replace(
        "max_entry_chars = 500",
        'max_entry_chars = 500\ncare_note = "If this brought things up, the helpline is 0800 000."',
    ).replace('prompt = "learned"', 'prompt = "story"')
    path = tmp_path / "huddlebot.toml"
    path.write_text(textwrap.dedent(text))
    async with open_harness(load_config(path), database_url) as harness:
        await harness.until(MONDAY_10)
        harness.take()
        await harness.say("@ana [Evenings] Families came once the drop-in moved to evenings.")
        answer = harness.take()
        assert "helpline is 0800 000" in answer and "Evenings" in answer
        [story] = await stories(harness)
        assert story.prompt_run_id is not None
        assert (story.visibility, story.anonymous) == ("stewards", True)
        assert story.text == "Families came once the drop-in moved to evenings."


async def test_story_commands_in_a_private_message_change_the_story(harness: Harness) -> None:
    await harness.say("@ana /story A carer got her first full night's sleep in months.")
    number = story_number(harness.take())
    await harness.say(f"@ana /dm story share {number} circle")
    assert "Share it with the circle" in harness.take()
    await harness.say(f"@ana /dm story withdraw {number}")
    assert "is withdrawn" in harness.take()
    await harness.say("@ana /dm story list")
    assert "withdrawn" in harness.take()
    [story] = await stories(harness)  # none of those became a story
    assert story.visibility == "withdrawn"


async def test_a_story_shared_after_a_digest_reaches_the_next_one_once(harness: Harness) -> None:
    await harness.until(MONDAY_10)
    await harness.say("#core @ana /story A carer finally got a break after two years.")
    number = story_number(harness.take())
    await harness.say("#core @ben /learned Evening sessions suit families.")
    await harness.until(datetime(2026, 3, 9, 10, 30, tzinfo=UTC))
    await harness.say("#core /digest")
    first = harness.take()
    assert "Evening sessions" in first and "A carer finally" not in first  # stewards only yet

    await harness.until(datetime(2026, 3, 10, 10, 0, tzinfo=UTC))
    await harness.say(f"#core @ana /story share {number} circle")
    harness.take()
    await harness.until(datetime(2026, 3, 10, 11, 0, tzinfo=UTC))
    await harness.say("#core /digest")
    second = harness.take()
    assert "A carer finally got a break" in second  # shared since the last digest
    assert "Evening sessions" not in second

    await harness.until(datetime(2026, 3, 10, 12, 0, tzinfo=UTC))
    await harness.say(f"#core @ana /story name {number} named")
    await harness.say("#core @ben /learned Tuesdays are busier.")
    await harness.until(datetime(2026, 3, 10, 12, 30, tzinfo=UTC))
    await harness.say("#core /digest")
    third = harness.take()
    assert "Tuesdays are busier" in third and "A carer finally" not in third  # once only

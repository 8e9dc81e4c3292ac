"""Most Significant Change rounds through the console: a whole round from start to feedback, a
round with nothing to read, a story withdrawn mid-round, a schedule, and kind answers."""

from __future__ import annotations

import json
import re
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli.export import circle_entries, render
from bot.config.partnership import load_config
from bot.errors import ConfigError
from bot.practices.data_rights.holdings import person_data
from bot.practices.protocols import DescribesEntries
from bot.storage.models import Identity
from tests.harness import CONFIG, Harness, open_harness
from tests.practices.msc.helpers import choices, rounds, selections, tell, to

THURSDAY_16 = datetime(2026, 3, 12, 16, 5, tzinfo=UTC)
MO = "[Trust] Mo came back to the drop-in after a year away."
HOUSING = "The housing team now calls us first."
STEWARDS_ONLY = "A landlord finally fixed the damp."


async def join(harness: Harness, room: str, *names: str) -> None:
    for name in names:
        await harness.say(f"#{room} @{name} /help")
    harness.take()


async def person_id(harness: Harness, name: str) -> int:
    from sqlmodel import select

    async with harness.bot.sessions() as session:
        query = select(Identity.person_id).where(Identity.user_id == name)
        return int((await session.exec(query)).one())


async def test_a_round_from_start_to_feedback(harness: Harness) -> None:
    await join(harness, "core", "ana", "ben", "cleo")
    await tell(harness, "ana", "core", MO)
    await harness.say("#core @ana /story name 1 named")
    await tell(harness, "ben", "core", HOUSING)
    await tell(harness, "cleo", "core", STEWARDS_ONLY, share="stewards")
    await tell(harness, "cleo", "core", "Something only cleo may read.", share="private")
    harness.take()

    await harness.say("#core @ana /msc start")
    started = harness.take()
    [announce] = to(started, "#core]")
    assert "2 stories" in announce and "Mo came back" not in announce
    for name in ("ana", "ben", "cleo"):
        [ask] = to(started, f"@{name}, privately]")
        assert "Story 1: Trust" in ask and "told by Ana" in ask
        assert "Story 2" in ask and "shared anonymously" in ask and "Ben" not in ask
        assert "/press msc 1:1" in ask and "/press msc 1:2" in ask
    assert "landlord" not in started and "only cleo" not in started

    # a button asks for a reason; the reason comes typed; a choice can change
    await harness.say("#core @ben /press msc 1:2")
    asked = harness.take()
    assert to(asked, "@ben, privately]") and "What makes it the most significant" in asked
    await harness.say("#core @ben /press msc 1:1")
    assert "Changed: you now choose story 1" in harness.take()
    await harness.say("#core @ben /msc because it shows trust coming back")
    await harness.say("#core @ana /msc choose 2 because services changed how they work")
    waiting = harness.take()
    assert not to(waiting, "#core]")  # nothing reaches the room before the round closes
    assert "Your reason: services changed how they work" in to(waiting, "@ana, privately]")[0]

    await harness.say("#core @cleo /msc choose 1 because Mo chose to return")
    closed = harness.take()
    [reveal] = to(closed, "#core]")
    assert "3 people chose" in reveal
    assert "Story 1: Trust (2 chose it)" in reveal and "Story 2 (1 chose it)" in reveal
    assert "- Mo chose to return\n    - it shows trust coming back" in reveal  # sorted, not timed
    for name in ("Ana", "Ben", "Cleo", "ana", "ben", "cleo"):
        assert name not in reveal
    assert (await rounds(harness))[0].closed_at is not None
    await harness.say("#core @ana /msc choose 1 because too late")
    assert "no Most Significant Change round open" in harness.take()

    await harness.say("#core @ben /msc select 1")
    assert "add the reason you agreed" in harness.take()
    await harness.say("#core @ben /msc select 1 because trust, and people choosing to return")
    fed_back = harness.take()
    [selected] = to(fed_back, "#core]")
    assert "Core partnership chose story 1: Trust" in selected
    assert "Why:* trust, and people choosing to return" in selected
    [chosen] = to(fed_back, "@ana, privately]")
    assert "Your story was chosen" in chosen and "trust, and people choosing to return" in chosen
    [thanks] = to(fed_back, "@ben, privately]")
    assert "Thank you for your story" in thanks and HOUSING in thanks
    assert "Mo came back" not in thanks  # never the chosen story to another teller
    assert not to(fed_back, "@cleo")  # cleo's stories were not read by this panel
    await harness.say("#core @ben /msc select 2 because second thoughts")
    assert "already recorded (story 1)" in harness.take()

    # the selection and its reason in the huddle digest and in the stewards' export
    await harness.until(THURSDAY_16)
    digest = harness.take()
    assert "The change we found most significant" in digest
    assert "Why Core partnership chose it:* trust, and people choosing to return" in digest
    bot = harness.bot
    ana, ben, cleo = [await person_id(harness, n) for n in ("ana", "ben", "cleo")]
    async with bot.sessions() as session:
        describers = [p for p in bot.features if isinstance(p, DescribesEntries)]
        rows = await circle_entries(session, circle_id="core", describers=describers)
        [mo] = [r for r in rows if "Mo came back" in r["text"]]
        assert mo["title"] == "Trust"  # the stories practice's detail is kept beside it
        assert mo["selections"] == [
            "Chosen by Core partnership on Sun 08 Mar, 18:00: trust, and people choosing to return"
        ]
        assert "Chosen by Core partnership" in render(rows, "md", circle_name="Core")

        # the teller's own data: every reason given about her story, never who gave it
        theirs = await person_data(session, ana, now=THURSDAY_16)
    tables = theirs["tables"]
    reasons = {row["reason"] for row in tables["msc_choices"]}
    assert {"Mo chose to return", "it shows trust coming back"} <= reasons
    assert "services changed how they work" in reasons  # her own choice, with her id
    text = json.dumps(tables["msc_choices"])
    assert f'"person_id": {ben}' not in text and f'"person_id": {cleo}' not in text
    # others' choices carry no row number, no id and only the day: nothing to tell them apart
    others = [
        row for row in tables["msc_choices"] if row["reason"] != "services changed how they work"
    ]
    assert len(others) == 2
    for row in others:
        assert "id" not in row and "person_id" not in row
        assert row["chosen_at"] == "2026-03-08"  # the day, never the moment
    assert [r["reason"] for r in others] == sorted(r["reason"] for r in others)
    [mine] = [r for r in tables["msc_choices"] if r not in others]
    assert mine["person_id"] == ana and "T" in mine["chosen_at"]  # her own, whole
    assert tables["msc_selections"][0]["reason"] == "trust, and people choosing to return"


async def test_a_round_with_nothing_to_read_says_so_and_ends(harness: Harness) -> None:
    await join(harness, "core", "ana", "ben")
    await tell(harness, "ana", "core", "Kept for stewards only.", share="stewards")
    await harness.say("#core @ana /msc start")
    said = harness.take()
    [room] = to(said, "#core]")
    assert "nothing to choose from and this round ends here" in room
    assert not to(said, "@ana, privately]") and not to(said, "@ben, privately]")
    [row] = await rounds(harness)
    assert row.closed_at is not None
    await harness.say("#core @ben /msc choose 1 because x")
    assert "no Most Significant Change round open" in harness.take()
    await harness.say("#core @ben /msc")
    assert "No round is open" in harness.take()
    harness.clock.set(harness.clock.now() + timedelta(minutes=1))
    await harness.say("#core @ana /msc start")  # a new round may start at once
    assert "ends here" in harness.take()


async def test_a_story_withdrawn_mid_round_is_no_longer_read(harness: Harness) -> None:
    await join(harness, "core", "ana", "ben", "cleo", "dan")
    first = await tell(harness, "ana", "core", "[Withdrawn later] The first story.")
    second = await tell(harness, "dan", "core", "The second story.")
    await harness.say("#core @ana /msc start")
    harness.take()
    await harness.say("#core @ben /msc choose 1 because the first one moved me")
    harness.take()
    await harness.say(f"#core @ana /story withdraw {first}")
    told = harness.take()
    [note] = to(told, "@ben, privately]")  # the one who chose it hears, kindly, and alone
    assert "story 1, which you chose, has been taken back" in note
    assert "msc choose N because" in note and "open until" in note
    assert "first story" not in note and "Withdrawn later" not in note
    assert not to(told, "@cleo") and not to(told, "@dan") and not to(told, "#core]")

    await harness.say("#core @cleo /msc choose 1 because me too")
    assert "Story 1 is no longer shared" in harness.take()
    await harness.say("#core @cleo /press msc 1:1")
    assert "Story 1 is no longer shared" in harness.take()
    for name in ("cleo", "dan", "ana"):
        await harness.say(f"#core @{name} /msc choose 2 because {name} read it twice")
    # ben's choice went to a withdrawn story, so not everyone has chosen yet
    assert not to(harness.take(), "#core]")
    await harness.say("#core @ben /msc")
    assert "A round is open: 1 story" in harness.take()

    await harness.say("#core @dan /msc close")  # the console speaks as a steward
    closed = harness.take()
    [reveal] = to(closed, "#core]")
    assert "3 people chose" in reveal and "Story 2 (3 chose it)" in reveal
    assert "first story" not in reveal and "Withdrawn later" not in reveal
    assert "moved me" not in reveal
    await harness.say("#core @ben /msc select 1 because it was brave")
    assert "Story 1 is no longer shared" in harness.take()
    await harness.say("#core @ben /msc select 2 because we all came back to it")
    fed_back = harness.take()
    assert "Your story was chosen" in to(fed_back, "@dan, privately]")[0]
    assert not to(fed_back, "@ana")  # nobody writes to her about a story she withdrew
    [row] = await selections(harness)
    assert row.reason == "we all came back to it"
    assert len(await choices(harness)) == 4  # ben's choice is kept, but never shown

    # the chosen story withdrawn after the round: those who chose it hear, its words go
    await harness.say(f"#core @dan /story withdraw {second}")
    after = harness.take()
    for name in ("cleo", "ana"):
        [note] = to(after, f"@{name}, privately]")
        assert "story 2, which you chose, has been taken back" in note
        assert "no longer appear with the round's selection" in note
        assert "second story" not in note
    assert not to(after, "@dan, privately]") and not to(after, "@ben, privately]")
    await harness.until(THURSDAY_16)
    digest = harness.take()
    assert "second story" not in digest and "we all came back to it" not in digest


async def test_a_deadline_closes_a_round_and_hides_choices_of_too_few(harness: Harness) -> None:
    await join(harness, "core", "ana", "ben", "cleo")
    await tell(harness, "ana", "core", "A story.")
    await harness.say("#core @ana /msc start 2")
    harness.take()
    await harness.say("#core @ben /msc choose 1 because only two of us chose")
    await harness.say("#core @cleo /msc choose 1 because second")
    harness.take()
    await harness.until(harness.clock.now() + timedelta(days=6))
    assert "found most significant" not in harness.take()
    await harness.until(harness.clock.now() + timedelta(days=1, hours=1))
    [reveal] = [m for m in to(harness.take(), "#core]") if "found most significant" in m]
    assert "Fewer than 3 people chose a story" in reveal
    assert "only two of us" not in reveal and "chose it)" not in reveal


async def test_bad_input_gets_kind_answers(harness: Harness) -> None:
    await join(harness, "core", "ana")
    await harness.say("#core @ana /msc dance")
    assert "Most Significant Change rounds:" in harness.take()
    await harness.say("#core @ana /msc start soon")
    assert "`soon` is not a number of weeks" in harness.take()
    await harness.say("#core @ana /msc select 1 because x")
    assert "no closed round to select from" in harness.take()
    await harness.say("#core @ana /msc pass-up")
    assert "has not selected a story yet" in harness.take()
    await harness.say("#stewards @dev /msc pass-up")
    assert "top of the line" in harness.take()
    await harness.say("#core @ana /msc because")
    assert "no Most Significant Change round open" in harness.take()
    await tell(harness, "ana", "core", "A story.")
    await harness.say("#core @ana /msc start")
    await harness.say("#core @ana /msc start")
    assert "A round is already open" in harness.take()
    await harness.say("#core @ana /msc because it matters")
    assert "haven't chosen a story" in harness.take()
    await harness.say("#core @ana /msc choose two")
    assert "`two` is not a story number" in harness.take()
    await harness.say("#core @ana /msc choose 9 because x")
    assert "There is no story 9" in harness.take()
    await harness.say("#stewards @dev /press msc 1:1")
    assert "circle you are not part of" in harness.take()
    await harness.say("#core @ana /press msc 99:1")
    assert "no Most Significant Change round open" in harness.take()
    await harness.say("/dm msc")  # a private message is not a room
    harness.take()


SCHEDULED = CONFIG.replace(
    '[circles.digest]\ncron = "0 16 * * THU"\n',
    '[circles.digest]\ncron = "0 16 * * THU"\n\n[circles.msc]\ncron = "0 10 * * TUE"\n'
    "window_hours = 24\n",
)


async def test_a_schedule_opens_and_closes_rounds(tmp_path: Path, database_url: str) -> None:
    assert SCHEDULED != CONFIG
    path = tmp_path / "huddlebot.toml"
    path.write_text(textwrap.dedent(SCHEDULED))
    async with open_harness(load_config(path), database_url) as harness:
        await join(harness, "core", "ana", "ben", "cleo")
        await tell(harness, "ana", "core", "A story told on Sunday.")
        harness.take()
        tuesday = datetime(2026, 3, 10, 10, 1, tzinfo=UTC)
        await harness.until(tuesday)
        opened = harness.take()
        assert "A round has begun for Core partnership: 1 story" in opened
        assert "Choices stay private until Wed 11 Mar, 10:00" in opened
        await harness.until(tuesday + timedelta(days=1))
        assert "What Core partnership found most significant" in harness.take()
        # the next week reads only what was told since
        await harness.until(tuesday + timedelta(days=7))
        assert "nothing to choose from" in harness.take()


async def test_a_schedule_with_a_mistake_names_the_key(tmp_path: Path) -> None:
    wrong = SCHEDULED.replace("window_hours = 24", "window_hour = 24")
    path = tmp_path / "huddlebot.toml"
    path.write_text(textwrap.dedent(wrong))
    with pytest.raises(ConfigError) as raised:
        async with open_harness(load_config(path), f"sqlite+aiosqlite:///{tmp_path}/x.db"):
            pass
    assert "msc" in str(raised.value) and "window_hour" in str(raised.value)


async def reasons_in_mydata(harness: Harness, who: str) -> list[str]:
    """The reasons `who` finds in the JSON file `mydata` writes at the console."""
    await harness.say(f"#core @{who} /mydata")
    said = harness.take()
    [path] = re.findall(r"`([^`]+\.json)`", said)
    data = json.loads(Path(path).read_text())  # noqa: ASYNC240
    return sorted(row["reason"] for row in data["tables"].get("msc_choices", []))


async def test_a_teller_is_told_the_reasons_only_once_a_round_reveals_them(
    harness: Harness,
) -> None:
    await join(harness, "core", "ana", "ben", "cleo", "dev")
    await tell(harness, "ana", "core", "Mo came back to the drop-in.")
    await harness.say("#core @ana /msc start 2")
    await harness.say("#core @ben /msc choose 1 because ben says so while it is open")
    await harness.say("#core @cleo /msc choose 1 because cleo says so while it is open")
    harness.take()
    assert await reasons_in_mydata(harness, "ana") == []  # the round is open

    await harness.until(harness.clock.now() + timedelta(days=7, hours=1))
    [first] = await rounds(harness)
    assert first.closed_at is not None
    assert "Fewer than 3 people chose" in harness.take()
    assert await reasons_in_mydata(harness, "ana") == []  # two chose: fewer than the threshold

    await harness.say("#core @ana /msc start 4")
    for name in ("ben", "cleo", "dev", "ana"):
        await harness.say(f"#core @{name} /msc choose 1 because {name} in the second round")
    assert "4 people chose" in harness.take()
    assert await reasons_in_mydata(harness, "ana") == [
        "ana in the second round",
        "ben in the second round",
        "cleo in the second round",
        "dev in the second round",
    ]

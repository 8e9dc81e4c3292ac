"""The weekly learning digest for stewards: across circles, never a learning set's words."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.config.partnership import Config, load_config
from bot.storage.sql import insert_row
from tests.digests.test_huddle_digest import (
    CARERS,
    CONFIG,
    HOUSING,
    MONDAY_10,
    TUESDAY_10,
    a_full_week,
    entry_for,
    seed_blocker,
)
from tests.harness import Harness, open_harness

FRIDAY_9 = datetime(2026, 3, 13, 9, 0, tzinfo=UTC)  # after the 08:00 steward digest


def steward_part(printed: str) -> str:
    start = printed.index("Steward learning digest for Riverside Partnership")
    end = printed.find("\n[", start)
    return printed[start:] if end < 0 else printed[start:end]


@pytest.fixture
def config(tmp_path: Path) -> Config:
    path = tmp_path / "huddlebot.toml"
    path.write_text(CONFIG)
    return load_config(path)


@pytest.fixture
async def harness(config: Config, database_url: str) -> AsyncIterator[Harness]:
    async with open_harness(config, database_url) as h:
        yield h


async def a_week_for_stewards(harness: Harness) -> None:
    """The huddle's full week, plus what only stewards see across the circles."""
    # North said something three weeks ago, and nothing since
    async with harness.bot.sessions.begin() as session:
        await insert_row(
            session,
            _entry_model(),
            {
                "circle_id": "north",
                "person_id": None,
                "kind": "learning",
                "text": "North learned something long ago.",
                "visibility": "circle",
                "anonymous": False,
                "platform": "console",
                "source_ref": "north-old",
                "created_at": MONDAY_10 - timedelta(weeks=3),
            },
        )
    await a_full_week(harness)
    await harness.say("#north @gus /learned The housing waiting list worries every tenant here.")
    await harness.say("#north @gus /question Who decides how the housing list is ordered?")
    await seed_blocker(
        harness,
        text="Data sharing rules stop us seeing case histories.",
        raised=MONDAY_10 - timedelta(days=20),
        kind="rules",
    )
    await seed_blocker(
        harness,
        text="The grant for the youth club was cut.",
        raised=MONDAY_10 - timedelta(days=4),
        kind="funding",
    )
    await seed_blocker(
        harness,
        text="The minibus insurance lapsed.",
        raised=MONDAY_10 - timedelta(days=9),
        status="parked",
        note="Waiting for the new budget in April.",
        closed_at=TUESDAY_10,
    )
    await _overdue_experiment(harness)
    await _a_learning_set_meets(harness)
    harness.take()


def _entry_model() -> type:
    from bot.storage.models import Entry

    return Entry


async def _a_learning_set_meets(harness: Harness) -> None:
    """Set A holds a round this week: one presents, another asks; their words stay in the set."""
    from bot.practices.learning_sets.models import LearningNote, LearningRound
    from bot.storage.models import Person

    async with harness.bot.sessions.begin() as session:
        people = [
            await insert_row(session, Person, {"display_name": name, "created_at": MONDAY_10})
            for name in ("Hal", "Ida")
        ]
        round_id = await insert_row(
            session,
            LearningRound,
            {
                "circle_id": "set-a",
                "number": 1,
                "scheduled_for": MONDAY_10,
                "presenter_id": people[0],
                "phase": "closed",
                "phase_ends_at": TUESDAY_10,
                "presented_at": MONDAY_10 + timedelta(hours=1),
                "action": "Talk to my manager.",
                "follow_up_of": None,
                "followed_up": False,
                "closed_at": TUESDAY_10,
            },
        )
        for person, kind, text in (
            (people[0], "issue", "A confidential worry about my manager."),
            (people[1], "question", "What would a confidential good week look like?"),
        ):
            await insert_row(
                session,
                LearningNote,
                {
                    "round_id": round_id,
                    "person_id": person,
                    "kind": kind,
                    "text": text,
                    "advice": False,
                    "platform": "console",
                    "source_ref": f"set-a:{kind}",
                    "created_at": MONDAY_10 + timedelta(hours=2),
                },
            )


async def _overdue_experiment(harness: Harness) -> None:
    from bot.practices.experiments.models import Experiment

    async with harness.bot.sessions.begin() as session:
        await insert_row(
            session,
            Experiment,
            {
                "circle_id": "core",
                "title": "Text reminders for appointments",
                "prediction": "Fewer missed appointments.",
                "stage": "do",
                "result": "",
                "decision": "",
                "review_date": date(2026, 3, 1),
                "previous_id": None,
                "created_by": None,
                "created_at": MONDAY_10 - timedelta(weeks=6),
                "updated_at": MONDAY_10 - timedelta(weeks=6),
                "nudged_at": None,
            },
        )


async def test_the_steward_digest_shows_every_section(harness: Harness) -> None:
    await a_week_for_stewards(harness)
    await harness.until(FRIDAY_9)
    text = steward_part(harness.take())
    # themes and where they recur
    assert "Themes across the circles" in text
    assert "Core partnership, North locality" in text or "North locality, Core partnership" in text
    # system blockers waiting for a steward, oldest first, with their age
    waiting = text.index("Blockers waiting for a steward")
    assert text.index("Data sharing rules", waiting) < text.index("grant for the youth club")
    assert "23 days old" in text
    # blockers resolved this week, and whether the report-back went out
    # each with the number stewards act on, and a line to say how
    assert "- `#" in text[waiting:] and "Take one up with `blocker take N`" in text
    # blockers resolved this week apart from those parked, and whether the report-back went out
    resolved = text[text.index("Blockers resolved this week") :]
    resolved = resolved[: resolved.index("Blockers parked this week")]
    assert "No room for the Thursday group." in resolved
    assert "Steward's note: The library lends us its community room." in resolved
    assert "Reported back to Core partnership." in resolved
    parked = text[text.index("Blockers parked this week") :]
    assert "The minibus insurance lapsed." in parked and "minibus" not in resolved
    assert "Steward's note: Waiting for the new budget in April.\n" in parked
    assert "Not yet reported back to Core partnership." in parked
    # experiments past their review date
    assert "Text reminders for appointments" in text and "12 days over" in text
    # circles gone quiet; stories shared with stewards; questions rising from practice
    assert "Circles that have gone quiet" not in text  # North spoke again this week
    assert "job club" in text and "slept rough" in text
    assert "private story" not in text
    assert "Who decides how the housing list is ordered?" in text
    # a learning set appears only as having met
    assert "Learning set A: met, 2 took part" in text
    assert "confidential" not in text


async def test_a_circle_gone_quiet_is_named_only_after_quiet_weeks(harness: Harness) -> None:
    await harness.until(MONDAY_10)
    await harness.say("@ana /learned Core keeps talking.")
    await harness.until(FRIDAY_9)
    text = steward_part(harness.take())
    assert "Circles that have gone quiet" not in text  # North began five days ago
    for week in (1, 2):
        await harness.until(MONDAY_10 + timedelta(weeks=week))
        await harness.say(f"@ana /learned Core keeps talking in week {week}.")
        if week == 1:
            await harness.until(FRIDAY_9 + timedelta(weeks=1))
            assert "gone quiet" not in harness.take()  # nine days after North began
    await harness.until(FRIDAY_9 + timedelta(weeks=2))
    text = steward_part(harness.take())
    assert "Circles that have gone quiet" in text
    assert "North locality: nothing shared for 2 weeks, since it began" in text
    assert "Core partnership:" not in text


async def test_answering_a_pulse_is_taking_part(tmp_path: Path, database_url: str) -> None:
    path = tmp_path / "pulse.toml"
    north = '[[circles]]\nid = "north"\nname = "North locality"\nkind = "partnership"\n'
    north += 'rooms = [{ platform = "console", channel = "north" }]\n'
    path.write_text(CONFIG.replace(north, north + '[circles.pulse]\ncron = "0 12 * * MON"\n'))
    async with open_harness(load_config(path), database_url) as harness:
        for week in range(3):
            await harness.until(MONDAY_10 + timedelta(weeks=week, hours=3))
            await harness.say("#north @gus /pulse pace just right")
            await harness.say("@ana /learned Core keeps talking.")
        await harness.until(FRIDAY_9 + timedelta(weeks=2))
        text = steward_part(harness.take())
    assert "North locality:" not in text  # answers to the pulse, though no entries


async def test_a_quiet_week_for_stewards_is_kind(harness: Harness) -> None:
    await harness.until(FRIDAY_9)
    text = steward_part(harness.take())
    assert "A quiet week across the circles" in text  # nobody has spoken anywhere yet
    assert "Themes across the circles" not in text and "gone quiet" not in text


async def test_each_steward_privately(tmp_path: Path, database_url: str) -> None:
    path = tmp_path / "private.toml"
    path.write_text(
        CONFIG.replace("quiet_weeks = 2", "quiet_weeks = 2\nsteward_digest_private = true")
    )
    async with open_harness(load_config(path), database_url) as harness:
        await harness.until(MONDAY_10)
        await harness.say("#stewards @sam /learned Stewards meet better on Tuesdays.")
        await harness.say("#stewards @tia /learned Walking meetings work.")
        for text in CARERS + HOUSING:
            await harness.say(f"#core @ana /learned {text}")
        await entry_for(harness, text="An old blocker.", at=MONDAY_10)
        harness.take()
        await harness.until(FRIDAY_9)
        printed = harness.take()
        assert "[@sam, privately] huddlebot" in printed and "[@tia, privately] huddlebot" in printed
        assert "[@ana, privately]" not in printed
        assert "[#stewards] huddlebot" not in printed
        assert printed.count("Steward learning digest") == 2


async def test_a_large_week_is_read_as_an_even_sample_with_true_totals(harness: Harness) -> None:
    from bot.digests.sections import shared_sample

    await harness.until(MONDAY_10)
    for number in range(40):
        await entry_for(
            harness,
            text=f"Learning number {number:02d}",
            at=MONDAY_10 + timedelta(minutes=number),
            kind="learning",
        )
    for number in range(7):
        await entry_for(
            harness,
            text=f"Question {number}",
            at=MONDAY_10 + timedelta(minutes=number),
            kind="question",
        )
    async with harness.bot.sessions() as session:
        rows, totals = await shared_sample(
            session,
            circle_ids=["core"],
            start=MONDAY_10,
            end=FRIDAY_9,
            limits={"learning": 10, "question": 3},
            spread=("learning",),
        )
    assert totals == {"learning": 40, "question": 7}
    learned = [r.text for r in rows if r.kind == "learning"]
    assert len(learned) == 10 and learned == sorted(learned)  # oldest first
    assert learned[0] <= "Learning number 03" and learned[-1] >= "Learning number 36"  # spread
    assert [r.text for r in rows if r.kind == "question"] == [f"Question {n}" for n in (4, 5, 6)]


async def test_many_waiting_blockers_show_the_oldest_and_a_count(harness: Harness) -> None:
    from bot.digests.contributions import WAITING_SHOWN

    for number in range(WAITING_SHOWN + 2):
        await seed_blocker(
            harness,
            text=f"Waiting blocker {number:02d}.",
            raised=MONDAY_10 - timedelta(days=40 - number),
            kind="rules",
        )
    await harness.until(FRIDAY_9)
    text = steward_part(harness.take())
    assert "Waiting blocker 00." in text and f"Waiting blocker {WAITING_SHOWN - 1:02d}." in text
    assert f"Waiting blocker {WAITING_SHOWN:02d}." not in text  # the newest two are counted
    assert "and 2 more waiting" in text and "blocker list" in text

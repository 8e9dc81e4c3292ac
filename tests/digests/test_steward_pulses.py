"""The steward digest's pulses: each circle's latest pulse of the week, however many circles
answered one, the circles leaning away from "just right" first; never a learning set's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config.partnership import load_config
from bot.digests.steward_digest import PULSES_SHOWN, steward_context
from bot.practices.pulse.models import PulseAnswer, PulseCheck
from bot.storage.models import Person
from bot.storage.sql import insert_row
from tests.harness import Harness, open_harness

MONDAY = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
FRIDAY = MONDAY + timedelta(days=4)
CIRCLES = PULSES_SHOWN + 3
FACTORS = ("pace", "power", "clarity", "shape")


def config_text() -> str:
    parts = ['[partnership]\nname = "Riverside"\ntimezone = "Europe/London"\n']
    for number in range(CIRCLES):
        room = f'{{ platform = "console", channel = "c{number:02d}" }}'
        parts.append(
            f'[[circles]]\nid = "c{number:02d}"\nname = "Circle {number:02d}"\n'
            f'kind = "partnership"\nrooms = [{room}]\n'
        )
    parts.append(
        '[[circles]]\nid = "set"\nname = "Learning set"\nkind = "learning_set"\n'
        'rooms = [{ platform = "console", channel = "set" }]\n'
    )
    parts.append(
        '[[circles]]\nid = "stewards"\nname = "Stewards"\nkind = "stewards"\n'
        'rooms = [{ platform = "console", channel = "stewards" }]\n'
    )
    return "\n".join(parts)


async def asked(
    harness: Harness, circle_id: str, *, at: datetime, people: int, pace: str = "just_right"
) -> None:
    """A pulse asked of `circle_id` at `at`, closed two days later, answered by `people`."""
    async with harness.bot.sessions.begin() as session:
        pulse_id = await insert_row(
            session,
            PulseCheck,
            {
                "circle_id": circle_id,
                "scheduled_for": at,
                "closes_at": at + timedelta(days=2),
                "threshold": 3,
                "reported": True,
            },
        )
        for person in range(1, people + 1):
            for factor in FACTORS:
                await insert_row(
                    session,
                    PulseAnswer,
                    {
                        "pulse_id": pulse_id,
                        "person_id": person,
                        "factor": factor,
                        "answer": pace if factor == "pace" else "just_right",
                        "answered_at": at,
                    },
                )


async def test_each_circle_shows_its_own_latest_pulse(tmp_path: Path, database_url: str) -> None:
    path = tmp_path / "huddlebot.toml"
    path.write_text(config_text())
    config = load_config(path)
    async with open_harness(config, database_url) as harness:
        async with harness.bot.sessions.begin() as session:
            for person in range(1, 6):
                await insert_row(
                    session,
                    Person,
                    {"id": person, "display_name": f"Person {person}", "created_at": MONDAY},
                )
        for number in range(CIRCLES):
            circle = f"c{number:02d}"
            await asked(harness, circle, at=MONDAY - timedelta(weeks=2), people=5)
            # circle 07 feels rushed this week; every other circle's pace is just right
            pace = "too_much" if number == 7 else "just_right"
            await asked(harness, circle, at=MONDAY + timedelta(hours=number), people=4, pace=pace)
        await asked(harness, "set", at=MONDAY + timedelta(days=1), people=5)
        async with harness.bot.sessions() as session:
            context = await steward_context(
                session,
                config=config,
                start=MONDAY - timedelta(hours=1),
                end=FRIDAY,
                library=harness.bot.library,
                contributors=harness.bot.huddle.contributors,
            )
        text = harness.bot.library.render("steward_digest", context, "markdown")

    shown = context["pulses"]
    names = [p["circle"] for p in shown]
    assert len(shown) == PULSES_SHOWN and len(set(names)) == PULSES_SHOWN
    assert names[0] == "Circle 07"  # leaning away from "just right": first
    assert names[1:] == sorted(names[1:]) and names[1] == "Circle 00"
    assert all(p["people"] == 4 for p in shown)  # this week's pulse, not the one before
    assert context["more_pulses"] == CIRCLES - PULSES_SHOWN
    assert "Learning set" not in names
    assert "Circle 07 (4 answered): Pace mostly too much" in text
    assert f"{CIRCLES - PULSES_SHOWN} more circles answered a pulse" in text

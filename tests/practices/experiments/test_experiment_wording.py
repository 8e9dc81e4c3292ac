"""Experiments as people write them: the README's own example, dates in other forms, the next
cycle's review date, how a new experiment and a decision read, and new leads for an experiment
whose lead was forgotten."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select

from bot.practices.experiments.models import Experiment, ExperimentLead, ExperimentUpdate
from bot.storage.models import Person
from tests.fakes import slack_events as ev
from tests.harness import SUNDAY, Harness
from tests.worlds import SLACK_ALEX, SLACK_CHANNEL, SLACK_CONFIG, slack_world

README = Path(__file__).resolve().parents[3] / "README.md"


async def experiments(harness: Harness) -> list[Experiment]:
    async with harness.bot.sessions() as session:
        return list((await session.exec(select(Experiment).order_by(col(Experiment.id)))).all())


async def test_the_readme_example_runs_as_written(harness: Harness) -> None:
    [example] = re.findall(r"`(experiment new [^`]+)`", README.read_text())[:1]
    assert "@ana @ben" in example
    await harness.say("#core @ana /help")
    await harness.say("@ben /dm help")  # Ben has written to the bot, though not in this room
    harness.take()
    await harness.say(f"#core @ana /{example}")
    created = harness.take()
    assert "Experiment #1: Text reminders" in created and "Led by Ana, Ben" in created
    [experiment] = await experiments(harness)
    assert experiment.review_date > SUNDAY.date()
    # Ben leads it now, and belongs to the circle it runs in
    await harness.say("#core @ben /experiment 1 do we sent the first texts")
    assert "saved under *Do*" in harness.take()


@pytest.mark.parametrize(
    ("written", "answer"),
    [
        ("01/03/2027", "I could not read `01/03/2027` as a date"),
        ("tomorrow", "I could not read `tomorrow` as a date"),
        ("next Friday", "I could not read `next Friday` as a date"),
        ("2027-13-45", "`2027-13-45` is not a date"),
    ],
)
async def test_a_date_in_another_form_is_named_and_nothing_is_saved(
    harness: Harness, written: str, answer: str
) -> None:
    await harness.say(f"#core @ana /experiment new Texts | fewer missed visits | {written}")
    said = harness.take()
    assert answer in said and "YYYY-MM-DD" in said
    assert "could not find" not in said
    assert await experiments(harness) == []


async def test_the_next_cycle_looks_again_four_weeks_on(harness: Harness) -> None:
    await harness.say("#core @ana /experiment new Texts | fewer missed visits | 2026-03-20")
    await harness.say("#core @ana /experiment 1 act adapt keep it but send them earlier")
    await harness.until(SUNDAY + timedelta(days=10))
    await harness.say("#core @ana /experiment 1 next")
    first, second = await experiments(harness)
    assert first.review_date == date(2026, 3, 20)
    assert second.previous_id == first.id
    assert second.review_date == (SUNDAY + timedelta(days=10)).date() + timedelta(weeks=4)
    async with harness.bot.sessions() as session:
        query = select(ExperimentUpdate.text).where(ExperimentUpdate.stage == "act")
        [decided] = (await session.exec(query)).all()
    assert decided == "We adapt it: keep it but send them earlier"


async def test_a_new_experiment_reads_as_started_in_the_digest(harness: Harness) -> None:
    await harness.say("#core @ana /experiment new Texts | fewer missed visits")
    await harness.until(SUNDAY + timedelta(minutes=5))
    harness.take()
    await harness.say("#core @sam /digest")
    posted = harness.take()
    assert "Texts" in posted and "started" in posted and "moved to Plan" not in posted


async def test_stewards_hand_on_an_experiment_whose_lead_was_forgotten(harness: Harness) -> None:
    await harness.say("#core @ben /help")
    await harness.say("#core @ana /experiment new Texts | fewer missed visits")
    await harness.say("#core @ana /forget")
    await harness.say("#core @ana /forget confirm")
    harness.take()
    await harness.say("#core @ben /experiment 1")
    assert "Led by someone" in harness.take()

    await harness.say("#core @ben /experiment 1 lead")
    assert "Who should lead it?" in harness.take()
    await harness.say("#stewards @sam /experiment 1 lead @ben @nobody")
    assert "I could not find @nobody" in harness.take()
    await harness.say("#stewards @sam /experiment 1 lead @ben")
    assert "is now led by Ben" in harness.take()
    await harness.say("#core @ben /experiment 1 do we sent the first texts")
    assert "saved under *Do*" in harness.take()
    async with harness.bot.sessions() as session:
        leads = (await session.exec(select(ExperimentLead.person_id))).all()
        [ben] = (await session.exec(select(Person.id).where(Person.display_name == "Ben"))).all()
    assert leads == [ben]


async def test_someone_neither_lead_nor_steward_cannot_hand_it_on(
    tmp_path: Path, database_url: str
) -> None:
    rooms = f'rooms = [{{ platform = "slack", channel = "{SLACK_CHANNEL}" }}]'
    both = f'rooms = [{{ platform = "slack", channel = "{SLACK_CHANNEL}" }}, ' + (
        '{ platform = "console", channel = "core" }]'
    )
    config = SLACK_CONFIG.replace(rooms, both, 1)
    people = {SLACK_ALEX: ("Alex Morgan", "alex")}
    async with slack_world(config, database_url, tmp_path, people=people) as world:
        await world.harness.say("#core @ana /experiment new Texts | fewer missed visits")
        hand_on = ev.slash_command(
            text="experiment 1 lead @alex",
            user_id=SLACK_ALEX,
            channel_id=SLACK_CHANNEL,
            trigger_id="t-lead",
        )
        assert await world.form(hand_on) == 200
        [answer] = world.slack.calls("chat.postEphemeral")
        assert "Only its leads (Ana) update it" in str(answer.params)
        async with world.harness.bot.sessions() as session:
            [lead] = (await session.exec(select(ExperimentLead.person_id))).all()
            ana = (await session.exec(select(Person.id).where(Person.display_name == "Ana"))).one()
        assert lead == ana

"""The huddle digest people read: every section with the right content, a kind quiet week, what
is working shown first when blockers pile up, and `huddlebot digest show` for past digests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, func, select

from bot.cli.main import COMMANDS, parser
from bot.config.partnership import Config, load_config
from bot.digests.huddle_digest import digest_context
from bot.storage.models import Digest, Entry
from bot.storage.sql import insert_row
from tests.harness import Harness, open_harness

MONDAY_10 = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
TUESDAY_10 = MONDAY_10 + timedelta(days=1)
THURSDAY_17 = datetime(2026, 3, 12, 17, 0, tzinfo=UTC)
NEXT_THURSDAY_17 = THURSDAY_17 + timedelta(weeks=1)

CONFIG = """
[partnership]
name = "Riverside Partnership"
timezone = "Europe/London"
quiet_weeks = 2
steward_digest = { cron = "0 8 * * FRI" }

[[circles]]
id = "core"
name = "Core partnership"
kind = "partnership"
rooms = [{ platform = "console", channel = "core" }]

[circles.digest]
cron = "0 16 * * THU"

[[circles]]
id = "north"
name = "North locality"
kind = "partnership"
rooms = [{ platform = "console", channel = "north" }]

[[circles]]
id = "set-a"
name = "Learning set A"
kind = "learning_set"
rooms = [{ platform = "console", channel = "set-a" }]

[[circles]]
id = "stewards"
name = "Stewards"
kind = "stewards"
rooms = [{ platform = "console", channel = "stewards" }]
"""

CARERS = [
    "Young carers open up more when the session starts with food.",
    "Cooking together on Fridays got the young carers talking.",
    "Food first, forms later: young carers relax over a shared meal.",
    "Young carers said the pizza night was the best session this year.",
]
HOUSING = [
    "The housing waiting list is the first thing every family asks us about.",
    "Families on the housing waiting list need someone to call them each month.",
    "Nobody explains the housing waiting list in plain words, so we made a leaflet.",
    "The housing waiting list moves faster when the council knows the family's story.",
]


@pytest.fixture
def config(tmp_path: Path) -> Config:
    path = tmp_path / "huddlebot.toml"
    path.write_text(CONFIG)
    return load_config(path)


@pytest.fixture
async def harness(config: Config, database_url: str) -> AsyncIterator[Harness]:
    async with open_harness(config, database_url) as h:
        yield h


async def last_id(harness: Harness, kind: str) -> int:
    async with harness.bot.sessions() as session:
        query = select(func.max(Entry.id)).where(Entry.kind == kind)
        return int((await session.exec(query)).one() or 0)


async def entry_for(
    harness: Harness, *, text: str, at: datetime, kind: str = "blocker", visibility: str = "circle"
) -> int:
    async with harness.bot.sessions.begin() as session:
        return await insert_row(
            session,
            Entry,
            {
                "circle_id": "core",
                "person_id": None,
                "kind": kind,
                "text": text,
                "visibility": visibility,
                "anonymous": False,
                "platform": "console",
                "source_ref": f"seed:{text[:20]}",
                "created_at": at,
            },
        )


async def seed_blocker(
    harness: Harness, *, text: str, raised: datetime, visibility: str = "circle", **more: Any
) -> None:
    """A blocker as the blockers feature records it (raised earlier, taken, resolved...)."""
    from bot.practices.blockers.models import Blocker

    entry_id = await entry_for(harness, text=text, at=raised, visibility=visibility)
    values = {
        "entry_id": entry_id,
        "circle_id": "core",
        "kind": "",
        "status": "open",
        "note": "",
        "raised_by": None,
        "taken_by": None,
        "raised_at": raised,
        "changed_at": raised,
        "closed_at": None,
        "flagged_at": None,
        "reported_at": None,
        **more,
    }
    async with harness.bot.sessions.begin() as session:
        await insert_row(session, Blocker, values)


async def seed_experiment(harness: Harness) -> None:
    """An experiment that moved from Do to Study this week, its result beside its prediction."""
    from bot.practices.experiments.models import Experiment, ExperimentUpdate

    async with harness.bot.sessions.begin() as session:
        experiment = await insert_row(
            session,
            Experiment,
            {
                "circle_id": "core",
                "title": "Evening drop-in",
                "prediction": "Twice as many working parents will come.",
                "stage": "study",
                "result": "Three times as many came, mostly fathers.",
                "decision": "",
                "review_date": date(2026, 4, 1),
                "previous_id": None,
                "created_by": None,
                "created_at": MONDAY_10 - timedelta(weeks=2),
                "updated_at": TUESDAY_10,
                "nudged_at": None,
            },
        )
        for stage, text, at in (
            ("do", "We opened on Tuesday evenings.", MONDAY_10),
            ("study", "Three times as many came, mostly fathers.", TUESDAY_10),
        ):
            await insert_row(
                session,
                ExperimentUpdate,
                {
                    "experiment_id": experiment,
                    "stage": stage,
                    "text": text,
                    "person_id": None,
                    "entry_id": None,
                    "created_at": at,
                },
            )


async def a_full_week(harness: Harness) -> None:
    await harness.until(MONDAY_10)
    for number, text in enumerate(CARERS + HOUSING):
        await harness.say(f"@p{number} /learned {text}")
    await harness.say("@ana /celebrate The library gave us a free room every Tuesday!")
    await harness.say("@ben /question How do we hear from families who never come in?")
    await harness.say("@ben /blocker We still cannot see each other's case notes.")
    await harness.say("@cleo /story A man who slept rough for years now has a flat of his own.")
    story = await last_id(harness, "story")
    await harness.say(f"@cleo /press story_share {story}:circle")
    await harness.say("@dev /story Dev's private story about a family in crisis.")
    story = await last_id(harness, "story")
    await harness.say(f"@dev /press story_share {story}:private")
    await harness.say("@eve /story A mum who found work through the job club.")
    story = await last_id(harness, "story")
    await harness.say(f"@eve /press story_share {story}:stewards")
    await harness.say("#set-a @fay /learned Set A's confidential talk about a colleague.")
    await seed_blocker(
        harness,
        text="Funding for evening outreach ends in May.",
        raised=MONDAY_10 - timedelta(days=15),
    )
    await seed_blocker(
        harness,
        text="No room for the Thursday group.",
        raised=MONDAY_10 - timedelta(days=7),
        status="resolved",
        note="The library lends us its community room.",
        closed_at=TUESDAY_10,
        reported_at=TUESDAY_10,
    )
    await seed_experiment(harness)
    harness.take()


def digest_of(printed: str) -> str:
    start = printed.index("Huddle digest for Core partnership")
    return printed[start:]


async def test_a_week_shows_every_section_with_the_right_content(harness: Harness) -> None:
    await a_full_week(harness)
    await harness.until(THURSDAY_17)
    text = digest_of(harness.take())
    for heading in (
        "What we learned",
        "What is getting in the way",
        "What we are celebrating",
        "Stories of change",
        "How our experiments are going",
        "Questions for our next huddle",
    ):
        assert heading in text
    assert all(learning in text for learning in CARERS + HOUSING)
    # blockers: new, still open with its age, and what happened to the one resolved
    assert "case notes" in text
    assert "Funding for evening outreach ends in May." in text and "18 days ago" in text
    assert "The library lends us its community room." in text
    # stories: the one shared with the circle, without a name; never the private or stewards' one
    assert "slept rough for years" in text and "shared anonymously" in text
    assert "cleo" not in text.lower()
    assert "private story" not in text and "job club" not in text
    # experiments: the stages this week, and the result beside the prediction
    assert "Evening drop-in" in text and "Do → Study" in text
    assert "We predicted: Twice as many working parents will come." in text
    assert "What happened: Three times as many came, mostly fathers." in text
    assert "library gave us a free room" in text and "never come in" in text
    # participation in numbers only; another circle's words never appear
    assert "people shared" in text
    assert "Set A's confidential" not in text


async def test_a_blocker_shared_with_the_stewards_alone_stays_out_of_the_circles_digest(
    harness: Harness, config: Config
) -> None:
    hidden = {
        "new": "The head of service blocks our data sharing.",
        "open": "Our manager will not release staff for the huddle.",
        "closed": "A funder pulled out after a row with the chair.",
    }
    await seed_blocker(harness, text="The hall is double booked.", raised=TUESDAY_10)
    await seed_blocker(harness, text=hidden["new"], raised=TUESDAY_10, visibility="stewards")
    await seed_blocker(
        harness, text=hidden["open"], raised=MONDAY_10 - timedelta(days=20), visibility="stewards"
    )
    await seed_blocker(
        harness,
        text=hidden["closed"],
        raised=MONDAY_10 - timedelta(days=20),
        visibility="stewards",
        kind="funding",
        status="resolved",
        note="Another funder stepped in.",
        closed_at=TUESDAY_10,
    )
    await seed_blocker(
        harness, text="Kept to myself for now.", raised=TUESDAY_10, visibility="private"
    )
    async with harness.bot.sessions() as session:
        context = await digest_context(
            session,
            circle=config.circle("core"),
            start=MONDAY_10,
            end=THURSDAY_17,
            library=harness.bot.library,
            contributors=harness.bot.huddle.contributors,
        )
    (section,) = [s for s in context["sections"] if s["kind"] == "blocker"]
    shown = [b["text"] for part in ("new", "open", "closed") for b in section[part]]
    assert shown == ["The hall is double booked."]

    await harness.until(THURSDAY_17)
    text = digest_of(harness.take())
    assert "The hall is double booked." in text
    assert not any(words in text for words in hidden.values())
    assert "Kept to myself" not in text


async def test_learnings_are_grouped_into_themes(harness: Harness, config: Config) -> None:
    await a_full_week(harness)
    async with harness.bot.sessions() as session:
        context = await digest_context(
            session,
            circle=config.circle("core"),
            start=MONDAY_10 - timedelta(hours=1),
            end=THURSDAY_17,
            library=harness.bot.library,
            contributors=harness.bot.huddle.contributors,
        )
    learned = context["sections"][0]
    assert learned["kind"] == "learning" and learned["count"] == 8
    groups = [{e["text"] for e in theme["entries"]} for theme in learned["themes"]]
    assert set(CARERS) in groups and set(HOUSING) in groups
    assert all(theme["label"] for theme in learned["themes"])


async def test_a_quiet_week_gets_a_short_kind_message(harness: Harness) -> None:
    await harness.until(THURSDAY_17)
    text = digest_of(harness.take())
    assert "Nothing new was shared this time, and that is fine." in text
    assert "people shared" not in text and "What we learned" not in text


async def test_when_blockers_pile_up_what_is_working_comes_first(harness: Harness) -> None:
    await harness.until(MONDAY_10)
    await harness.say("@ana /celebrate Forty people came to the joint training day.")
    for number in range(7):
        await harness.say(f"@p{number} /blocker Blocker number {number} is in our way.")
    await harness.until(THURSDAY_17)
    text = digest_of(harness.take())
    assert "here is what is working" in text
    assert text.index("Forty people came") < text.index("What is getting in the way")
    assert "Blocker number 0" in text and "Blocker number 2" in text
    assert "Blocker number 6" not in text and "and 4 more" in text


async def test_the_next_digest_starts_where_the_last_ended(harness: Harness) -> None:
    await harness.until(MONDAY_10)
    await harness.say("@ana /learned First week's learning about transport.")
    await harness.until(THURSDAY_17)
    harness.take()
    await harness.say("@ana /learned Second week's learning about food banks.")
    await harness.until(NEXT_THURSDAY_17)
    text = digest_of(harness.take())
    assert "food banks" in text and "transport" not in text


async def test_digest_show_prints_archived_digests(
    harness: Harness,
    config: Config,
    database_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await a_full_week(harness)
    await harness.until(THURSDAY_17)
    async with harness.bot.sessions() as session:
        digest = (await session.exec(select(Digest).order_by(col(Digest.id)))).first()
    assert digest is not None and digest.kind == "huddle"
    monkeypatch.setenv("DATABASE_URL", database_url)

    async def show(*more: str) -> int:
        argv = ["--config", str(config.source), "digest", "show", *more]
        return await COMMANDS["digest"](parser().parse_args(argv))

    assert await show() == 0
    listing = capsys.readouterr().out
    assert f"{digest.id:>5}  huddle   core" in listing
    assert await show("--latest", "--circle", "core") == 0
    shown = capsys.readouterr().out
    assert "Huddle digest for Core partnership" in shown and "young carers" in shown
    assert await show("--id", str(digest.id)) == 0
    assert "Evening drop-in" in capsys.readouterr().out
    assert await show("--id", "999") == 1
    assert "No archived digest number 999" in capsys.readouterr().out


async def test_a_simulated_month_shows_every_section() -> None:
    """`huddlebot demo --weeks 4`: the digests of a month, through the whole bot."""
    import io

    from bot.cli.demo import run_demo

    out = io.StringIO()
    assert await run_demo(output=out, weeks=4) == 0
    text = out.getvalue()
    assert text.count("Huddle digest for Core partnership") == 4
    assert text.count("Steward learning digest") == 4
    for shown in (
        # the huddle digest
        "What we learned",
        "young carers",
        "*New*",
        "*Still open*",
        "*Moved on since last time*",
        "The charities agreed to share case summaries from April.",
        "What we are celebrating",
        "shared anonymously",
        "Plan → Do",
        "We predicted: Twice as many working parents will come",
        "What happened: Three times as many came, mostly fathers.",
        "We decided to adopt",
        "Questions for our next huddle",
        "people shared",
        # the steward digest
        "Themes across the circles",
        "Blockers waiting for a steward",
        "Blockers resolved this week",
        "Reported back to Core partnership.",
        "Experiments past their review date",
        "Circles that have gone quiet",
        "North locality: nothing shared for 2 weeks or more",
        "Stories shared with stewards",
        "Questions rising from practice",
    ):
        assert shown in text, shown
    # each week says something new: every celebration is in one digest only
    from bot.cli.demo import WEEKS

    celebrations = [line for week in WEEKS for _, _, line in week["celebrate"]]
    assert len(set(celebrations)) == 8
    assert all(text.count(line) == 1 for line in celebrations)
    # and the stewards' first digest comes after a week with something in it
    assert "A quiet week across the circles" not in text


async def test_a_pulse_check_shows_in_aggregate_only(harness: Harness) -> None:
    from bot.practices.pulse.models import PulseAnswer, PulseCheck
    from bot.storage.models import Person

    await harness.until(MONDAY_10)
    async with harness.bot.sessions.begin() as session:
        pulse = await insert_row(
            session,
            PulseCheck,
            {
                "circle_id": "core",
                "scheduled_for": MONDAY_10,
                "closes_at": MONDAY_10 + timedelta(days=2),
                "threshold": 3,
                "reported": True,
            },
        )
        for number in range(3):
            person = await insert_row(
                session, Person, {"display_name": f"Pulse {number}", "created_at": MONDAY_10}
            )
            answers = [("pace", "too_much")] + ([("power", "just_right")] if number else [])
            for factor, answer in answers:
                await insert_row(
                    session,
                    PulseAnswer,
                    {
                        "pulse_id": pulse,
                        "person_id": person,
                        "factor": factor,
                        "answer": answer,
                        "answered_at": MONDAY_10,
                    },
                )
    await harness.say("@ana /learned Something to learn from.")
    await harness.until(THURSDAY_17)
    text = digest_of(harness.take())
    assert "How the work feels" in text and "Pace: mostly too much" in text
    assert "Power" not in text  # two answers are fewer than the threshold of three
    assert "Pulse 0" not in text
    await harness.until(THURSDAY_17 + timedelta(hours=16))  # the stewards' Friday digest
    stewards = harness.take()
    assert "Core partnership (3 answered): Pace mostly too much" in stewards


async def test_a_week_of_only_blockers_is_still_kind(harness: Harness) -> None:
    await harness.until(MONDAY_10)
    for number in range(4):
        await harness.say(f"@p{number} /blocker Blocker number {number} is in our way.")
    await harness.until(THURSDAY_17)
    text = digest_of(harness.take())
    assert "Bring one thing that went well to the huddle" in text
    assert "here is what is working" not in text
    assert "and 1 more" in text


async def test_a_blocker_raised_and_closed_in_one_period_is_listed_once(harness: Harness) -> None:
    await harness.until(MONDAY_10)
    await harness.say("@ana /blocker The minibus insurance lapsed.")
    await harness.say("#stewards @cleo /blocker park 1 Out of our hands until the review")
    await harness.until(THURSDAY_17)
    text = digest_of(harness.take())
    assert text.count("The minibus insurance lapsed.") == 1
    assert "*New*" not in text
    moved = text[text.index("*Moved on since last time*") :]
    assert (
        "- `#1` The minibus insurance lapsed. (parked): Out of our hands until the review" in moved
    )


async def test_asking_again_with_nothing_new_posts_nothing(harness: Harness) -> None:
    await harness.until(MONDAY_10)
    await harness.say("@ana /learned Evening sessions suit working parents.")
    await harness.say("@ben /blocker The minibus insurance lapsed.")
    await harness.until(MONDAY_10 + timedelta(minutes=5))
    await harness.say("/digest")
    first = harness.take()
    assert "Huddle digest for Core partnership" in first and "1 entry" not in first
    assert "2 people shared 2 entries" in first
    await harness.until(MONDAY_10 + timedelta(minutes=7))
    await harness.say("/digest")
    again = harness.take()
    assert "Huddle digest" not in again  # the blocker still open is no news
    assert "Nothing new has been shared since the last digest" in again
    await harness.say("@cleo /celebrate The library lent us its hall.")
    await harness.until(MONDAY_10 + timedelta(minutes=9))
    await harness.say("/digest")
    third = digest_of(harness.take())
    assert "The library lent us its hall." in third and "1 person shared 1 entry." in third
    assert "Evening sessions" not in third and "*Still open*" in third

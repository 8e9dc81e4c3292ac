"""`huddlebot demo`: a sample partnership lives a few weeks on a fast simulated clock.

Everything goes through the real core, store, outbox and console adapter; only the clock is
simulated, the partnership is `examples/demo.toml` as it stands, and the members' lines come
from a small script that says something different each week. Over a month (`--weeks 4`) each
huddle digest shows every section (learning in themes, blockers new, still open and resolved,
celebrations, an anonymous story, an experiment moving through its stages, questions), and each
Friday, after the huddle digest, the stewards get their learning digest, which notices when a
circle has gone quiet.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

from apscheduler.triggers.date import DateTrigger
from sqlalchemy import func
from sqlmodel import col, select

from adapters.console import ConsoleAdapter, needed_console_rooms
from bot.app import Bot, assembled
from bot.config.environment import Settings
from bot.config.partnership import load_config
from bot.core.clock import ManualClock
from bot.package_data import example
from bot.rituals.scheduler import JobSpec, SimulatedScheduler
from bot.storage.models import Entry

DEMO_CONFIG = example("demo.toml")
START = datetime(2026, 3, 15, 18, 0, tzinfo=UTC)  # a Sunday; the clocks change on the 29th
MONDAY = START + timedelta(hours=6)  # Monday 00:00 UTC

# Each week's replies to each prompt: (hours after the prompt, speaker, what they say); `/...`
# lines are commands. The weeks differ, so each digest tells something new; past the last one
# the weeks come round again.
WEEKS: list[dict[str, list[tuple[float, str, str]]]] = [
    {
        "learned": [
            (
                1,
                "ana",
                "Families told us the new drop-in hours suit them far better than mornings.",
            ),
            (
                2.5,
                "ben",
                "Sharing one referral form across three charities halved the back-and-forth.",
            ),
            (5, "chloe", "People trust a volunteer with lived experience more than a leaflet."),
            (
                26,
                "dev",
                "The council housing team answers faster when we phone than when we email.",
            ),
        ],
        "blocking": [
            (
                1.5,
                "ben",
                "We still cannot see each other's case notes, so people repeat their story.",
            ),
            (
                3,
                "ellie",
                "Funding for the evening outreach ends in May and nobody owns the decision.",
            ),
            (7, "ana", "/celebrate The library gave us a free room every Tuesday!"),
        ],
        "celebrate": [
            (
                0.5,
                "chloe",
                "Three people we met on the street moved into their own flats this month.",
            ),
            (2, "dev", "Our first joint training day: forty people from eleven organisations."),
        ],
    },
    {
        "learned": [
            (
                1,
                "ana",
                "Parents come to the evening session straight from work, so we keep it short.",
            ),
            (3, "ben", "A named contact at the job centre saves people a second trip."),
            (6, "chloe", "Peer mentors notice when someone is struggling long before staff do."),
            (27, "dev", "A text the day before doubled how many people kept their appointment."),
        ],
        "blocking": [(6, "ana", "/celebrate The school lent us its hall for the holiday club.")],
        "celebrate": [
            (1, "chloe", "The food bank and the debt advice team now share a room on Wednesdays."),
            (3, "dev", "Twelve young carers went on the summer trip, and all want to go again."),
        ],
    },
    {
        "learned": [
            (2, "ana", "Families want one phone number to call, not five."),
            (4, "ben", "When we first ask what matters to people, the plan they make sticks."),
            (5, "chloe", "Volunteers stay longer when they get to know each other too."),
            (25, "dev", "The surgery will refer people to us if our form fits on one page."),
        ],
        "blocking": [(5, "ana", "/celebrate Two new volunteers signed up after the open evening.")],
        "celebrate": [
            (0.5, "chloe", "Our first peer mentor finished her training and starts next week."),
            (2.5, "dev", "The council will keep the community bus running for another year."),
        ],
    },
    {
        "learned": [
            (1, "ana", "People say more in the library than in the council offices."),
            (
                2,
                "ben",
                "Training together built more trust between the charities than any agreement.",
            ),
            (7, "chloe", "We hear more at the school gate than we ever did from a survey."),
            (28, "dev", "A small grant paid quickly matters more than a large one paid late."),
        ],
        "blocking": [
            (4, "ana", "/celebrate The bakery now gives us its bread at the end of each day.")
        ],
        "celebrate": [
            (1, "chloe", "A family we have known for two years now has a home with a garden."),
            (2, "dev", "Sixty people came to the open day, many of them for the first time."),
        ],
    },
]
# More learnings, a few each week, so the digest has themes to find
THEMED: list[list[tuple[str, str]]] = [
    [
        ("ellie", "Young carers open up more when the session starts with food."),
        ("ana", "Cooking together on Fridays got the young carers talking."),
        ("ben", "The housing waiting list is the first thing every family asks us about."),
        ("dev", "Families on the housing waiting list need someone to call them each month."),
    ],
    [
        ("chloe", "Food first, forms later: young carers relax over a shared meal."),
        ("ellie", "Nobody explains the housing waiting list in plain words, so we made a leaflet."),
        ("ben", "Young carers said the pizza night was the best session this year."),
        ("ana", "The housing waiting list moves faster when the council knows the family."),
    ],
    [
        ("ellie", "Young carers asked for a quiet corner to do homework after the session."),
        ("ben", "Private landlords answer faster when one person speaks for the partnership."),
        ("ana", "Young carers trust one youth worker they see every week more than a rota."),
        ("dev", "Private landlords will take a tenant on benefits when someone vouches for them."),
    ],
    [
        ("chloe", "Young carers are proud of what they do and want it said out loud."),
        ("ellie", "Private landlords worry about rent arrears more than anything else."),
        ("ben", "Parents of young carers want to know the sessions are safe before saying yes."),
        ("ana", "A deposit paid by the partnership opened three private tenancies this month."),
    ],
]
QUESTIONS = [
    ("ben", "/question How do we hear from families who never come in?"),
    ("chloe", "/question What would it take for the council to share its waiting list data?"),
    ("dev", "/question How could families help decide what we try next?"),
    ("ellie", "/question Who else should be in the room when we talk about housing?"),
]
STORIES = [
    (
        "ellie",
        "/story A man who had slept rough for years came to the drop-in for soup. Six weeks "
        "later he asked us to help him fill in his housing form, and he is now in a flat of his "
        "own.",
    ),
    (
        "chloe",
        "/story A mum who came to the job club for the free coffee now runs its Tuesday session "
        "and has helped four others into work.",
    ),
    (
        "ana",
        "/story A grandad who looks after his two grandchildren came to the coffee morning. He "
        "now helps run it, and says it is the first time in years he has felt useful.",
    ),
    (
        "dev",
        "/story A young woman leaving care was about to lose her flat. One phone call between "
        "the housing officer and her key worker, and she kept it.",
    ),
]
NORTH_LINES = [
    "#north @gus /learned Tenants here worry most about the housing waiting list.",
    "#north @gus /question Who decides how the housing waiting list is ordered?",
]
Line = Callable[[Bot], Awaitable[str | None]]


MOST_WEEKS = 52


async def run_demo(*, output: IO[str], weeks: int = 2) -> int:
    logging.getLogger().setLevel(logging.WARNING)
    config = load_config(DEMO_CONFIG)
    clock = ManualClock(START)
    scheduler = SimulatedScheduler(clock)
    with tempfile.TemporaryDirectory(prefix="huddlebot-demo-") as data:
        settings = Settings.from_env({}, cwd=Path(data))
        settings = replace(settings, database_url=f"sqlite:///{data}/demo.db")
        console = ConsoleAdapter(
            rooms=needed_console_rooms(config),
            clock=clock,
            output=output,
            run_id="demo",
            show_private=False,
        )
        async with (
            assembled(
                config, settings, adapters=[console], clock=clock, scheduler=scheduler
            ) as bot,
            console.connect(bot.core.handle),
        ):
            console.settle = bot.dispatcher.drain
            output.write(
                f"huddlebot demo: {config.partnership.name}, {weeks} week(s) from "
                f"{START:%d %B %Y} on a simulated clock.\n\n"
            )
            await bot.huddle.start()
            _script(scheduler, console, weeks, bot)
            await scheduler.run_until(
                START + timedelta(weeks=weeks), after_each=bot.dispatcher.drain
            )
    return 0


def _script(scheduler: SimulatedScheduler, console: ConsoleAdapter, weeks: int, bot: Bot) -> None:
    """Members reply a while after each prompt, each line said as typed in the console."""
    day_of = {"learned": 0, "blocking": 2, "celebrate": 3}
    hour_of = {"learned": 9.0, "blocking": 9.0, "celebrate": 12.5}
    count = 0

    def at(when: datetime, line: str | Line) -> None:
        nonlocal count
        count += 1
        scheduler.add(_say(count, when, console, bot, line))

    for week in range(weeks):
        monday = MONDAY + timedelta(weeks=week)
        for prompt, lines in WEEKS[week % len(WEEKS)].items():
            if week >= len(WEEKS) and prompt == "blocking":
                lines = [line for line in lines if line[2].startswith("/")]  # raised once only
            asked = monday + timedelta(days=day_of[prompt], hours=hour_of[prompt])
            for delay, speaker, text in lines:
                at(asked + timedelta(hours=delay, minutes=week * 7), f"#core @{speaker} {text}")
        for number, (speaker, text) in enumerate(THEMED[week % len(THEMED)]):
            at(monday + timedelta(hours=11 + number), f"#core @{speaker} /learned {text}")
        speaker, question = QUESTIONS[week % len(QUESTIONS)]
        at(monday + timedelta(days=3, hours=10), f"#core @{speaker} {question}")
        story_at = monday + timedelta(days=1, hours=14)
        teller, story = STORIES[week % len(STORIES)]
        at(story_at, f"#core @{teller} {story}")
        at(story_at + timedelta(minutes=5), _share_story(teller))
        if week == 0:
            for line in NORTH_LINES:  # North speaks once, then goes quiet
                at(monday + timedelta(days=1, hours=10), line)
        _practice(week, monday, at)


def _practice(week: int, monday: datetime, at: Callable[[datetime, str | Line], None]) -> None:
    """The month's experiment and the stewards' work on blockers, week by week."""
    review = (monday + timedelta(days=15)).date().isoformat()
    wednesday = monday + timedelta(days=2)
    if week == 0:
        at(
            monday + timedelta(days=1, hours=10),
            f"#core @ana /experiment new Evening drop-in | Twice as many working parents will "
            f"come | {review}",
        )
        at(
            monday + timedelta(days=1, hours=11),
            "#core @ana /experiment 1 do We opened on Tuesday evenings from six.",
        )
        at(
            wednesday + timedelta(hours=12),
            _blocker("ben", "case notes", "/press blocker_kind", ":information"),
        )
        at(
            wednesday + timedelta(hours=13),
            _blocker("ellie", "evening outreach", "/press blocker_kind", ":funding"),
        )
    elif week == 1:
        at(monday + timedelta(hours=15), _blocker("sam", "case notes", "/blocker take", ""))
        at(
            wednesday + timedelta(hours=15),
            _blocker(
                "sam",
                "case notes",
                "/blocker resolve",
                " The charities agreed to share case summaries from April.",
            ),
        )
        at(
            monday + timedelta(days=3, hours=15),
            "#core @ana /experiment 1 study Three times as many came, mostly fathers.",
        )
    elif week == 2:
        at(wednesday + timedelta(hours=16), "#core @dev /blocker The minibus insurance lapsed.")
        at(
            wednesday + timedelta(hours=18),
            _blocker("sam", "minibus", "/blocker park", " We are waiting for the new budget."),
        )
    elif week == 3:
        at(
            monday + timedelta(days=1, hours=10),
            "#core @ana /experiment 1 act adopt Tuesday evenings stay open for good.",
        )


def _blocker(speaker: str, about: str, verb: str, rest: str) -> Line:
    """`speaker` says `verb <id of the blocker about 'about'>rest`, in their own room."""

    async def line(bot: Bot) -> str | None:
        from bot.practices.blockers.models import Blocker

        async with bot.sessions() as session:
            query = (
                select(Blocker.entry_id)
                .join(Entry, col(Entry.id) == col(Blocker.entry_id))
                .where(col(Entry.text).contains(about))
                .order_by(col(Blocker.id))
            )
            number = (await session.exec(query)).first()
        if number is None:
            return None
        if verb.startswith("/blocker"):
            return f"#stewards @{speaker} {verb} {number}{rest}"
        return f"#core @{speaker} {verb} #{number}{rest}"

    return line


def _share_story(teller: str) -> Line:
    """The teller presses the button that shares their story with the circle, unnamed."""

    async def line(bot: Bot) -> str:
        async with bot.sessions() as session:
            query = select(func.max(Entry.id)).where(Entry.kind == "story")
            story_id = (await session.exec(query)).one()
        return f"#core @{teller} /press story_share {story_id}:circle"

    return line


def _say(
    number: int, when: datetime, console: ConsoleAdapter, bot: Bot, line: str | Line
) -> JobSpec:
    async def job() -> None:
        said = line if isinstance(line, str) else await line(bot)
        if said:
            await console.say(said)

    return JobSpec(f"demo-line:{number}", DateTrigger(when), job)

"""`huddlebot demo`: a sample partnership lives a few weeks on a fast simulated clock.

Everything goes through the real core, store, outbox and console adapter; only the clock is
simulated, and the members' replies come from a small script.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

from apscheduler.triggers.date import DateTrigger
from sqlalchemy import func
from sqlmodel import select

from adapters.console import ConsoleAdapter, ConsoleRoom
from bot.app import Bot, assembled
from bot.clock import ManualClock
from bot.config import load_config
from bot.models import Entry
from bot.scheduling import JobSpec, SimulatedScheduler
from bot.settings import Settings

DEMO_CONFIG = Path(__file__).resolve().parent.parent / "examples" / "demo.toml"
START = datetime(2026, 3, 15, 18, 0, tzinfo=UTC)  # a Sunday; the clocks change on the 29th

# (prompt id, hours after the prompt, speaker, what they say); `/...` lines are commands
REPLIES: dict[str, list[tuple[float, str, str]]] = {
    "learned": [
        (1, "ana", "Families told us the new drop-in hours suit them far better than mornings."),
        (2.5, "ben", "Sharing one referral form across three charities halved the back-and-forth."),
        (5, "chloe", "People trust a volunteer with lived experience more than a leaflet."),
        (26, "dev", "The council housing team answers faster when we phone than when we email."),
    ],
    "blocking": [
        (1.5, "ben", "We still cannot see each other's case notes, so people repeat their story."),
        (3, "ellie", "Funding for the evening outreach ends in May and nobody owns the decision."),
        (7, "ana", "/celebrate The library gave us a free room every Tuesday!"),
    ],
    "celebrate": [
        (0.5, "chloe", "Three people we met on the street moved into their own flats this month."),
        (2, "dev", "Our first joint training day: forty people from eleven organisations."),
    ],
}
STORY = (
    "ellie",
    "/story A man who had slept rough for years came to the drop-in for soup. Six weeks later "
    "he asked us to help him fill in his housing form, and he is now in a flat of his own.",
)


async def run_demo(*, output: IO[str], weeks: int = 2) -> int:
    logging.getLogger().setLevel(logging.WARNING)
    config = load_config(DEMO_CONFIG)
    clock = ManualClock(START)
    scheduler = SimulatedScheduler(clock)
    with tempfile.TemporaryDirectory(prefix="huddlebot-demo-") as data:
        settings = Settings.from_env({}, cwd=Path(data))
        settings = replace(settings, database_url=f"sqlite+aiosqlite:///{data}/demo.db")
        console = ConsoleAdapter(
            rooms=[ConsoleRoom("core", "core"), ConsoleRoom("stewards", "stewards")],
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
    monday = START + timedelta(hours=6)  # Monday 00:00 UTC
    count = 0
    for week in range(weeks):
        for prompt, lines in REPLIES.items():
            asked = monday + timedelta(weeks=week, days=day_of[prompt], hours=hour_of[prompt])
            for delay, speaker, text in lines:
                count += 1
                when = asked + timedelta(hours=delay, minutes=week * 7)
                scheduler.add(_say(count, when, console, f"@{speaker} {text}"))
        story_at = monday + timedelta(weeks=week, days=1, hours=14)
        count += 1
        scheduler.add(_say(count, story_at, console, f"@{STORY[0]} {STORY[1]}"))
        count += 1
        scheduler.add(_share_story(count, story_at + timedelta(minutes=5), console, bot))


def _share_story(number: int, when: datetime, console: ConsoleAdapter, bot: Bot) -> JobSpec:
    """The teller presses the button that shares their story with the circle, unnamed."""

    async def job() -> None:
        async with bot.sessions() as session:
            query = select(func.max(Entry.id)).where(Entry.kind == "story")
            story_id = (await session.exec(query)).one()
        await console.say(f"@{STORY[0]} /press story_share {story_id}:circle")

    return JobSpec(f"demo-line:{number}", DateTrigger(when), job)


def _say(number: int, when: datetime, console: ConsoleAdapter, line: str) -> JobSpec:
    async def job() -> None:
        await console.say(line)

    return JobSpec(f"demo-line:{number}", DateTrigger(when), job)

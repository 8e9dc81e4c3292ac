"""A digest for a circle and period reaches each room exactly once: when its job fires twice, when
two posts race, and when the bot dies half-way through posting a digest of several parts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import col, func, select
from starlette.routing import BaseRoute

from adapters.registry import PLATFORM_SPECS
from bot.config.partnership import Config, load_config
from bot.core.messages import Delivery
from bot.core.ports import EventSink, Limits, PlatformSpec, RoomFormat, TextFormat
from bot.storage.models import Digest, Entry, OutboxMessage, Person
from bot.storage.sql import insert_row
from tests.harness import Harness, open_harness

MONDAY_10 = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
THURSDAY_16 = datetime(2026, 3, 12, 16, 0, tzinfo=UTC)  # the digest's own time (GMT)
FRIDAY_9 = datetime(2026, 3, 13, 9, 0, tzinfo=UTC)

CONFIG = """
[partnership]
name = "Riverside"
timezone = "Europe/London"
steward_digest = { cron = "0 8 * * FRI" }

[[circles]]
id = "core"
name = "Core"
kind = "partnership"
rooms = [{ platform = "narrow", channel = "room-1" }, CONSOLE_CORE]

[circles.digest]
cron = "0 16 * * THU"

[[circles]]
id = "stewards"
name = "Stewards"
kind = "stewards"
rooms = [
    { platform = "narrow", channel = "stewards-1" },
    { platform = "console", channel = "stewards" },
]
"""


CONSOLE_CORE = '{ platform = "console", channel = "core" }'
DEATH_CONFIG = CONFIG.replace(", CONSOLE_CORE]", "]")
CONFIG = CONFIG.replace("CONSOLE_CORE", CONSOLE_CORE)
"""The core circle in one room only, so the death leaves no other sending half-done."""


class Died(BaseException):
    """Stands for the process dying: nothing in the bot catches it."""


NARROW = PlatformSpec(
    name="narrow",
    title="Narrow",
    text_format="plain",
    limits=Limits(max_chars=300),
    room=RoomFormat(key="channel", example="room-1"),
)
PLATFORMS = (*PLATFORM_SPECS, NARROW)
"""The registered platforms and this test's own."""


class Narrow:
    """A platform with small messages, so a digest goes out in several parts; it can die."""

    platform = NARROW.name
    text_format: TextFormat = NARROW.text_format
    limits = NARROW.limits

    def __init__(self) -> None:
        self.sent: list[Delivery] = []
        self.die_after_send = False

    def routes(self) -> Sequence[BaseRoute]:
        return ()

    @asynccontextmanager
    async def connect(self, sink: EventSink, *, receive: bool = True) -> AsyncIterator[None]:
        yield

    async def send(self, delivery: Delivery) -> str:
        self.sent.append(delivery)
        if self.die_after_send:
            raise Died
        return f"n{len(self.sent)}"

    def digest_parts(self, chat: str = "room-1") -> list[Delivery]:
        return [d for d in self.sent if d.kind == "digest" and d.chat == chat]


@pytest.fixture
def config(tmp_path: Path) -> Config:
    path = tmp_path / "huddlebot.toml"
    path.write_text(CONFIG)
    return load_config(path, platforms=PLATFORMS)


LEARNINGS = [
    "Families told us the evening drop-in suits them far better than the morning one.",
    "One shared referral form across three charities halved the back-and-forth.",
    "People trust a volunteer with lived experience more than any leaflet we print.",
    "The council housing team answers faster by phone than by email, every time.",
    "Young carers open up more when the session starts with food, not forms.",
    "A single named contact at the GP surgery made referrals move in days, not weeks.",
]


async def say_plenty(harness: Harness) -> None:
    await harness.until(MONDAY_10)
    for number, text in enumerate(LEARNINGS):
        await harness.say(f"@p{number} /learned {text}")
    harness.take()


async def store_learnings(harness: Harness) -> None:
    """The same learnings, stored as a reply would store them (core has no console room here)."""
    async with harness.bot.sessions.begin() as session:
        for number, text in enumerate(LEARNINGS):
            person = await insert_row(
                session, Person, {"display_name": f"P{number}", "created_at": MONDAY_10}
            )
            await insert_row(
                session,
                Entry,
                {
                    "circle_id": "core",
                    "person_id": person,
                    "kind": "learning",
                    "text": text,
                    "visibility": "circle",
                    "anonymous": False,
                    "platform": "narrow",
                    "source_ref": f"m{number}",
                    "created_at": MONDAY_10,
                },
            )


async def digests(harness: Harness) -> int:
    async with harness.bot.sessions() as session:
        return int((await session.exec(select(func.count()).select_from(Digest))).one())


async def outbox_parts(harness: Harness, chat: str) -> list[tuple[int, str]]:
    async with harness.bot.sessions() as session:
        query = (
            select(OutboxMessage.part, OutboxMessage.status)
            .where(OutboxMessage.chat == chat, OutboxMessage.kind == "digest")
            .order_by(col(OutboxMessage.id))
        )
        return [(part, status) for part, status in (await session.exec(query)).all()]


def job(harness: Harness, job_id: str):  # type: ignore[no-untyped-def]
    return next(spec for spec in harness.bot.huddle.jobs() if spec.id == job_id).func


async def test_a_digest_job_fired_twice_posts_once(config: Config, database_url: str) -> None:
    narrow = Narrow()
    async with open_harness(config, database_url, extra_adapters=(narrow,)) as harness:
        await say_plenty(harness)
        await harness.until(THURSDAY_16)
        parts = narrow.digest_parts()
        assert len(parts) > 2  # the digest really is split
        again = job(harness, "digest:core")
        await again()  # the scheduler fires the same job again (a misfire, a second worker)
        await asyncio.gather(again(), again())
        await harness.bot.dispatcher.drain()
        assert narrow.digest_parts() == parts
        assert [d.part for d in parts] == list(range(1, len(parts) + 1))
        assert harness.printed().count("Huddle digest for Core") == 1
        assert await digests(harness) == 1


async def test_two_posts_racing_for_one_period_post_once(config: Config, database_url: str) -> None:
    narrow = Narrow()
    async with open_harness(config, database_url, extra_adapters=(narrow,)) as harness:
        await say_plenty(harness)
        huddle = harness.bot.huddle
        queued = await asyncio.gather(
            huddle.post_digest("core", end=THURSDAY_16), huddle.post_digest("core", end=THURSDAY_16)
        )
        assert sorted(queued)[0] == 0 and sorted(queued)[1] > 0
        await harness.bot.dispatcher.drain()
        assert len({d.key for d in narrow.digest_parts()}) == len(narrow.digest_parts())
        assert await digests(harness) == 1


async def test_the_steward_digest_job_fired_twice_posts_once(
    config: Config, database_url: str
) -> None:
    narrow = Narrow()
    async with open_harness(config, database_url, extra_adapters=(narrow,)) as harness:
        await say_plenty(harness)
        await harness.until(FRIDAY_9)
        first = narrow.digest_parts("stewards-1")
        assert first and "Steward learning digest" in first[0].text
        await job(harness, "steward_digest")()
        await job(harness, "steward_digest")()
        await harness.bot.dispatcher.drain()
        assert narrow.digest_parts("stewards-1") == first
        assert harness.printed().count("Steward learning digest") == 1


async def test_death_mid_post_then_restart_posts_only_the_rest(
    tmp_path: Path, database_url: str
) -> None:
    path = tmp_path / "death.toml"
    path.write_text(DEATH_CONFIG)
    config = load_config(path, platforms=PLATFORMS)
    narrow = Narrow()
    async with open_harness(config, database_url, extra_adapters=(narrow,)) as harness:
        await harness.until(MONDAY_10)
        await store_learnings(harness)
        assert await harness.bot.huddle.post_digest("core", end=THURSDAY_16) > 2
        narrow.die_after_send = True  # the first part reaches the platform, then the bot dies
        with pytest.raises(Died):
            await harness.bot.dispatcher.drain()
    assert len(narrow.digest_parts()) == 1
    narrow.die_after_send = False
    restart = {"extra_adapters": (narrow,), "run_id": "t2", "start": THURSDAY_16}
    async with open_harness(config, database_url, **restart) as h2:  # type: ignore[arg-type]
        # the job fires again after the restart, as a scheduler catching up would
        assert await h2.bot.huddle.post_digest("core", end=THURSDAY_16) == 0
        await h2.bot.dispatcher.drain()
        parts = narrow.digest_parts()
        total = parts[0].parts
        assert [d.part for d in parts] == list(range(1, total + 1))  # each part once, in order
        statuses = await outbox_parts(h2, "room-1")
        assert statuses[0] == (1, "in_doubt")  # posted before the death, never posted again
        assert all(status == "sent" for _part, status in statuses[1:])
        assert await digests(h2) == 1
        text = "\n".join(d.text for d in parts)
        assert all(text.count(learning[:40]) == 1 for learning in LEARNINGS)

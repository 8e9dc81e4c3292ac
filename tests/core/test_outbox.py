"""The persistent outbox: nothing lost when the bot dies before sending, nothing posted twice
when it dies after."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select
from starlette.routing import BaseRoute

from adapters.registry import PLATFORM_SPECS
from bot.app import running
from bot.config.partnership import load_config
from bot.core.background import Background
from bot.core.messages import Delivery
from bot.core.ports import EventSink, Limits, PlatformSpec, RoomFormat, TextFormat
from bot.errors import RateLimited, Undeliverable
from bot.storage.models import OutboxMessage, Room
from tests.harness import Harness, open_harness


class Crash(BaseException):
    """Stands for the process dying: nothing in the bot catches it."""


RECORDING = PlatformSpec(
    name="recording",
    title="Recording",
    text_format="plain",
    limits=Limits(max_chars=4000),
    room=RoomFormat(key="channel", example="room-1"),
)
PLATFORMS = (*PLATFORM_SPECS, RECORDING)
"""The registered platforms and this test's own."""


class Recording:
    """A platform that records what it was sent and can fail on demand."""

    platform = RECORDING.name
    text_format: TextFormat = RECORDING.text_format
    limits = RECORDING.limits

    def __init__(self) -> None:
        self.sent: list[Delivery] = []
        self.failures: list[BaseException] = []
        self.crash_after_send = False

    def routes(self) -> Sequence[BaseRoute]:
        return ()

    @asynccontextmanager
    async def connect(self, sink: EventSink, *, receive: bool = True) -> AsyncIterator[None]:
        yield

    async def send(self, delivery: Delivery) -> str:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(delivery)
        if self.crash_after_send:
            raise Crash
        return f"r{len(self.sent)}"


CONFIG_WITH_RECORDING_ROOM = """
[partnership]
name = "Riverside"
timezone = "Europe/London"

[[circles]]
id = "core"
name = "Core"
kind = "partnership"
rooms = [{ platform = "recording", channel = "room-1" }]

[[circles]]
id = "stewards"
name = "Stewards"
kind = "stewards"
rooms = [{ platform = "console", channel = "stewards" }]
"""


@pytest.fixture
def recording_config(tmp_path: Path) -> Path:
    path = tmp_path / "recording.toml"
    path.write_text(CONFIG_WITH_RECORDING_ROOM)
    return path


async def statuses(harness: object) -> list[str]:
    async with harness.bot.sessions() as session:  # type: ignore[attr-defined]
        rows = (await session.exec(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    return [row.status for row in rows]


async def test_crash_between_write_and_send_sends_once_on_restart(
    recording_config: Path, database_url: str
) -> None:
    config = load_config(recording_config, platforms=PLATFORMS)
    platform = Recording()
    async with open_harness(config, database_url, extra_adapters=(platform,)) as harness:
        await harness.bot.huddle.send_prompt_now("core", "learned")
        assert await statuses(harness) == ["pending"]  # written, then the bot dies unsent
    assert platform.sent == []
    async with open_harness(config, database_url, extra_adapters=(platform,), run_id="t2") as h2:
        assert len(platform.sent) == 1  # sent on restart
        assert await h2.bot.dispatcher.drain() == 0
    async with open_harness(config, database_url, extra_adapters=(platform,), run_id="t3"):
        assert len(platform.sent) == 1  # and never again


async def test_crash_after_send_never_posts_twice(
    recording_config: Path, database_url: str
) -> None:
    config = load_config(recording_config, platforms=PLATFORMS)
    platform = Recording()
    async with open_harness(config, database_url, extra_adapters=(platform,)) as harness:
        await harness.bot.huddle.send_prompt_now("core", "learned")
        platform.crash_after_send = True
        with pytest.raises(Crash):
            await harness.bot.dispatcher.drain()
    assert len(platform.sent) == 1
    platform.crash_after_send = False
    async with open_harness(config, database_url, extra_adapters=(platform,), run_id="t2") as h2:
        assert len(platform.sent) == 1
        assert await statuses(h2) == ["in_doubt", "sent"]  # and the stewards' notice
        async with h2.bot.sessions() as session:
            query = select(OutboxMessage.error).where(OutboxMessage.status == "in_doubt")
            note = (await session.exec(query)).one()
        assert "recording cannot say whether it arrived, so not resent" in note
        told = h2.printed()
        assert "[#stewards]" in told and "A message may not have gone out" in told
        assert "prompt to room-1 on Recording" in told and "What did we learn" not in told
    async with open_harness(config, database_url, extra_adapters=(platform,), run_id="t3") as h3:
        assert "may not have gone out" not in h3.printed()  # told once


async def test_rate_limited_parts_wait_and_keep_their_order(
    recording_config: Path, database_url: str
) -> None:
    config = load_config(recording_config, platforms=PLATFORMS)
    platform = Recording()
    async with open_harness(config, database_url, extra_adapters=(platform,)) as harness:
        platform.failures = [RateLimited(30), RateLimited(30)]
        await harness.bot.huddle.send_prompt_now("core", "learned")
        await harness.bot.huddle.send_prompt_now("core", "blocking")
        await harness.bot.dispatcher.drain()
        assert platform.sent == []  # the first part waits, and the second waits behind it
        harness.clock.set(harness.clock.now() + timedelta(seconds=29))
        await harness.bot.dispatcher.drain()
        assert platform.sent == []  # not yet due
        harness.clock.set(harness.clock.now() + timedelta(seconds=31))
        await harness.bot.dispatcher.drain()
        assert platform.sent == []  # rate limited a second time
        harness.clock.set(harness.clock.now() + timedelta(seconds=31))
        await harness.bot.dispatcher.drain()
        texts = [d.text for d in platform.sent]
        assert len(texts) == 2
        assert "What did we learn?" in texts[0] and "getting in the way" in texts[1]


async def test_an_unreachable_room_goes_quiet_and_stewards_are_told(
    recording_config: Path, database_url: str
) -> None:
    config = load_config(recording_config, platforms=PLATFORMS)
    platform = Recording()
    async with open_harness(config, database_url, extra_adapters=(platform,)) as harness:
        platform.failures = [Undeliverable("bot removed", hint="add the bot back to the room")]
        await harness.bot.huddle.send_prompt_now("core", "learned")
        await harness.bot.dispatcher.drain()
        told = harness.take()
        assert "[#stewards]" in told and "room-1" in told and "add the bot back" in told
        await harness.bot.huddle.send_prompt_now("core", "blocking")
        await harness.bot.dispatcher.drain()
        assert platform.sent == []  # nothing more is queued for the inactive room
        assert harness.take() == ""  # and the stewards were told only once
        async with harness.bot.sessions() as session:
            room = (await session.exec(select(Room).where(Room.chat == "room-1"))).one()
        assert not room.active and room.inactive_reason == "bot removed"


class Slow(Recording):
    """Holds each send until the test lets it finish, like a send waiting out a rate limit."""

    def __init__(self) -> None:
        super().__init__()
        self.sending = asyncio.Event()
        self.release = asyncio.Event()

    async def send(self, delivery: Delivery) -> str:
        self.sending.set()
        await self.release.wait()
        return await super().send(delivery)


async def test_a_graceful_stop_finishes_the_part_in_flight_and_claims_no_more(
    recording_config: Path, database_url: str
) -> None:
    config = load_config(recording_config, platforms=PLATFORMS)
    platform = Slow()
    async with open_harness(
        config, database_url, extra_adapters=(platform,), connect=False
    ) as harness:
        async with Background() as background:
            async with running(harness.bot, background=background, serve_http=False):
                await harness.bot.huddle.send_prompt_now("core", "learned")
                await harness.bot.huddle.send_prompt_now("core", "blocking")
                await platform.sending.wait()  # the first part is on its way out
                releaser = asyncio.create_task(_release_once_stopping(harness, platform))
            await releaser  # leaving `running` stopped delivery while the part was in flight
        assert [d.text.splitlines()[0] for d in platform.sent] == ["== What did we learn? =="]
        assert await statuses(harness) == ["sent", "pending"]  # nothing left in doubt


async def _release_once_stopping(harness: Harness, platform: Slow) -> None:
    await harness.bot.dispatcher.stopping.wait()
    platform.release.set()

"""Pacing within Telegram's flood limits, in virtual time: nothing here really sleeps."""

from __future__ import annotations

import asyncio
import itertools
from collections import defaultdict

from adapters.telegram.adapter import TelegramAdapter
from adapters.telegram.pacing import Pacer
from bot.core.messages import Delivery
from tests.fakes.telegram_api import TOKEN, FakeTelegramAPI, RecordingSink, VirtualTime

GROUP = "-1001234567890"


def over_limits(sends: list[tuple[float, str]]) -> list[str]:
    """Every way a list of (time, chat) sends breaks Telegram's limits."""
    problems = []
    times = sorted(t for t, _ in sends)
    for i, start in enumerate(times):
        within = [t for t in times[i:] if t < start + 1.0]
        if len(within) > 30:
            problems.append(f"{len(within)} messages in the second from {start}")
    per_chat: dict[str, list[float]] = defaultdict(list)
    for t, chat in sends:
        per_chat[chat].append(t)
    for chat, chat_times in per_chat.items():
        chat_times.sort()
        for earlier, later in itertools.pairwise(chat_times):
            if later - earlier < 1.0:
                problems.append(f"two messages to {chat} {later - earlier:.3f}s apart")
        if chat.startswith("-"):
            for i, start in enumerate(chat_times):
                if len([t for t in chat_times[i:] if t < start + 60.0]) > 20:
                    problems.append(f"over 20 messages a minute to {chat} from {start}")
    return problems


async def paced(pacer: Pacer, time: VirtualTime, chats: list[str]) -> list[tuple[float, str]]:
    sends: list[tuple[float, str]] = []

    async def one(chat: str) -> None:
        await pacer.wait(chat)
        sends.append((time.now, chat))

    await asyncio.gather(*(one(chat) for chat in chats))
    return sends


async def test_a_fan_out_to_many_people_runs_near_thirty_a_second() -> None:
    time = VirtualTime()
    pacer = Pacer(monotonic=time.monotonic, sleep=time.sleep)
    start = time.now
    sends = await paced(pacer, time, [str(10_000 + n) for n in range(1000)])
    elapsed = time.now - start
    assert over_limits(sends) == []
    assert len(sends) == 1000
    assert 1000 / elapsed >= 0.9 * 30


async def test_one_chat_gets_one_message_a_second() -> None:
    time = VirtualTime()
    pacer = Pacer(monotonic=time.monotonic, sleep=time.sleep)
    sends = await paced(pacer, time, ["42"] * 5)
    assert over_limits(sends) == []
    assert sends[-1][0] - sends[0][0] >= 4.0


async def test_a_group_gets_at_most_twenty_a_minute() -> None:
    time = VirtualTime()
    pacer = Pacer(monotonic=time.monotonic, sleep=time.sleep)
    sends = await paced(pacer, time, [GROUP] * 45)
    assert over_limits(sends) == []
    assert sends[-1][0] - sends[0][0] >= 120.0


async def test_a_mixed_load_keeps_every_limit() -> None:
    time = VirtualTime()
    pacer = Pacer(monotonic=time.monotonic, sleep=time.sleep)
    chats = [GROUP, "-1009", *(str(n) for n in range(1, 200))] * 3
    sends = await paced(pacer, time, chats)
    assert over_limits(sends) == []
    assert len(sends) == len(chats)


async def test_a_hold_delays_only_that_chat() -> None:
    time = VirtualTime()
    pacer = Pacer(monotonic=time.monotonic, sleep=time.sleep)
    start = time.now
    pacer.hold("7", 30)
    await pacer.wait("8")
    assert time.now - start < 1
    await pacer.wait("7")
    assert time.now - start >= 30


async def test_the_adapter_keeps_the_fakes_limits_through_a_fan_out() -> None:
    time = VirtualTime()
    async with FakeTelegramAPI(clock=time.monotonic) as fake:
        fake.enforce_limits()
        adapter = TelegramAdapter(
            token=TOKEN, api_url=fake.url, monotonic=time.monotonic, sleep=time.sleep
        )
        async with adapter.connect(RecordingSink()):
            start = time.now
            for n in range(90):
                chat = GROUP if n % 3 == 0 else str(5_000 + n)
                await adapter.send(Delivery(key=f"k{n}", platform="telegram", chat=chat, text="Hi"))
            elapsed = time.now - start
        fake.assert_no_violations()
    assert fake.limit_violations == 0
    assert len(fake.sent()) == 90
    assert elapsed >= 60  # thirty messages to one group cannot all go within a minute


async def test_an_unpaced_digest_meets_429s_and_still_sends_each_part_once_in_order() -> None:
    time = VirtualTime()
    eager = Pacer(per_second=1000, chat_interval=0, monotonic=time.monotonic, sleep=time.sleep)
    parts = [f"<b>Digest</b> part {n}" for n in range(1, 6)]
    async with FakeTelegramAPI(clock=time.monotonic) as fake:
        fake.enforce_limits()
        adapter = TelegramAdapter(
            token=TOKEN, api_url=fake.url, pacer=eager, monotonic=time.monotonic, sleep=time.sleep
        )
        async with adapter.connect(RecordingSink()):
            for number, text in enumerate(parts, start=1):
                await adapter.send(
                    Delivery(
                        key="d", platform="telegram", chat=GROUP, text=text, part=number, parts=5
                    )
                )
        fake.assert_no_violations()
    assert fake.limit_violations >= 4  # a real storm of 429s ...
    assert [p["text"] for p in fake.sent(GROUP)] == parts  # ... and every part once, in order

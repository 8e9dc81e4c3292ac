"""What the two fan-out benchmarks share: queue one prompt, run the real dispatcher until the
outbox is empty, say how long it took and how every part ended, and check that every 429 was
waited out."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import col, select

from bot.app import Bot
from bot.storage.models import OutboxMessage


@dataclass(frozen=True, slots=True)
class Outcome:
    queued: int
    queue_seconds: float
    send_seconds: float
    """From the dispatcher's start to the last message the fake accepted."""
    settle_seconds: float
    statuses: Counter[str]


async def pending(bot: Bot) -> int:
    async with bot.sessions() as session:
        query = select(func.count(col(OutboxMessage.id))).where(
            col(OutboxMessage.status).in_(("pending", "sending"))
        )
        return int((await session.exec(query)).one())


async def statuses(bot: Bot) -> Counter[str]:
    async with bot.sessions() as session:
        query = select(OutboxMessage.status, func.count(col(OutboxMessage.id))).group_by(
            col(OutboxMessage.status)
        )
        return Counter({status: int(n) for status, n in (await session.exec(query)).all()})


async def fan_out(
    bot: Bot,
    *,
    circle: str,
    prompt: str,
    deadline: float,
    poll: float,
    last_accepted: Callable[[float], float],
) -> Outcome:
    """Queue `prompt` for `circle`, then run the dispatcher until nothing is left to send.

    `last_accepted(begin)` reads from the fake when it accepted its last message (on
    `time.monotonic`, as the fakes record), or `begin` when it accepted none.
    """
    started = time.perf_counter()
    if await bot.huddle.send_prompt_now(circle, prompt) is None:
        raise RuntimeError("the prompt was not opened")
    queued = await pending(bot)
    queue_seconds = time.perf_counter() - started

    begin = time.monotonic()
    dispatcher = asyncio.create_task(bot.dispatcher.run(), name="dispatcher")
    try:
        async with asyncio.timeout(deadline):
            while await pending(bot):
                if dispatcher.done():
                    dispatcher.result()  # its error, if it stopped
                    raise RuntimeError("the dispatcher stopped before the outbox was empty")
                await asyncio.sleep(poll)  # a benchmark on the real clock: look again shortly
    finally:
        bot.dispatcher.stop()
        dispatcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await dispatcher
    settle_seconds = time.monotonic() - begin
    return Outcome(
        queued, queue_seconds, last_accepted(begin) - begin, settle_seconds, await statuses(bot)
    )


@dataclass(frozen=True, slots=True)
class Attempt:
    """One send the fake API saw: where to, when (`time.monotonic`), and whether it said 429."""

    place: str
    at: float
    refused: bool


def unhonoured_429s(attempts: Iterable[Attempt], *, wait: float) -> int:
    """429s after which the same place was tried again sooner than `wait` seconds."""
    last_429: dict[str, float] = {}
    early = 0
    for attempt in attempts:
        refused_at = last_429.pop(attempt.place, None)
        if refused_at is not None and attempt.at - refused_at < wait - 0.01:
            early += 1
        if attempt.refused:
            last_429[attempt.place] = attempt.at
    return early


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"

"""After a crash: parts caught mid-send are in doubt; each platform that can is asked about them.

A part is `sending` while a process sends it, and names that process (`claimed_by`). Once that
process is dead (bot/delivery/presence.py: no heartbeat for a while), the part is in doubt (it may
or may not have reached the room) and is never resent blindly; a part another live process is
sending is never in doubt. Every running bot looks for such parts at start and then now and
again, so a part left by a killed process is checked by whichever process is alive. It claims
each in-doubt part before checking it (so two processes never check, nor resend, the same part)
and asks the part's adapter, when it can (`ConfirmsDelivery`: Slack looks for the part in the
channel's history), whether the part was posted: if so it is marked `sent`; if surely not it is
sent again, once; when the platform cannot tell (Telegram, a private message, a history answer
that lists nothing) it stays in doubt, never resent, and the stewards hear of it
(bot/delivery/in_doubt.py).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select

from bot.core.clock import Clock
from bot.core.outbox import to_delivery
from bot.core.ports import Adapter, ConfirmsDelivery
from bot.delivery.leases import alive
from bot.storage.database import SessionFactory
from bot.storage.models import OutboxMessage

log = logging.getLogger(__name__)

DoubtHandler = Callable[[Sequence[OutboxMessage]], Awaitable[object]]
Mark = Callable[..., Awaitable[None]]

IN_DOUBT = "the bot stopped while sending this part"
"""How the note of every part left in doubt by a crash begins."""
UNCHECKED = f"{IN_DOUBT} (to be checked with the platform)"
"""The note of a part marked in doubt at start-up and not yet checked with its platform (parts
left in doubt by earlier versions, posted without anything to find them by, are never checked)."""


async def mark_in_doubt(sessions: SessionFactory, *, fresh_since: datetime) -> int:
    """Mark the parts that dead processes were sending as in doubt; returns how many.

    A process is dead when its heartbeat is older than `fresh_since` (or it has no row at all).
    """
    async with sessions.begin() as session:
        result = await session.exec(  # type: ignore[call-overload]
            update(OutboxMessage)
            .where(
                col(OutboxMessage.status) == "sending",
                ~alive(OutboxMessage.claimed_by, fresh_since=fresh_since),
            )
            .values(status="in_doubt", error=UNCHECKED)
        )
    count = int(result.rowcount or 0)
    if count:
        log.warning(
            "%d outgoing part(s) were being sent when the bot stopped; they are marked "
            "in_doubt and are resent only where the platform confirms they never arrived",
            count,
        )
    return count


async def _claim(sessions: SessionFactory, row_id: int, *, process: str) -> bool:
    """Take an unchecked in-doubt part for checking, for this process alone."""
    async with sessions.begin() as session:
        claimed = await session.exec(  # type: ignore[call-overload]
            update(OutboxMessage)
            .where(
                col(OutboxMessage.id) == row_id,
                col(OutboxMessage.status) == "in_doubt",
                col(OutboxMessage.error) == UNCHECKED,
            )
            .values(status="sending", claimed_by=process)
        )
    return bool(claimed.rowcount)


async def check_doubts(
    sessions: SessionFactory,
    adapters: Mapping[str, Adapter],
    *,
    clock: Clock,
    mark: Mark,
    on_left: DoubtHandler | None,
    process: str,
) -> None:
    """Ask the platforms about the parts left in doubt by a crash (see the module's notes).

    While a part is checked it is `sending` again, claimed by `process`: should this process die
    too, the part is in doubt again and another process checks it.
    """
    async with sessions() as session:
        query = select(OutboxMessage).where(
            OutboxMessage.status == "in_doubt", OutboxMessage.error == UNCHECKED
        )
        rows = (await session.exec(query.order_by(col(OutboxMessage.id)))).all()
    left: list[OutboxMessage] = []
    for row in rows:
        adapter = adapters.get(row.platform)
        if adapter is None or row.id is None:
            continue  # not connected this time: asked once it is
        if not await _claim(sessions, row.id, process=process):
            continue  # another process checks it
        if not isinstance(adapter, ConfirmsDelivery):
            note = f"{IN_DOUBT}; {row.platform} cannot say whether it arrived, so not resent"
            await mark(row.id, status="in_doubt", error=note)
            left.append(row)
            continue
        try:
            ref = await adapter.find_sent(to_delivery(row), since=row.created_at)
        except Exception as exc:
            log.warning("could not tell whether %s was posted: %s", row.key, exc)
            note = f"{IN_DOUBT}; could not check ({exc}), not resent"
            await mark(row.id, status="in_doubt", error=note)
            left.append(row)
            continue
        if ref is None and not row.text:  # kept past its week (bot/storage/retention.py)
            await mark(
                row.id, status="in_doubt", error=f"{IN_DOUBT}; not on {row.platform}, text gone"
            )
            left.append(row)
        elif ref is None:
            log.info("%s never reached %s before the stop; it is sent again", row.key, row.platform)
            await mark(row.id, status="pending", error=f"not on {row.platform} after a restart")
        else:
            log.info("%s had reached %s before the stop; marked sent", row.key, row.platform)
            await mark(
                row.id,
                status="sent",
                sent_ref=ref,
                sent_at=clock.now(),
                text="",
                buttons="[]",
                error="",
            )
    if left and on_left is not None:
        await on_left(left)

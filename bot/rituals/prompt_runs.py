"""Rituals: a prompt asked of a circle on schedule, and at most one gentle reminder."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config.partnership import CircleConfig, RitualConfig
from bot.core.messages import Body, Outgoing, ToCircle, ToPerson, ToRoom
from bot.core.people import members, private_address
from bot.core.visibility import LEARNING_SET
from bot.rituals.timing import local
from bot.storage.models import Entry, OutboxMessage, PromptRun
from bot.storage.sql import insert_ignore
from bot.text.library import PromptLibrary

log = logging.getLogger(__name__)


def _prompt_context(
    library: PromptLibrary, circle: CircleConfig, run: PromptRun
) -> dict[str, object]:
    prompt = library.prompt(run.prompt_id)
    return {
        "prompt": {
            "id": prompt.id,
            "title": prompt.title,
            "question": prompt.question,
            "hint": prompt.hint,
        },
        "circle": {"id": circle.id, "name": circle.name},
        "closes_at": local(run.closes_at, circle.timezone),
        "private": run.private,
        "kept_in_set": circle.kind == LEARNING_SET,
    }


async def open_run(
    session: AsyncSession,
    *,
    circle: CircleConfig,
    ritual: RitualConfig,
    scheduled_for: datetime,
    now: datetime,
    library: PromptLibrary,
) -> tuple[PromptRun | None, list[Outgoing]]:
    """Open the run of `ritual` due at `scheduled_for`, once; late is fine inside its window."""
    window = timedelta(hours=ritual.window_hours)
    if now >= scheduled_for + window:
        log.info(
            "skipped %s/%s due %s: its reply window had closed by the time the bot was running",
            circle.id,
            ritual.id,
            scheduled_for.isoformat(),
        )
        return None, []
    remind_at = (
        scheduled_for + timedelta(hours=ritual.reminder_delay_hours) if ritual.reminder else None
    )
    run_id = await insert_ignore(
        session,
        PromptRun,
        {
            "circle_id": circle.id,
            "ritual_id": ritual.id,
            "prompt_id": ritual.prompt,
            "private": ritual.private,
            "scheduled_for": scheduled_for,
            "opened_at": now,
            "closes_at": scheduled_for + window,
            "remind_at": remind_at,
            "reminded_at": None,
        },
    )
    if run_id is None:
        return None, []  # this run is already open: a job fired twice
    if now - scheduled_for > timedelta(minutes=1):
        log.info("sending %s/%s late: it was due %s", circle.id, ritual.id, scheduled_for)
    run = await session.get_one(PromptRun, run_id)
    body = Body("prompt", _prompt_context(library, circle, run))
    if not ritual.private:
        return run, [
            Outgoing(
                to=ToCircle(circle.id),
                body=body,
                key=f"prompt:{run_id}",
                kind="prompt",
                prompt_run_id=run_id,
            )
        ]
    return run, [
        Outgoing(
            to=ToPerson(person_id),
            body=body,
            key=f"prompt:{run_id}:person:{person_id}",
            kind="prompt",
            prompt_run_id=run_id,
        )
        for person_id in await members(session, circle.id)
    ]


async def remind(
    session: AsyncSession,
    *,
    run_id: int,
    circle: CircleConfig,
    now: datetime,
    library: PromptLibrary,
) -> list[Outgoing]:
    """One gentle reminder for a run, privately where possible; it never names anyone."""
    run = await session.get(PromptRun, run_id)
    if run is None or run.reminded_at is not None or now >= run.closes_at:
        return []
    # decided by the database: of processes reminding at once, one finds it not yet reminded
    taken = await session.exec(  # type: ignore[call-overload]
        update(PromptRun)
        .where(col(PromptRun.id) == run_id, col(PromptRun.reminded_at).is_(None))
        .values(reminded_at=now)
    )
    if not taken.rowcount:
        return []
    run.reminded_at = now
    replied = set(
        (
            await session.exec(
                select(Entry.person_id).where(Entry.prompt_run_id == run_id).distinct()
            )
        ).all()
    )
    body = Body("reminder", _prompt_context(library, circle, run))
    outgoing: list[Outgoing] = []
    someone_unreachable = False
    for person_id in await members(session, circle.id):
        if person_id in replied:
            continue
        if await private_address(session, person_id) is None:
            someone_unreachable = True
            continue
        outgoing.append(
            Outgoing(
                to=ToPerson(person_id),
                body=body,
                key=f"reminder:{run_id}:person:{person_id}",
                kind="reminder",
            )
        )
    if someone_unreachable and not run.private:
        # one quiet note under the prompt itself, for everyone at once
        prompts = await session.exec(
            select(OutboxMessage).where(
                OutboxMessage.prompt_run_id == run_id,
                OutboxMessage.kind == "prompt",
                OutboxMessage.status == "sent",
                col(OutboxMessage.person_id).is_(None),
            )
        )
        for sent in prompts.all():
            outgoing.append(
                Outgoing(
                    to=ToRoom(sent.platform, sent.chat, sent.topic or None, sent.sent_ref),
                    body=body,
                    key=f"reminder:{run_id}:room",
                    kind="reminder",
                )
            )
    return outgoing

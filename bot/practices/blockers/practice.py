"""Blockers that get unblocked: raised by practice, taken up by a steward, reported back.

Every `blocker` entry shared with a circle or the stewards (from the `blocking` prompt or the
`blocker` verb) becomes a blocker record. One sent privately is held for its author
(`bot.practices.held`) and becomes a record when they share it. Stewards take it up, resolve
it or park it, each time with a short note; closing one queues a report back to the circle where
it was raised. A daily job flags blockers left open too long for the stewards, each at most once
a week.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from sqlmodel import col, select

from bot.config.practice_settings import partnership_number
from bot.core.entries import save_entry
from bot.core.events import ButtonPress, Command, InboundEvent
from bot.core.inbound import answer_here, is_steward
from bot.core.messages import Body, Button, Outgoing, ToCircle, ToPerson
from bot.core.router import Chosen, Context, Router, Saved
from bot.core.subcommands import Sub, Subcommands, Takes, number_of
from bot.core.visibility import HELD
from bot.delivery.notices import to_stewards
from bot.errors import InputError
from bot.practices import held
from bot.practices.blockers.digest import BlockersInDigests
from bot.practices.blockers.models import CLOSED, SYSTEM_KINDS, Blocker, BlockerChange
from bot.practices.blockers.records import (
    KIND_LABELS,
    STATUS_LABELS,
    blocker_dict,
    overdue_blockers,
    rows_where,
)
from bot.practices.blockers.web import blocker_pages
from bot.practices.contributions import checked_text
from bot.practices.services import Services
from bot.rituals.scheduler import JobSpec
from bot.rituals.timing import cron
from bot.storage.models import Entry
from bot.storage.sql import insert_row
from bot.web.pages import Page

log = logging.getLogger(__name__)


def _kind_buttons(number: int) -> tuple[Button, ...]:
    """One button per kind, each carrying the blocker's number (`#12:funding`)."""
    return tuple(
        Button("blocker_kind", f"#{number}:{kind}", label.capitalize())
        for kind, label in KIND_LABELS.items()
    )


SUBCOMMANDS = Subcommands(
    "blocker",
    (
        Sub("list", Takes.NOTHING, "blocker list"),
        Sub("take", Takes.NUMBER, "blocker take 12 a note"),
        Sub("resolve", Takes.NUMBER, "blocker resolve 12 what happened"),
        Sub("park", Takes.NUMBER, "blocker park 12 why"),
    ),
    text_form="blocker what is in our way",
)
"""`blocker` raises a blocker; stewards list, take up, resolve and park them by number."""


async def _raise(
    ctx: Context,
    event: InboundEvent,
    entry_id: int,
    circle_id: str,
    person_id: int | None,
    *,
    key: str,
) -> list[Outgoing]:
    """Keep a blocker record for the entry, and answer with its number and the kinds to tap."""
    await insert_row(
        ctx.session,
        Blocker,
        {
            "entry_id": entry_id,
            "circle_id": circle_id,
            "kind": "",
            "status": "open",
            "note": "",
            "raised_by": person_id,
            "raised_at": ctx.now,
            "changed_at": ctx.now,
        },
    )
    answer = answer_here(event, Body("blockers/raised", {"id": entry_id}), key=key)
    return [replace(answer, buttons=_kind_buttons(entry_id))]


class Blockers(BlockersInDigests):
    """The `blocker` verb, blocker records for every blocker entry, and the stewards' loop."""

    name = "blockers"
    partnership_settings = ("blocker_flag_days",)

    def __init__(self, services: Services) -> None:
        self._config = services.config
        self._runtime = services.runtime
        self.flag_days = partnership_number(
            services.config, "blocker_flag_days", default=14, minimum=1
        )
        """Blockers open longer than this many days are flagged to the stewards."""

    def web_pages(self) -> tuple[Page, ...]:
        """Its page of the web view."""
        return blocker_pages()

    def register(self, router: Router) -> None:
        router.command(
            "blocker",
            self._on_blocker,
            description="name something that is blocking us; sent privately, it stays yours "
            "until you share it (stewards: blocker list, blocker take/resolve/park ID)",
        )
        router.on_entry("blocker", self._on_entry, replace_answer=True)
        router.on_choice(("blocker",), self._on_choice)
        router.button("blocker_kind", self._on_kind)

    def jobs(self) -> list[JobSpec]:
        trigger = cron("0 8 * * *", self._config.partnership.timezone)
        return [JobSpec("blockers:flag", trigger, self._flag_job)]

    async def _flag_job(self) -> None:
        await self.flag_overdue()

    # -- raising --------------------------------------------------------------------------------

    async def _on_blocker(self, ctx: Context, event: Command) -> list[Outgoing]:
        reading = SUBCOMMANDS.read(event.args)
        if reading is None:
            text = checked_text(ctx, event.args, verb="blocker")
            if held.said_privately(event):  # kept for its author until they share it
                return await held.hold(ctx, event, kind="blocker", text=text)
            return await save_entry(ctx, event, kind="blocker", text=text)
        await self._need_steward(ctx, event, f"blocker {reading.word}")
        if reading.number is None:
            return await self._list(ctx, event)
        return await self._change(ctx, event, reading.word, reading.number, reading.rest)

    async def _on_entry(self, ctx: Context, event: Any, saved: Saved) -> list[Outgoing]:
        if saved.visibility in HELD:
            return []  # held for its author or kept in a learning set: not raised
        key = f"saved:{event.platform}:{event.dedup_key}"
        return await _raise(ctx, event, saved.entry_id, saved.circle_id, saved.person_id, key=key)

    async def _on_choice(self, ctx: Context, event: Any, chosen: Chosen) -> list[Outgoing]:
        """A blocker its author held (sent privately) is raised once they share it."""
        if chosen.before not in HELD or chosen.after in HELD:
            return []
        query = select(Blocker.id).where(Blocker.entry_id == chosen.entry_id)
        if (await ctx.session.exec(query)).first() is not None:
            return []  # raised before, then kept back: sharing it again raises nothing new
        key = f"blockers:shared:{event.platform}:{event.dedup_key}"
        return await _raise(
            ctx, event, chosen.entry_id, chosen.circle_id, chosen.person_id, key=key
        )

    async def _on_kind(self, ctx: Context, event: ButtonPress) -> list[Outgoing]:
        shown, _, kind = event.value.partition(":")
        if shown.startswith("#"):
            blocker = await self._find(ctx, number_of(shown), shown=shown.lstrip("#"))
        else:  # a button sent before blockers were known by their number: the record's id
            found = number_of(shown)
            record = await ctx.session.get(Blocker, found) if found is not None else None
            if record is None or await ctx.session.get(Entry, record.entry_id) is None:
                raise InputError("blockers/unknown", id=shown)
            blocker = record
        if kind not in KIND_LABELS:
            raise InputError("blockers/unknown", id=str(blocker.entry_id))
        if blocker.raised_by != ctx.who.person_id and not await is_steward(ctx, event):
            raise InputError("blockers/not_yours")
        already = blocker.kind == kind
        if not already:
            blocker.kind = kind
            blocker.changed_at = ctx.now
            ctx.session.add(blocker)
        body = Body(
            "blockers/kind_saved",
            {
                "id": blocker.entry_id,
                "kind_label": KIND_LABELS[kind],
                "system": kind in SYSTEM_KINDS,
                "already": already,
            },
        )
        return [answer_here(event, body, key=f"blocker_kind:{event.platform}:{event.dedup_key}")]

    # -- the stewards' verbs --------------------------------------------------------------------

    async def _need_steward(self, ctx: Context, event: InboundEvent, verb: str) -> None:
        if not await is_steward(ctx, event):
            raise InputError("replies/stewards_only", verb=verb)

    async def _find(self, ctx: Context, number: int | None, *, shown: str) -> Blocker:
        """The blocker people call `#number`: the number of its entry, as everywhere."""
        blocker = None
        if number is not None:
            query = select(Blocker).where(Blocker.entry_id == number)
            blocker = (await ctx.session.exec(query)).first()
        if blocker is None or await ctx.session.get(Entry, blocker.entry_id) is None:
            raise InputError("blockers/unknown", id=shown)
        return blocker

    def _circle_name(self, circle_id: str) -> str:
        return next((c.name for c in self._config.circles if c.id == circle_id), circle_id)

    async def _list(self, ctx: Context, event: Command) -> list[Outgoing]:
        """The open blockers, as far as where the list is shown may see them: in a private chat
        or a stewards' room, every circle's blockers shared with it or with the stewards; in a
        circle's room (where a platform may show the answer to the whole room), that circle's
        blockers shared with it. Nothing raised privately or withdrawn."""
        where: list[Any] = [col(Blocker.status).not_in(CLOSED)]
        if event.private or ctx.circle is None or ctx.circle.kind == "stewards":
            where.append(col(Entry.visibility).in_(("circle", "stewards")))
        else:
            where.append(col(Entry.visibility) == "circle")
            where.append(col(Blocker.circle_id) == ctx.circle.id)
        rows = (await ctx.session.exec(rows_where(*where))).all()
        blockers = [
            {**blocker_dict(row, now=ctx.now), "circle_name": self._circle_name(row[0].circle_id)}
            for row in rows
        ]
        body = Body("blockers/list", {"blockers": blockers})
        return [answer_here(event, body, key=f"blocker_list:{event.platform}:{event.dedup_key}")]

    async def _change(
        self, ctx: Context, event: Command, action: str, blocker_id: int, note: str
    ) -> list[Outgoing]:
        blocker = await self._find(ctx, blocker_id, shown=str(blocker_id))
        status = {"take": "taken", "resolve": "resolved", "park": "parked"}[action]
        if blocker.status == "resolved" or (
            blocker.status == status
            and (status != "taken" or blocker.taken_by == ctx.who.person_id)
        ):
            raise InputError(
                "blockers/already", id=blocker.entry_id, status_label=STATUS_LABELS[blocker.status]
            )
        if status in CLOSED and not note:
            raise InputError("blockers/need_note", action=action, id=blocker.entry_id)
        if note:
            note = checked_text(ctx, note, verb="blocker")
        blocker.status = status
        blocker.note = note
        blocker.changed_at = ctx.now
        if status == "taken":
            blocker.taken_by = ctx.who.person_id
            blocker.closed_at = None
        else:
            blocker.closed_at = ctx.now
        change_id = await insert_row(
            ctx.session,
            BlockerChange,
            {
                "blocker_id": blocker.id,
                "status": status,
                "note": note,
                "person_id": ctx.who.person_id,
                "at": ctx.now,
            },
        )
        entry = await ctx.session.get_one(Entry, blocker.entry_id)
        outgoing: list[Outgoing] = []
        if status in CLOSED:
            blocker.reported_at = ctx.now
            report = Body(
                "blockers/report_back",
                {
                    "text": entry.text,
                    "status": status,
                    "note": note,
                    "steward": ctx.who.display_name,
                },
            )
            # the report goes as far as the blocker was shared: to its circle, or else to the
            # person who raised it alone
            to: ToCircle | ToPerson = ToCircle(blocker.circle_id)
            if entry.visibility != "circle" and blocker.raised_by is not None:
                to = ToPerson(blocker.raised_by)
            outgoing.append(
                Outgoing(
                    to=to,
                    body=report,
                    key=f"blockers:report:{blocker.id}:{change_id}",
                    kind="notice",
                )
            )
        ctx.session.add(blocker)
        body = Body(
            "blockers/changed",
            {
                "id": blocker.entry_id,
                "text": entry.text,
                "status_label": STATUS_LABELS[status],
                "note": note,
                "circle_name": self._circle_name(blocker.circle_id),
                "reported": status in CLOSED,
            },
        )
        key = f"blocker_change:{event.platform}:{event.dedup_key}"
        return [answer_here(event, body, key=key), *outgoing]

    # -- the daily flag -------------------------------------------------------------------------

    async def flag_overdue(self) -> int:
        """Tell the stewards about blockers open too long; returns how many were flagged."""
        if not self._config.stewards_circles():
            return 0
        days = self.flag_days
        async with self._runtime.transaction() as tx:
            session, now = tx.session, tx.now
            found = await overdue_blockers(session, now=now, days=days)
            if not found:
                return 0
            listed = [
                {**shown, "circle_name": self._circle_name(blocker.circle_id)}
                for blocker, shown in found
            ]
            body = Body("blockers/flagged", {"days": days, "blockers": listed})
            key = f"blockers:flag:{now.date().isoformat()}"
            outgoing = to_stewards(self._config, body, key=key)
            for blocker, _ in found:
                blocker.flagged_at = now
                session.add(blocker)
            tx.send(outgoing)
        log.info("flagged %d blocker(s) open over %d days for the stewards", len(found), days)
        return len(found)

"""People's data rights: `mydata` (everything held about them), `forget` (erasure), and retention.

`mydata` sends the person everything the bot holds about them, as JSON and as CSV (one row a
field: table, row, field, value), only ever privately: in the console as two files under the
exports folder, elsewhere as a private message (split across parts by the outbox). When the
person cannot be written to privately yet (Telegram before /start) they are told how to allow it.

When an author shares something less widely than before (withdraws a story, keeps back what
they had shared), the archived digests that held it are rendered again without it.

`forget` asks first; on `forget confirm` (or the button) the person's identities and memberships
go, their name is blanked, private and withdrawn stories are deleted, and their other entries are
anonymised or deleted as `partnership.erasure` says. Archived huddle and steward digests that
covered their entries are rendered again; messages queued for them are dropped and any outbox
text addressed to them is blanked; their `mydata` files are deleted. The person's id is appended
to the erasure log, a file beside the database (so a restore from backup does not take it back),
and recorded in the `erasures` table. `replay_erasures` applies every logged erasure again; the
daily job does it too, with the retention purge, and so does `huddlebot forget --replay`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from bot.config.practice_settings import partnership_number
from bot.core import confirmations
from bot.core.events import ButtonPress, Command, InboundEvent
from bot.core.inbound import answer_here
from bot.core.messages import Body, Button, Outgoing, ToPerson
from bot.core.people import private_address
from bot.core.router import Chosen, Context, Router
from bot.core.visibility import SHOWN
from bot.digests.contributions import Contributors
from bot.digests.rewriting import ArchivedDigests, Quoted
from bot.errors import InputError
from bot.practices.data_rights.backups import BACKUP_DAYS, backups_folder, remove_old_backups
from bot.practices.data_rights.cli import add_forget_parser, forget_command
from bot.practices.data_rights.erasure import ErasureLog, erase_person, replay_erasures
from bot.practices.data_rights.holdings import as_csv, as_json, person_data, summary
from bot.practices.data_rights.web import data_pages
from bot.practices.protocols import CliCommand
from bot.practices.services import Services
from bot.rituals.scheduler import JobSpec
from bot.rituals.timing import cron
from bot.storage.models import Entry
from bot.storage.retention import (
    forget_settled_texts,
    purge_expired,
)
from bot.web.pages import Page

log = logging.getLogger(__name__)

INLINE_LIMIT = 60_000
"""Characters of JSON and CSV together that `mydata` sends in chat; more is kept as files."""
EXPORTS_KEPT_DAYS = 7
"""Days a `mydata` file stays in the exports folder; forgetting the person removes it at once."""
_STAMP = "%Y%m%dT%H%M%S"
FORGET = "forget"
"""The question `forget` asks, answered by `forget confirm` or its button."""
DAILY = "20 3 * * *"
"""When retention and the erasure log run, in the partnership's time zone."""


# --- the feature -------------------------------------------------------------------------------


class DataRights:
    """The `mydata` and `forget` verbs, and the daily retention and erasure job."""

    name = "data_rights"
    partnership_settings = ("backup_days",)
    commands = (CliCommand("forget", add_forget_parser, forget_command),)

    def __init__(self, services: Services) -> None:
        self._services = services
        self._config = services.config
        self.exports_dir = services.data_dir / "exports"
        self.erasure_log = ErasureLog(services.data_dir / "erasures.log")
        self.archive = ArchivedDigests(services.config, services.library, Contributors())
        self.backups = backups_folder(services.data_dir)
        self.backup_days = partnership_number(
            services.config, "backup_days", default=BACKUP_DAYS, minimum=0
        )
        """Files in the data folder's backups/ older than this many days go (0: never)."""

    def use_digests(self, contributors: Contributors) -> None:
        """Archived digests are rendered again with the parts these practices add."""
        self.archive = ArchivedDigests(self._config, self._services.library, contributors)

    def web_pages(self) -> tuple[Page, ...]:
        """Its page of the web view."""
        return data_pages()

    def register(self, router: Router) -> None:
        router.command(
            "mydata", self.on_mydata, description="get everything the bot holds about you"
        )
        router.command("forget", self.on_forget, description="ask the bot to forget you")
        router.button("forget_confirm", self.on_forget_button)
        router.button("forget_cancel", self.on_forget_cancel)
        router.on_choice(self._services.library.kinds(), self.on_narrowed)

    def jobs(self) -> list[JobSpec]:
        partnership = self._config.partnership
        return [JobSpec("rights:daily", cron(DAILY, partnership.timezone), self.daily)]

    async def daily(self) -> None:
        """Purge entries past the retention period; apply the erasure log again; remove
        `mydata` files after a week and backups older than `backup_days`."""
        now = self._services.clock.now()
        partnership = self._config.partnership
        async with self._services.runtime.transaction(now=now) as tx:
            await purge_expired(tx.session, retention_days=partnership.retention_days, now=now)
        again = await replay_erasures(
            self._services.sessions,
            self.erasure_log,
            mode=partnership.erasure,
            now=now,
            archive=self.archive,
        )
        for person_id in again:
            self._services.memo.forget_person(person_id)
        async with self._services.runtime.transaction(now=now) as tx:
            await forget_settled_texts(tx.session, now=now)
        removed = await asyncio.to_thread(
            remove_exports,
            self.exports_dir,
            people=again,
            before=now - timedelta(days=EXPORTS_KEPT_DAYS),
        )
        if removed:
            log.info("removed %d mydata file(s) from %s", removed, self.exports_dir)
        if self.backup_days:
            cutoff = now - timedelta(days=self.backup_days)
            await asyncio.to_thread(remove_old_backups, self.backups, before=cutoff)

    # -- mydata --------------------------------------------------------------------------------

    async def on_mydata(self, ctx: Context, event: Command) -> list[Outgoing]:
        person_id = ctx.who.person_id
        data = await person_data(ctx.session, person_id, now=ctx.now)
        as_text, table = as_json(data), as_csv(data)
        key = f"mydata:{event.platform}:{event.dedup_key}"
        context: dict[str, Any] = {
            "summary": summary(data),
            "limit": INLINE_LIMIT,
            "json": "",
            "csv": "",
            "json_path": None,
            "csv_path": None,
            "too_large": False,
        }
        local = ctx.capabilities.local_files
        if local or len(as_text) + len(table) > INLINE_LIMIT:
            stamp = ctx.now.astimezone(UTC).strftime(_STAMP)
            base = self.exports_dir / f"mydata-{person_id}-{stamp}"
            await asyncio.to_thread(_write, base, as_text, table)
            context.update(json_path=f"{base}.json", csv_path=f"{base}.csv")
            context["too_large"] = not local
        else:
            context.update(json=as_text, csv=table)
        if local:
            return [answer_here(event, Body("rights/mydata", context), key=key)]
        if await private_address(ctx.session, person_id) is None:
            return [answer_here(event, Body("rights/private_only", {}), key=key)]
        sent = Outgoing(to=ToPerson(person_id), body=Body("rights/mydata", context), key=key)
        if event.private or ctx.capabilities.answers_go_privately:
            return [sent]  # a note would arrive beside the data itself
        note = answer_here(event, Body("rights/sent_privately", {}), key=f"{key}:note")
        return [sent, note]

    # -- taking words back ---------------------------------------------------------------------

    async def on_narrowed(self, ctx: Context, event: Any, chosen: Chosen) -> list[Outgoing]:
        """Words an author now shares less widely (a story withdrawn, something kept back) leave
        every archived digest that held them, in the same transaction."""
        if not narrowed(chosen.before, chosen.after):
            return []
        entry = await ctx.session.get(Entry, chosen.entry_id)
        if entry is not None:
            quoted = Quoted(entry.circle_id, entry.created_at, entry.text)
            await self.archive.rewrite(ctx.session, [quoted])
        return []

    # -- forget --------------------------------------------------------------------------------

    async def on_forget(self, ctx: Context, event: Command) -> list[Outgoing]:
        word = event.args.strip().lower()
        key = f"forget:{event.platform}:{event.dedup_key}"
        if word == "confirm":
            return await self._forget(ctx, event)
        if word == "cancel":
            await confirmations.take(ctx, FORGET)
            return [answer_here(event, Body("rights/forget_cancelled", {}), key=key)]
        if word:
            raise InputError("rights/forget_usage", word=word)
        await confirmations.ask(ctx, FORGET)
        minutes = confirmations.ANSWER_WITHIN.seconds // 60
        body = Body(
            "rights/forget_ask", {"mode": self._config.partnership.erasure, "minutes": minutes}
        )
        value = str(ctx.who.person_id)
        buttons = (
            Button("forget_confirm", value, "Yes, forget me"),
            Button("forget_cancel", value, "No, keep things as they are"),
        )
        return [replace(answer_here(event, body, key=key), buttons=buttons)]

    async def on_forget_button(self, ctx: Context, event: ButtonPress) -> list[Outgoing]:
        if event.value != str(ctx.who.person_id):
            raise InputError("rights/forget_not_yours")
        return await self._forget(ctx, event)

    async def on_forget_cancel(self, ctx: Context, event: ButtonPress) -> list[Outgoing]:
        if event.value != str(ctx.who.person_id):
            raise InputError("rights/forget_not_yours")
        await confirmations.take(ctx, FORGET)
        key = f"forget:{event.platform}:{event.dedup_key}"
        return [answer_here(event, Body("rights/forget_cancelled", {}), key=key)]

    async def _forget(self, ctx: Context, event: InboundEvent) -> list[Outgoing]:
        """Forget the sender, if this answers the question `forget` asked them just now (or they
        confirmed it in the same step, on the web view's page)."""
        confirmed = isinstance(event, Command) and event.confirmed
        if not await confirmations.take(ctx, FORGET) and not confirmed:
            raise InputError(
                "rights/forget_not_asked", minutes=confirmations.ANSWER_WITHIN.seconds // 60
            )
        person_id = ctx.who.person_id
        mode = self._config.partnership.erasure
        await erase_person(ctx.session, person_id, mode=mode, now=ctx.now, archive=self.archive)
        ctx.after_commit(partial(self.erasure_log.append, person_id))
        ctx.after_commit(partial(ctx.memo.forget_person, person_id))
        ctx.after_commit(partial(remove_exports, self.exports_dir, people=[person_id]))
        log.info("person %s was forgotten (%s)", person_id, mode)
        body = Body("rights/forgotten", {"mode": mode})
        return [answer_here(event, body, key=f"forgotten:{event.platform}:{event.dedup_key}")]


def narrowed(before: str, after: str) -> bool:
    """Whether an entry going from visibility `before` to `after` is seen by fewer audiences."""
    seen_before = {audience for audience, shown in SHOWN.items() if before in shown}
    seen_after = {audience for audience, shown in SHOWN.items() if after in shown}
    return seen_after < seen_before


def remove_exports(
    folder: Path, *, people: Sequence[int] = (), before: datetime | None = None
) -> int:
    """Delete the `mydata` files of `people`, and any written before `before`; returns how many."""
    if not folder.is_dir():
        return 0
    removed = 0
    for path in folder.glob("mydata-*-*.*"):
        parts = path.stem.split("-")
        if len(parts) != 3 or not parts[1].isdigit():
            continue
        try:
            written = datetime.strptime(parts[2], _STAMP).replace(tzinfo=UTC)
        except ValueError:
            continue
        if int(parts[1]) in people or (before is not None and written < before):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _write(base: Path, as_text: str, table: str) -> None:
    base.parent.mkdir(parents=True, exist_ok=True)
    base.with_name(base.name + ".json").write_text(as_text, encoding="utf-8")
    base.with_name(base.name + ".csv").write_text(table, encoding="utf-8")

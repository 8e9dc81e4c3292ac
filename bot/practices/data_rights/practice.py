"""People's data rights: `mydata` (everything held about them), `forget` (erasure), and retention.

`mydata` sends the person everything the bot holds about them, as JSON and as CSV (one row a
field: table, row, field, value), only ever privately: in the console as two files under the
exports folder, elsewhere as a private message (split across parts by the outbox). When the
person cannot be written to privately yet (Telegram before /start) they are told how to allow it.

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
import csv
import io
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config.partnership import Config
from bot.core.events import ButtonPress, Command, InboundEvent
from bot.core.inbound import answer_here
from bot.core.messages import Body, Button, Outgoing, ToPerson
from bot.core.people import private_address
from bot.core.router import Context, Router
from bot.digests import steward_digest
from bot.digests.huddle_digest import digest_context
from bot.errors import InputError
from bot.practices.data_rights.models import Erasure
from bot.practices.services import Services
from bot.rituals.scheduler import JobSpec
from bot.rituals.timing import cron
from bot.storage.database import SessionFactory
from bot.storage.models import Digest, Entry, OutboxMessage, Person
from bot.storage.references import identifies, words_of
from bot.storage.retention import (
    delete_entries,
    delete_rows,
    entry_columns,
    execute,
    forget_settled_texts,
    person_columns,
    purge_expired,
)
from bot.text.library import PromptLibrary

log = logging.getLogger(__name__)

INLINE_LIMIT = 60_000
"""Characters of JSON and CSV together that `mydata` sends in chat; more is kept as files."""
EXPORTS_KEPT_DAYS = 7
"""Days a `mydata` file stays in the exports folder; forgetting the person removes it at once."""
_STAMP = "%Y%m%dT%H%M%S"
DAILY = "20 3 * * *"
"""When retention and the erasure log run, in the partnership's time zone."""


# --- what is held about a person -----------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


async def _rows(session: AsyncSession, table: sa.Table, condition: Any) -> list[dict[str, Any]]:
    query = sa.select(table).where(condition).order_by(*table.primary_key.columns)
    result = await execute(session, query)
    return [{key: _plain(value) for key, value in row._mapping.items()} for row in result]


async def person_data(session: AsyncSession, person_id: int, *, now: datetime) -> dict[str, Any]:
    """Everything stored about one person: their rows, and the rows that hang on their entries."""
    people = SQLModel.metadata.tables["people"]
    entries: sa.Table = Entry.__table__  # type: ignore[attr-defined]
    person = await _rows(session, people, people.c.id == person_id)
    tables: dict[str, list[dict[str, Any]]] = {}
    seen: dict[str, set[tuple[Any, ...]]] = {}

    def keep(table: sa.Table, rows: list[dict[str, Any]]) -> None:
        keys = [c.name for c in table.primary_key.columns]
        known = seen.setdefault(table.name, set())
        for row in rows:
            ident = tuple(row[k] for k in keys)
            if ident not in known:
                known.add(ident)
                tables.setdefault(table.name, []).append(row)

    for table, column in person_columns():
        keep(table, await _rows(session, table, column == person_id))
    own_entries = sa.select(entries.c.id).where(entries.c.person_id == person_id)
    for table, column in entry_columns():
        keep(table, await _rows(session, table, column.in_(own_entries)))
    return {
        "exported_at": now.isoformat(),
        "person": person[0] if person else None,
        "tables": dict(sorted(tables.items())),
    }


def as_csv(data: dict[str, Any]) -> str:
    """The same data, one line a field: table, row, field, value."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["table", "row", "field", "value"])
    for field, value in (data.get("person") or {}).items():
        writer.writerow(["people", 1, field, "" if value is None else value])
    for name, rows in data["tables"].items():
        for number, row in enumerate(rows, start=1):
            for field, value in row.items():
                writer.writerow([name, number, field, "" if value is None else value])
    return out.getvalue()


def as_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False, default=str)


def summary(data: dict[str, Any]) -> dict[str, int]:
    tables = data["tables"]
    entries = tables.get("entries", [])
    return {
        "entries": len(entries),
        "stories": sum(1 for e in entries if e.get("kind") == "story"),
        "consents": len(tables.get("consents", [])),
        "circles": len(tables.get("memberships", [])),
        "tables": len(tables),
    }


# --- erasure -----------------------------------------------------------------------------------


class ErasureLog:
    """Person ids, one a line, in a file that lives beside the database rather than in it."""

    def __init__(self, path: Path, *, also: Sequence[Path] = ()) -> None:
        self.path = path
        self.also = [p for p in also if p != path]
        """Other logs to read (never written): where an earlier setting may have put one."""

    def append(self, person_id: int) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as log_file:
            log_file.write(f"{person_id}\n")

    def read(self) -> list[int]:
        ids: list[int] = []
        for path in (self.path, *self.also):
            if path.exists():
                lines = path.read_text(encoding="utf-8").split()
                ids.extend(int(line) for line in lines if line.strip().isdigit())
        return list(dict.fromkeys(ids))


async def erase_person(
    session: AsyncSession,
    person_id: int,
    *,
    mode: str,
    now: datetime,
    archive: Archive | None = None,
) -> bool:
    """Erase or anonymise one person as `mode` says; True when anything was still there to erase.

    With `archive`, the archived huddle digests that covered their entries are written again
    from what is left, so the archive no longer names them either. Safe to run again: a second
    run finds nothing and changes nothing.
    """
    person = await session.get(Person, person_id)
    if person is None:
        return False
    quoted = (
        await session.exec(
            select(Entry.circle_id, Entry.created_at).where(Entry.person_id == person_id)
        )
    ).all()
    entries: sa.Table = Entry.__table__  # type: ignore[attr-defined]
    theirs = entries.c.person_id == person_id
    if mode == "erase":
        changed = await delete_entries(session, theirs) > 0
    else:  # anonymise: keep what they shared, without them; what only they could see goes
        hidden = col(Entry.visibility).in_(("private", "withdrawn"))
        changed = await delete_entries(session, sa.and_(theirs, hidden)) > 0
        result = await execute(session, sa.update(entries).where(theirs).values(anonymous=True))
        changed = changed or bool(getattr(result, "rowcount", 0))
    for table, column in person_columns():
        if column.nullable:
            values: dict[str, Any] = {column.name: None}
            if mode == "erase":  # what they wrote in a row that is not theirs alone goes too
                values.update(dict.fromkeys(words_of(column), ""))
            result = await execute(
                session, sa.update(table).where(column == person_id).values(values)
            )
            changed = changed or bool(getattr(result, "rowcount", 0))
        elif mode == "erase" or identifies(column):
            changed = await delete_rows(session, table, column == person_id) > 0 or changed
    changed = await _clear_outbox(session, person_id) or changed
    if person.erased_at is None or person.display_name:
        person.display_name = ""
        person.erased_at = person.erased_at or now
        session.add(person)
        changed = True
    if changed:
        session.add(Erasure(person_id=person_id, mode=mode, applied_at=now))
        if archive is not None:
            await archive.rewrite(session, [(circle_id, at) for circle_id, at in quoted])
    return changed


async def _clear_outbox(session: AsyncSession, person_id: int) -> bool:
    """Messages to the person not sent yet are dropped; any text kept for them is blanked."""
    mine = col(OutboxMessage.person_id) == person_id
    dropped = await execute(
        session, sa.delete(OutboxMessage).where(mine, col(OutboxMessage.status) == "pending")
    )
    blanked = await execute(
        session,
        sa.update(OutboxMessage)
        .where(mine, col(OutboxMessage.text) != "")
        .values(text="", buttons="[]"),
    )
    return bool(getattr(dropped, "rowcount", 0) or getattr(blanked, "rowcount", 0))


@dataclass(frozen=True, slots=True)
class Archive:
    """Writes archived digests again, so an erasure reaches the archive too."""

    config: Config
    library: PromptLibrary

    async def rewrite(self, session: AsyncSession, moments: list[tuple[str, datetime]]) -> int:
        """Render again every digest whose period holds one of (circle id, time): the circle's
        huddle digests, and the steward digests, which draw on every open circle."""
        known = {circle.id for circle in self.config.circles}
        done: set[int] = set()
        for circle_id, at in moments:
            if circle_id not in known:
                continue
            covering = (col(Digest.period_start) <= at) & (col(Digest.period_end) > at)
            huddles = select(Digest).where(
                covering, Digest.kind == "huddle", Digest.circle_id == circle_id
            )
            stewards = select(Digest).where(covering, Digest.kind == steward_digest.KIND)
            for digest in [*(await session.exec(huddles)), *(await session.exec(stewards))]:
                if digest.id is None or digest.id in done:
                    continue
                done.add(digest.id)
                digest.markdown = await self._render(session, digest, circle_id)
                session.add(digest)
        return len(done)

    async def _render(self, session: AsyncSession, digest: Digest, circle_id: str) -> str:
        start, end = digest.period_start, digest.period_end
        if digest.kind == steward_digest.KIND:
            context = await steward_digest.steward_context(
                session, config=self.config, start=start, end=end, library=self.library
            )
            return self.library.render(steward_digest.TEMPLATE, context, "markdown")
        circle = self.config.circle(circle_id)
        context = await digest_context(
            session, circle=circle, start=start, end=end, library=self.library
        )
        return self.library.render("huddle_digest", context, "markdown")


async def replay_erasures(
    sessions: SessionFactory,
    log_file: ErasureLog,
    *,
    mode: str,
    now: datetime,
    archive: Archive | None = None,
) -> list[int]:
    """Apply every logged erasure again (after a restore); returns the ids that needed it."""
    async with sessions.begin() as session:
        recorded = (await session.exec(select(Erasure.person_id).distinct())).all()
        again = []
        for person_id in dict.fromkeys([*log_file.read(), *recorded]):
            if await erase_person(session, person_id, mode=mode, now=now, archive=archive):
                again.append(person_id)
    if again:
        log.warning("applied %d erasure(s) again: %s", len(again), again)
    return again


# --- the feature -------------------------------------------------------------------------------


class DataRights:
    """The `mydata` and `forget` verbs, and the daily retention and erasure job."""

    def __init__(self, services: Services, *, data_dir: Path) -> None:
        self._services = services
        self._config = services.config
        self.exports_dir = data_dir / "exports"
        self.erasure_log = ErasureLog(data_dir / "erasures.log")
        self.archive = Archive(services.config, services.library)

    def register(self, router: Router) -> None:
        router.command(
            "mydata", self.on_mydata, description="get everything the bot holds about you"
        )
        router.command("forget", self.on_forget, description="ask the bot to forget you")
        router.button("forget_confirm", self.on_forget_button)
        router.button("forget_cancel", self.on_forget_cancel)

    def jobs(self) -> list[JobSpec]:
        partnership = self._config.partnership
        return [JobSpec("rights:daily", cron(DAILY, partnership.timezone), self.daily)]

    async def daily(self) -> None:
        """Purge entries past the retention period; apply the erasure log again."""
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
        if event.private:
            return [sent]
        note = answer_here(event, Body("rights/sent_privately", {}), key=f"{key}:note")
        return [sent, note]

    # -- forget --------------------------------------------------------------------------------

    async def on_forget(self, ctx: Context, event: Command) -> list[Outgoing]:
        word = event.args.strip().lower()
        key = f"forget:{event.platform}:{event.dedup_key}"
        if word == "confirm":
            return await self._forget(ctx, event)
        if word == "cancel":
            return [answer_here(event, Body("rights/forget_cancelled", {}), key=key)]
        if word:
            raise InputError("rights/forget_usage", word=word)
        body = Body("rights/forget_ask", {"mode": self._config.partnership.erasure})
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
        key = f"forget:{event.platform}:{event.dedup_key}"
        return [answer_here(event, Body("rights/forget_cancelled", {}), key=key)]

    async def _forget(self, ctx: Context, event: InboundEvent) -> list[Outgoing]:
        person_id = ctx.who.person_id
        mode = self._config.partnership.erasure
        await erase_person(ctx.session, person_id, mode=mode, now=ctx.now, archive=self.archive)
        ctx.after_commit(partial(self.erasure_log.append, person_id))
        ctx.after_commit(partial(ctx.memo.forget_person, person_id))
        ctx.after_commit(partial(remove_exports, self.exports_dir, people=[person_id]))
        log.info("person %s was forgotten (%s)", person_id, mode)
        body = Body("rights/forgotten", {"mode": mode})
        return [answer_here(event, body, key=f"forgotten:{event.platform}:{event.dedup_key}")]


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


# --- the command line --------------------------------------------------------------------------

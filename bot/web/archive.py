"""The digests' archive: each digest as it was posted to the person's circles (and, for a
steward, the steward digests), newest first, searchable by words and dates, a page at a time.
Each is shown as safe HTML (`bot.web.digest_html`): its own headings, lists and emphasis, and
everyone's words as text.

A teller may narrow or withdraw a story after a digest showing it was posted. Such a digest (one
whose period holds an entry with a consent chosen after the digest was written) is shown as it
would be written now, through the digests' own functions, so the page never shows what its teller
took back.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlmodel import col, func, or_, select

from bot.digests import steward_digest
from bot.digests.contributions import Contributors
from bot.digests.huddle_digest import digest_context
from bot.storage.models import Consent, Digest, Entry
from bot.text.library import PromptLibrary
from bot.web.digest_html import digest_html
from bot.web.pages import Page, Reading
from bot.web.paging import PAGE, Paging

SHOWN = 20
"""Digests to a page."""


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _escaped(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class Archive:
    def __init__(self, library: PromptLibrary, contributors: Contributors) -> None:
        self._library = library
        self._contributors = contributors

    def page(self) -> Page:
        return Page("digests", "Digests", self.read, order=20)

    async def read(self, reading: Reading) -> dict[str, Any]:
        viewer = reading.viewer
        mine = col(Digest.circle_id).in_(list(viewer.circles)) & (Digest.kind == "huddle")
        wanted = [or_(mine, Digest.kind == steward_digest.KIND) if viewer.steward else mine]
        words = reading.query.get("q", "").strip()[:200]
        for word in words.split()[:8]:
            wanted.append(col(Digest.markdown).ilike(f"%{_escaped(word)}%", escape="\\"))
        problems = []
        since, until = _day(reading.query.get("from", "")), _day(reading.query.get("to", ""))
        if reading.query.get("from") and since is None:
            problems.append("The first date is not one I can read: please write it as 2026-03-31.")
        if reading.query.get("to") and until is None:
            problems.append("The last date is not one I can read: please write it as 2026-03-31.")
        if since is not None:
            wanted.append(col(Digest.period_end) >= datetime.combine(since, time(), UTC))
        if until is not None:
            end = datetime.combine(until, time(), UTC) + timedelta(days=1)
            wanted.append(col(Digest.period_start) < end)
        total = int((await reading.session.exec(select(func.count()).where(*wanted))).one())
        paging = Paging.of(reading.query.get(PAGE), size=SHOWN, total=total)
        query = (
            select(Digest)
            .where(*wanted)
            .order_by(col(Digest.period_end).desc(), col(Digest.id).desc())
            .offset(paging.offset)
            .limit(paging.size)
        )
        shown = list((await reading.session.exec(query)).all())
        stale = await self._stale(reading, shown)
        digests = []
        for d in shown:
            text = await self._now(reading, d) if d.id in stale else d.markdown
            digests.append(
                {
                    "circle": "Stewards' weekly digest"
                    if d.kind == steward_digest.KIND
                    else reading.circle_name(d.circle_id),
                    "start": d.period_start,
                    "end": d.period_end,
                    "html": digest_html(text),
                }
            )
        return {
            "digests": digests,
            "paging": paging.links("/app/digests", reading.query),
            "searched": bool(words or since or until),
            "problems": problems,
            "words": words,
        }

    async def _stale(self, reading: Reading, digests: list[Digest]) -> set[int | None]:
        """The digests written before a teller changed their mind about an entry they cover."""
        if not digests:
            return set()
        oldest = min(d.period_start for d in digests)
        changes = (
            select(Entry.circle_id, Entry.created_at, Consent.chosen_at)
            .join(Consent, col(Consent.entry_id) == col(Entry.id))
            .where(
                col(Entry.created_at) >= oldest,
                col(Consent.chosen_at) >= min(d.created_at for d in digests),
            )
        )
        rows = (await reading.session.exec(changes)).all()
        return {
            d.id
            for d in digests
            for circle_id, told, chosen in rows
            if (d.kind == steward_digest.KIND or circle_id == d.circle_id)
            and d.period_start <= told < d.period_end
            and chosen >= d.created_at
        }

    async def _now(self, reading: Reading, digest: Digest) -> str:
        start, end = digest.period_start, digest.period_end
        if digest.kind == steward_digest.KIND:
            context = await steward_digest.steward_context(
                reading.session,
                config=reading.config,
                start=start,
                end=end,
                library=self._library,
                contributors=self._contributors,
            )
            return self._library.render(steward_digest.TEMPLATE, context, "markdown")
        context = await digest_context(
            reading.session,
            circle=reading.config.circle(digest.circle_id),
            start=start,
            end=end,
            library=self._library,
            contributors=self._contributors,
        )
        return self._library.render("huddle_digest", context, "markdown")

"""The digests' archive: each digest as it was posted to the person's circles (and, for a
steward, the steward digests), newest first, searchable by words and dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlmodel import col, or_, select

from bot.digests import steward_digest
from bot.storage.models import Digest
from bot.web.pages import Page, Reading

SHOWN = 30


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


async def read(reading: Reading) -> dict[str, Any]:
    viewer = reading.viewer
    mine = col(Digest.circle_id).in_(list(viewer.circles)) & (Digest.kind == "huddle")
    query = select(Digest).where(
        or_(mine, Digest.kind == steward_digest.KIND) if viewer.steward else mine
    )
    words = reading.query.get("q", "").strip()[:200]
    for word in words.split()[:8]:
        query = query.where(col(Digest.markdown).ilike(f"%{_escaped(word)}%", escape="\\"))
    problems = []
    since, until = _day(reading.query.get("from", "")), _day(reading.query.get("to", ""))
    if reading.query.get("from") and since is None:
        problems.append("The first date is not one I can read: please write it as 2026-03-31.")
    if reading.query.get("to") and until is None:
        problems.append("The last date is not one I can read: please write it as 2026-03-31.")
    if since is not None:
        query = query.where(col(Digest.period_end) >= datetime.combine(since, time(), UTC))
    if until is not None:
        end = datetime.combine(until, time(), UTC) + timedelta(days=1)
        query = query.where(col(Digest.period_start) < end)
    query = query.order_by(col(Digest.period_end).desc(), col(Digest.id).desc()).limit(SHOWN + 1)
    found = list((await reading.session.exec(query)).all())
    digests = [
        {
            "circle": "Stewards' weekly digest"
            if d.kind == steward_digest.KIND
            else reading.circle_name(d.circle_id),
            "start": d.period_start,
            "end": d.period_end,
            "text": d.markdown,
        }
        for d in found[:SHOWN]
    ]
    searched = bool(words or since or until)
    return {
        "digests": digests,
        "more": len(found) > SHOWN,
        "searched": searched,
        "problems": problems,
        "words": words,
    }


def _escaped(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def archive_page() -> Page:
    return Page("digests", "Digests", read, order=20)

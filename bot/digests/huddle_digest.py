"""The huddle digest: what a circle said over a period, posted back to every room once.

Sections, each left out when empty: what we learned (in themes), what is getting in the way (new,
still open, resolved or parked since last time), celebrations, stories shared with the circle,
experiments, questions for the huddle, other reflections, and participation in numbers only.
When blockers outnumber everything else, the digest leads with what is working and shows only
the first few blockers, with a count of the rest.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config.partnership import CircleConfig
from bot.core.messages import Body, Outgoing, ToCircle
from bot.core.visibility import LEARNING_SET
from bot.digests.contributions import (
    BlockerReport,
    Contributors,
    ExperimentLine,
    HuddlePart,
    PulseReading,
    StoryLine,
    huddle_parts,
)
from bot.digests.posting import Posting
from bot.digests.sections import (
    FULL,
    THEME_INPUT,
    Shared,
    capped,
    item,
    participation,
    plain,
    shared_sample,
    shown_entries,
    themed,
)
from bot.rituals.timing import local
from bot.storage.models import Digest
from bot.storage.sql import insert_ignore
from bot.text.library import PromptLibrary

log = logging.getLogger(__name__)

PLAIN_KINDS = (
    "learning",
    "blocker",
    "celebration",
    "story",
    "experiment_update",
    "question",
    "reflection",
)


def _listed(entries: list[Shared], total: int, questions: dict[str, str]) -> dict[str, Any]:
    """A section that lists its entries: answers to the partnership's own prompts under their
    question (`asked`), then the rest, and how many more there are."""
    asked: dict[str, list[dict[str, Any]]] = {}
    rest = []
    for entry in entries:
        question = questions.get(entry.prompt_id or "")
        if question is None:
            rest.append(entry)
        else:
            asked.setdefault(question, []).append(item(entry))
    shown, _more = shown_entries(rest)
    groups = [{"question": question, "entries": found} for question, found in asked.items()]
    return {"asked": groups, "entries": shown, "more": max(0, total - len(entries))}


def own_questions(library: PromptLibrary) -> dict[str, str]:
    """The partnership's own prompts (`prompts/README.md`), by id, with their questions."""
    own = {o.name for o in library.origins() if o.kind == "prompt" and o.own}
    return {p.id: p.question for p in library.prompts() if p.id in own}


def _blockers(part: BlockerReport | None, raised: list[Shared]) -> dict[str, list[Any]]:
    """The blocker section's lists; without a practice keeping blockers, the raised entries."""
    if part is None:
        return {"new": [{"text": e.text, "number": e.id} for e in raised], "open": [], "closed": []}
    return {"new": plain(part.new), "open": plain(part.open), "closed": plain(part.closed)}


def _pulse(reading: PulseReading | None) -> dict[str, Any] | None:
    if reading is None:
        return None
    return {
        "people": reading.people,
        "factors": plain(reading.factors),
        "direction": plain(reading.direction),
    }


def _experiments(found: tuple[ExperimentLine, ...] | None, updates: list[Shared]) -> dict[str, Any]:
    if found is None:
        shown, more = shown_entries(updates)
        return {"experiments": [], "entries": shown, "more": more}
    return {"experiments": plain(found[:FULL]), "entries": [], "more": 0}


def _stories(found: tuple[StoryLine, ...] | None, shared: list[Shared]) -> list[dict[str, Any]]:
    if found is None:
        return [item(e) for e in shared]
    return [{"title": s.title, "text": s.text, "author": s.author} for s in found]


async def digest_context(
    session: AsyncSession,
    *,
    circle: CircleConfig,
    start: datetime,
    end: datetime,
    library: PromptLibrary,
    contributors: Contributors,
) -> dict[str, Any]:
    """What the digest template needs; only what each author chose to share with the circle.

    Every kind the catalog defines has a section: the partnership's own kinds come after the
    built-in ones, headed as the catalog says."""
    kinds = library.kinds()
    limits = {kind: THEME_INPUT if kind == "learning" else FULL for kind in kinds}
    rows, totals = await shared_sample(
        session, circle_ids=[circle.id], start=start, end=end, limits=limits
    )
    by_kind: dict[str, list[Shared]] = {kind: [] for kind in kinds}
    questions = own_questions(library)
    for row in rows:
        by_kind[row.kind].append(row)
    in_set = circle.kind == LEARNING_SET  # a set's words stay in it, out of its digest too
    added = (
        HuddlePart()
        if in_set
        else await huddle_parts(
            contributors, session, circle_id=circle.id, start=start, end=end, shared=by_kind
        )
    )
    learned = themed(by_kind["learning"], total=totals.get("learning", 0))
    blockers = _blockers(added.blockers, by_kind["blocker"])
    stories = _stories(added.stories, by_kind["story"])
    experiments = _experiments(added.experiments, by_kind["experiment_update"])
    working = learned["count"] + totals.get("celebration", 0)
    troubles = len(blockers["new"]) + len(blockers["open"])
    heavy = troubles >= 3 and troubles > working
    blocker_section = _blocker_section(blockers, heavy=heavy)

    def section(kind: str, **content: Any) -> dict[str, Any]:
        return {"kind": kind, "heading": library.kind_heading(kind), **content}

    sections = []
    if learned["count"]:
        sections.append(section("learning", **learned))
    if blocker_section and not heavy:
        sections.append(section("blocker", **blocker_section))
    if by_kind["celebration"]:
        listed = _listed(by_kind["celebration"], totals["celebration"], questions)
        sections.append(section("celebration", **listed))
    if stories:
        shown, more = capped(stories)
        sections.append(section("story", entries=shown, more=more))
    if experiments["experiments"] or experiments["entries"]:
        sections.append(section("experiment_update", **experiments))
    if blocker_section and heavy:
        sections.append(section("blocker", **blocker_section))  # after what is working
    for kind in ("question", "reflection", *(k for k in kinds if k not in PLAIN_KINDS)):
        if by_kind[kind]:
            sections.append(section(kind, **_listed(by_kind[kind], totals[kind], questions)))
    pulse = _pulse(added.pulse)
    if pulse is not None:
        sections.append({"kind": "pulse", "heading": None, **pulse})
    if added.selections:
        sections.append({"kind": "msc", "heading": None, "selections": plain(added.selections)})
    counts = await participation(session, circle_ids=[circle.id], start=start, end=end)
    news = any(_is_news(s) for s in sections)
    return {
        "circle": {"id": circle.id, "name": circle.name},
        "period": {
            "start": local(start, circle.timezone),
            "end": local(end, circle.timezone),
        },
        "sections": sections,
        "participation": counts,
        "balance": heavy,
        "working": working,
        "quiet": not news,
        "kept_in_set": in_set,
    }


def _is_news(section: dict[str, Any]) -> bool:
    """Whether a section tells something that happened in the period: blockers still open from
    before and a pulse already shown are worth repeating, but are not news on their own."""
    if section["kind"] == "blocker":
        return bool(section["new"] or section["closed"])
    return section["kind"] != "pulse"


def _blocker_section(
    blockers: dict[str, list[dict[str, Any]]], *, heavy: bool
) -> dict[str, Any] | None:
    if not any(blockers.values()):
        return None
    limit = 3 if heavy else FULL
    shown: dict[str, Any] = {"heavy": heavy, "more": 0}
    for part in ("new", "open", "closed"):
        records = blockers[part]
        kept = records[:FULL] if part == "closed" else records[:limit]
        shown[part] = kept
        shown["more"] += len(records) - len(kept)
    return shown


async def previous_end(session: AsyncSession, circle_id: str, before: datetime) -> datetime | None:
    query = (
        select(Digest.period_end)
        .where(
            Digest.circle_id == circle_id, Digest.kind == "huddle", col(Digest.period_end) < before
        )
        .order_by(col(Digest.period_end).desc())
        .limit(1)
    )
    return (await session.exec(query)).first()


async def post_digest(
    session: AsyncSession,
    *,
    circle: CircleConfig,
    end: datetime,
    now: datetime,
    library: PromptLibrary,
    contributors: Contributors,
    start: datetime | None = None,
    news_only: bool = False,
) -> Posting:
    """Archive the digest for (start, end] and queue it for every room, once per period.

    With `news_only` (a digest someone asks for, rather than the schedule's) a period that
    begins where the last digest ended and holds nothing new is neither archived nor posted:
    the last digest already said all there is."""
    previous = await previous_end(session, circle.id, end) if start is None else None
    if start is None:
        start = previous or end - timedelta(days=7)
    context = await digest_context(
        session,
        circle=circle,
        start=start,
        end=end,
        library=library,
        contributors=contributors,
    )
    if news_only and previous is not None and context["quiet"]:
        return Posting(start=start, end=end, skipped="nothing_new")
    digest_id = await insert_ignore(
        session,
        Digest,
        {
            "circle_id": circle.id,
            "kind": "huddle",
            "period_start": start,
            "period_end": end,
            "created_at": now,
            "markdown": library.render("huddle_digest", context, "markdown"),
            "people": context["participation"]["people"],
            "entries": context["participation"]["entries"],
        },
    )
    if digest_id is None:
        log.info("the digest for %s up to %s was already posted", circle.id, end.isoformat())
        return Posting(start=start, end=end, skipped="already")
    outgoing = Outgoing(
        to=ToCircle(circle.id),
        body=Body("huddle_digest", context),
        key=f"digest:{circle.id}:{end.isoformat()}",
        kind="digest",
    )
    return Posting(start=start, end=end, outgoing=(outgoing,))


async def archived(
    session: AsyncSession,
    *,
    circle_id: str | None = None,
    digest_id: int | None = None,
    latest: bool = False,
    limit: int = 50,
) -> list[Digest]:
    """Archived digests, newest first: one by id, the latest, or a list (of one circle)."""
    query = select(Digest)
    if digest_id is not None:
        query = query.where(Digest.id == digest_id)
    if circle_id is not None:
        query = query.where(Digest.circle_id == circle_id)
    query = query.order_by(col(Digest.period_end).desc(), col(Digest.id).desc())
    query = query.limit(1 if latest else limit)
    return list((await session.exec(query)).all())

"""What MSC rounds add to the digests and the export: selections and the reasons agreed.

Every line is read again as the teller shares the story now: a selection whose story was
withdrawn or narrowed since is left out wherever it can no longer be read.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config.partnership import Config
from bot.digests.contributions import HuddlePart, SelectionLine, SharedByKind, StewardPart
from bot.practices.msc.models import MscCandidate, MscRound, MscSelection
from bot.practices.msc.reading import readable_by, stewards_may_read, story_views
from bot.practices.protocols import EntryDetail
from bot.practices.services import Services
from bot.rituals.timing import local


def _name(config: Config, circle_id: str) -> str:
    return next((c.name for c in config.circles if c.id == circle_id), circle_id)


async def _selections(
    session: AsyncSession, *, start: datetime | None = None, end: datetime | None = None
) -> list[tuple[MscSelection, str, MscCandidate]]:
    """(selection, the circle whose round chose it, its candidate), oldest first."""
    query = (
        select(MscSelection, MscRound.circle_id, MscCandidate)
        .join(MscRound, col(MscRound.id) == col(MscSelection.round_id))
        .join(MscCandidate, col(MscCandidate.id) == col(MscSelection.candidate_id))
        .order_by(col(MscSelection.selected_at), col(MscSelection.id))
    )
    if start is not None:
        query = query.where(col(MscSelection.selected_at) >= start)
    if end is not None:
        query = query.where(col(MscSelection.selected_at) < end)
    return list((await session.exec(query)).all())


def _line(
    config: Config, view: dict[str, Any], circle_id: str, selection: MscSelection, c: MscCandidate
) -> SelectionLine:
    return SelectionLine(
        text=view["text"],
        title=view["title"] or None,
        author=view["author"],
        reason=selection.reason,
        circle_name=_name(config, circle_id),
        below_circle=_name(config, c.below_circle_id) if c.below_circle_id else None,
        below_reason=c.below_reason or None,
    )


class MscInDigests:
    """The MSC practice's digest capabilities and its part of the export."""

    _s: Services
    """Set by the practice that this mixes into."""

    async def huddle_part(
        self,
        session: AsyncSession,
        *,
        circle_id: str,
        start: datetime,
        end: datetime,
        shared: SharedByKind,
    ) -> HuddlePart:
        """Selections made in the period by this circle, or about stories shared with it."""
        config = self._s.config
        circle = config.circle(circle_id)
        found = await _selections(session, start=start, end=end)
        views = await story_views(session, [s.entry_id for s, _c, _k in found])
        lines = []
        for selection, chosen_in, candidate in found:
            view = views.get(selection.entry_id)
            if view is None or not readable_by(view["entry"], circle, config):
                continue
            if chosen_in != circle_id and view["entry"].circle_id != circle_id:
                continue
            lines.append(_line(config, view, chosen_in, selection, candidate))
        return HuddlePart(selections=tuple(lines))

    async def steward_part(
        self, session: AsyncSession, *, start: datetime, end: datetime
    ) -> StewardPart:
        """Every selection of the period the stewards may read, with its reasons."""
        config = self._s.config
        hidden = {c.id for c in config.circles if c.kind == "learning_set"}
        found = await _selections(session, start=start, end=end)
        views = await story_views(session, [s.entry_id for s, _c, _k in found])
        lines = []
        for selection, chosen_in, candidate in found:
            view = views.get(selection.entry_id)
            if chosen_in in hidden or view is None or not stewards_may_read(view["entry"], config):
                continue
            lines.append(_line(config, view, chosen_in, selection, candidate))
        return StewardPart(selections=tuple(lines))

    @staticmethod
    async def selections_of(
        session: AsyncSession, config: Config, entry_ids: Sequence[int]
    ) -> dict[int, EntryDetail]:
        """Each story's selections, by entry id, for the export; withdrawn ones are left out."""
        if not entry_ids:
            return {}
        wanted = set(entry_ids)
        found = [row for row in await _selections(session) if row[0].entry_id in wanted]
        views = await story_views(session, [s.entry_id for s, _c, _k in found])
        said: dict[int, list[str]] = {}
        for selection, chosen_in, _candidate in found:
            view = views.get(selection.entry_id)
            if view is None or view["entry"].visibility not in ("circle", "stewards"):
                continue
            circle = next((c for c in config.circles if c.id == chosen_in), None)
            zone = circle.timezone if circle else config.partnership.timezone
            when = local(selection.selected_at, zone)
            said.setdefault(selection.entry_id, []).append(
                f"Chosen by {_name(config, chosen_in)} on {when}: {selection.reason}"
            )
        return {entry_id: EntryDetail(selections=tuple(lines)) for entry_id, lines in said.items()}

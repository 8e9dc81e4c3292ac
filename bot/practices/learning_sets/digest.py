"""What the learning sets practice adds to the stewards' digest: which sets met, never what
was said in them."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.digests.contributions import SetMeeting, StewardPart
from bot.practices.learning_sets.rounds import set_activity


class LearningSetsInDigests:
    """The learning sets practice's digest capability."""

    async def steward_part(
        self, session: AsyncSession, *, start: datetime, end: datetime
    ) -> StewardPart:
        """Each learning set that met in the period, and how many took part."""
        found = await set_activity(session, start=start, end=end)
        return StewardPart(
            learning_sets=tuple(
                SetMeeting(name=r["name"], participants=r["participants"])
                for r in found
                if r["met"]
            )
        )

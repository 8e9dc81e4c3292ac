"""What the stories practice adds to the digests: stories as far as their tellers shared them."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.digests.contributions import (
    HuddlePart,
    SharedByKind,
    StewardPart,
    StewardStory,
    StoryLine,
)
from bot.practices.stories.reading import stories_for_circle, stories_for_stewards


class StoriesInDigests:
    """The stories practice's digest capabilities."""

    async def huddle_part(
        self,
        session: AsyncSession,
        *,
        circle_id: str,
        start: datetime,
        end: datetime,
        shared: SharedByKind,
    ) -> HuddlePart:
        """Stories their tellers shared with the circle, told in the period."""
        found = await stories_for_circle(session, circle_id=circle_id, start=start, end=end)
        return HuddlePart(
            stories=tuple(
                StoryLine(text=r["text"], title=r["title"] or None, author=r["author"])
                for r in found
            )
        )

    async def steward_part(
        self, session: AsyncSession, *, start: datetime, end: datetime
    ) -> StewardPart:
        """Stories shared with a circle or with the stewards, never a learning set's."""
        found = await stories_for_stewards(
            session, start=start, end=end, exclude_circle_kinds=("learning_set",)
        )
        return StewardPart(
            stories=tuple(
                StewardStory(text=r["text"], circle_id=r["circle_id"], author=r["author"])
                for r in found
            )
        )

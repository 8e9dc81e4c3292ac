"""The "This week" page: each of the person's circles as its digest would show the last seven
days, and for a steward the steward digest's week. It reads through the digests' own functions,
so it shows exactly what they may show and nothing more."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.digests.contributions import Contributors
from bot.digests.huddle_digest import digest_context
from bot.digests.steward_digest import steward_context
from bot.text.library import PromptLibrary
from bot.web.pages import Page, Reading

WEEK = timedelta(days=7)


def week_page(library: PromptLibrary, contributors: Contributors) -> Page:
    async def read(reading: Reading) -> dict[str, Any]:
        start, end = reading.now - WEEK, reading.now
        circles = []
        for circle in reading.config.circles:
            if circle.id not in reading.viewer.circles:
                continue
            context = await digest_context(
                reading.session,
                circle=circle,
                start=start,
                end=end,
                library=library,
                contributors=contributors,
            )
            circles.append(context)
        stewards = None
        if reading.viewer.steward:
            stewards = await steward_context(
                reading.session,
                config=reading.config,
                start=start,
                end=end,
                library=library,
                contributors=contributors,
            )
        return {
            "start": start,
            "end": end,
            "circles": circles,
            "stewards": stewards,
            "threshold": reading.threshold,
            "quiet": all(c["quiet"] for c in circles) and (stewards is None or stewards["quiet"]),
        }

    return Page("week", "This week", read, order=10)

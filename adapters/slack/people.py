"""Slack people by name, cached for the adapter's life: the workspace's people listed once as the
adapter connects (`users.list`, a few pages at most), then `users.info` once for anyone else.

Listing first matters when many people write for the first time at once (a busy channel after
a restart, a new partnership): `users.info` for each would be one more call to Slack per person
while acknowledging, and Slack limits how often it may be asked."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterable

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.errors import SDK_ERRORS, translate
from adapters.slack.pacing import Monotonic

logger = logging.getLogger(__name__)

_USER_ID = re.compile(r"[UWB][A-Z0-9]{1,20}")
"""What a Slack user id looks like; nothing else is looked up."""

RETRY_AFTER = 300.0
"""Seconds before asking again about a person whose lookup failed."""
LIST_PAGES = 5
"""At most this many pages of `users.list` (200 people each) as the adapter connects; people
beyond them are looked up one by one when they first write."""
PAGE = 200


class UserDirectory:
    """Display names of Slack users. Lookups are bounded in time so events are still acked fast."""

    def __init__(
        self, client: AsyncWebClient, *, lookup_timeout: float, monotonic: Monotonic
    ) -> None:
        self._client = client
        self._lookup_timeout = lookup_timeout
        self._monotonic = monotonic
        self._names: dict[str, str] = {}
        self._failed_at: dict[str, float] = {}

    def name(self, user: str) -> str:
        """The cached name of `user` ("" until known)."""
        return self._names.get(user, "")

    async def resolve(self, users: Iterable[object]) -> None:
        """Look up every user not yet known, together, for at most `lookup_timeout` seconds."""
        now = self._monotonic()
        missing = [
            u
            for u in dict.fromkeys(users)
            if isinstance(u, str)
            and _USER_ID.fullmatch(u)
            and u not in self._names
            and self._failed_at.get(u, float("-inf")) + RETRY_AFTER < now
        ]
        if not missing:
            return
        try:
            async with asyncio.timeout(self._lookup_timeout):
                await asyncio.gather(*(self._look_up(u) for u in missing))
        except TimeoutError:
            logger.warning("Slack: users.info too slow for %s; names left out", missing)
            for user in missing:
                self._failed_at.setdefault(user, now)

    async def _look_up(self, user: str) -> None:
        try:
            response = await self._client.users_info(user=user)
        except SDK_ERRORS as error:
            logger.warning("Slack: cannot look up user %s: %s", user, translate(error))
            self._failed_at[user] = self._monotonic()
            return
        self._names[user] = _name_of(response.get("user") or {})
        self._failed_at.pop(user, None)

    async def list_all(self, *, pages: int = LIST_PAGES) -> int:
        """Learn the names of the workspace's people from `users.list`, at most `pages` pages;
        how many were learned. A failure is logged and leaves the rest to `resolve`."""
        learned = 0
        cursor: object = ""
        for _ in range(pages):
            try:
                response = await self._client.users_list(
                    limit=PAGE, cursor=cursor if isinstance(cursor, str) and cursor else None
                )
            except SDK_ERRORS as error:
                logger.warning("Slack: cannot list the workspace's people: %s", translate(error))
                break
            members = response.get("members")
            for member in members if isinstance(members, list) else ():
                user = member.get("id") if isinstance(member, dict) else None
                if isinstance(user, str) and _USER_ID.fullmatch(user):
                    self._names.setdefault(user, _name_of(member))
                    learned += 1
            page = response.get("response_metadata")
            cursor = page.get("next_cursor") if isinstance(page, dict) else ""
            if not isinstance(cursor, str) or not cursor:
                break
        return learned


def _name_of(data: object) -> str:
    """A Slack user's name to show, from `users.info`'s `user` or a `users.list` member."""
    if not isinstance(data, dict):
        return ""
    profile = data.get("profile")
    profile = profile if isinstance(profile, dict) else {}
    return str(
        profile.get("display_name")
        or profile.get("real_name")
        or data.get("real_name")
        or data.get("name")
        or ""
    )

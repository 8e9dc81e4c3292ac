"""Slack people by name: `users.info` once per person, cached for the adapter's life."""

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
        data = response.get("user") or {}
        profile = data.get("profile") or {}
        self._names[user] = str(
            profile.get("display_name")
            or profile.get("real_name")
            or data.get("real_name")
            or data.get("name")
            or ""
        )
        self._failed_at.pop(user, None)

"""Long polling that never moves past an update the core could not store.

`getUpdates` confirms every update below the `offset` it is given, so the offset moves past an
update only once the core has stored it. When storing fails (`NotStored`), the poller waits
(`Backoff`) and asks again from that update, which Telegram then delivers again; the updates
after it wait their turn, so none is lost and the order is kept. Failures to reach Telegram are
waited out the same way.

Telegram lets one client poll a bot at a time. When several processes share the database, each
asks for the turn `telegram:polling` (bot/core/ports.py `Turns`, a lease held while its process
lives) before every `getUpdates`; the others wait and ask again every few seconds, so when the
poller dies another takes over within seconds of its heartbeat going stale. The new poller starts
from the updates Telegram has not had confirmed, which the core recognises as already handled.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import Bot, Update
from telegram.error import TelegramError

from adapters.common.handover import Backoff, NotStored
from adapters.common.pacing import Sleep
from adapters.telegram.inbound import ALLOWED_UPDATES
from bot.core.ports import Turns

log = logging.getLogger(__name__)

UpdateHandler = Callable[[Update], Awaitable[None]]
"""Hands one update to the core; raises `NotStored` when it was not stored."""

TURN = "telegram:polling"
TURN_WAIT = 2.0
"""While another process polls, ask for the turn this often (seconds)."""


class Poller:
    """Fetches updates with `getUpdates` and hands them over, one at a time, in order."""

    def __init__(
        self,
        bot: Bot,
        handle: UpdateHandler,
        *,
        timeout: int,
        sleep: Sleep,
        backoff: Backoff | None = None,
        turns: Turns | None = None,
    ) -> None:
        self._bot = bot
        self._handle = handle
        self._timeout = timeout
        self._sleep = sleep
        self._backoff = backoff or Backoff()
        self.offset: int | None = None
        """The first update not yet stored; those below it are confirmed to Telegram."""
        self._failures = 0
        self._turns = turns
        self._polling = turns is None
        """Whether this process has the turn to poll (always, with nobody to share it)."""

    async def run(self) -> None:
        """Poll until cancelled, in turn with other processes."""
        while True:
            if not await self._my_turn():
                await self._sleep(TURN_WAIT)
                continue
            await self.poll_once()

    async def _my_turn(self) -> bool:
        if self._turns is None:
            return True
        try:
            mine = await self._turns.take(TURN)
        except Exception as exc:  # the database is away: poll nothing until it is back
            log.warning("telegram: cannot tell whose turn it is to poll (%s)", exc)
            mine = False
        if mine != self._polling:
            self._polling = mine
            if mine:
                log.info("telegram: this process polls for updates now")
            else:
                log.info("telegram: another process polls for updates; this one waits")
                self.offset = None  # that process confirms what it takes
        return mine

    async def give_back(self) -> None:
        """Let another process poll (at a graceful stop, after `confirm`)."""
        if self._turns is None or not self._polling:
            return
        self._polling = False
        try:
            await self._turns.give_back(TURN)
        except Exception as exc:
            log.info("telegram: could not give the polling turn back (%s); it passes on", exc)

    async def poll_once(self) -> None:
        """One `getUpdates` call, and each update it returns handed over until one fails."""
        try:
            updates = await self._bot.get_updates(
                offset=self.offset, timeout=self._timeout, allowed_updates=list(ALLOWED_UPDATES)
            )
        except TelegramError as exc:
            await self._wait(f"telegram polling failed, trying again: {exc.message}")
            return
        for update in updates:
            try:
                await self._handle(update)
            except NotStored:
                await self._wait(f"telegram update {update.update_id} was not stored; asking again")
                return
            self._failures = 0
            self.offset = update.update_id + 1

    async def confirm(self) -> None:
        """Tell Telegram that the updates handed over are done with, so it does not resend them."""
        if self.offset is None:
            return
        try:
            await self._bot.get_updates(offset=self.offset, timeout=0, limit=1)
        except TelegramError as exc:
            log.info("telegram: could not confirm the last updates (%s); they come again", exc)

    async def _wait(self, why: str) -> None:
        self._failures += 1
        delay = self._backoff.delay(self._failures)
        log.warning("%s (in %gs)", why, delay)
        await self._sleep(delay)

"""The Telegram adapter: python-telegram-bot's `Application`, run inside huddlebot's event loop.

Receiving: long polling by default (`adapters.telegram.polling`, which never moves its offset past
an update the core could not store); with a webhook URL, Telegram posts updates to
`POST /telegram/webhook` (`adapters.telegram.webhook`). Either way each update is translated
(`telegram_inbound.translate`) and handed to the core's sink; a button press is always answered,
so the person's spinner stops.

Sending: `send()` posts one rendered HTML part, paced within Telegram's limits
(`telegram_pacing`), with short 429 waits absorbed and errors translated (`telegram_sending`).

A group that becomes a supergroup gets a new chat id. The service messages saying so, and a send
refused with `migrate_to_chat_id` (python-telegram-bot's `ChatMigrated`), are reported to the
core as a `RoomMove` (`report_moves`); a refused part is then sent again, once, to the new id.

Ephemeral messages: Telegram has no "only you can see this" in groups. A delivery with
`ephemeral_to` goes to that person's private chat with the bot; if they have not started the bot,
it is posted in the room instead, as a reply to `thread_ref` when there is one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import time
from collections.abc import AsyncIterator, Awaitable, Collection, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any

from starlette.routing import BaseRoute
from telegram import Bot, BotCommand, Chat, Update
from telegram.error import ChatMigrated, InvalidToken, TelegramError
from telegram.ext import Application, ApplicationBuilder

from adapters.common.handover import NotStored, hand_over
from adapters.common.tokens import TokenCheck, check_token
from adapters.telegram.checking import check_telegram
from adapters.telegram.inbound import (
    ALLOWED_UPDATES,
    DEFAULT_VERBS,
    SUPERGROUP,
    BotIdentity,
    room_move_of,
    translate,
)
from adapters.telegram.pacing import Monotonic, Pacer, Sleep
from adapters.telegram.polling import Poller
from adapters.telegram.privacy import privacy_mode
from adapters.telegram.sending import Poster
from adapters.telegram.spec import SPEC
from adapters.telegram.start_links import StartLinks
from adapters.telegram.updates import loggable_id
from adapters.telegram.webhook import WEBHOOK_PATH, webhook_route, webhook_target
from bot.core import checks
from bot.core.clock import Clock, SystemClock
from bot.core.messages import Delivery
from bot.core.ports import (
    EventSink,
    Finding,
    RoomMove,
    RoomMoveSink,
    RoomToCheck,
    TextFormat,
    Turns,
)
from bot.errors import ConfigError, TransientError, Undeliverable

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.telegram.org"
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
_ENV = "environment"

__all__ = ["WEBHOOK_PATH", "TelegramAdapter"]


@dataclass(frozen=True, slots=True)
class _Connection:
    bot: Bot
    sink: EventSink
    me: BotIdentity


class TelegramAdapter:
    """huddlebot on Telegram; see the module docstring."""

    spec = SPEC
    platform: str = SPEC.name
    text_format: TextFormat = SPEC.text_format
    limits = SPEC.limits

    def __init__(
        self,
        *,
        token: str,
        api_url: str | None = None,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        clock: Clock | None = None,
        monotonic: Monotonic | None = None,
        sleep: Sleep | None = None,
        pacer: Pacer | None = None,
        poll_timeout: int = 10,
        max_retry_wait: float = 10.0,
    ) -> None:
        if not token:
            raise ConfigError("a bot token is needed", source=_ENV, key="TELEGRAM_BOT_TOKEN")
        if webhook_url and not (webhook_secret and _SECRET.match(webhook_secret)):
            raise ConfigError(
                "a webhook needs a secret of 1 to 256 letters, digits, '_' or '-'",
                source=_ENV,
                key="TELEGRAM_WEBHOOK_SECRET",
                fix="set TELEGRAM_WEBHOOK_SECRET, or unset TELEGRAM_WEBHOOK_URL to use polling",
            )
        # Opt in to PTB's coming behaviour (time periods as `timedelta`), which we handle; otherwise
        # PTB warns about its own deprecation each time it builds a RetryAfter.
        os.environ.setdefault("PTB_TIMEDELTA", "true")
        base = (api_url or DEFAULT_API_URL).rstrip("/")
        self._webhook_url = webhook_target(webhook_url) if webhook_url else None
        self._webhook_secret = webhook_secret or ""
        self.links = StartLinks(token)
        """Signs and checks circles' start links (`huddlebot telegram links`)."""
        self._clock = clock or SystemClock()
        self._sleep: Sleep = sleep or asyncio.sleep
        self._poll_timeout = poll_timeout
        pacer = pacer or Pacer(monotonic=monotonic or time.monotonic, sleep=self._sleep)
        self._poster = Poster(pacer=pacer, max_retry_wait=max_retry_wait)
        self._no_private_chat: set[str] = set()
        builder = (
            ApplicationBuilder()
            .token(token)
            .base_url(f"{base}/bot")
            .base_file_url(f"{base}/file/bot")
            .job_queue(None)
            .updater(None)  # polling is our own: see adapters.telegram.polling
        )
        self._application: Application[Any, Any, Any, Any, Any, Any] = builder.build()
        self._connection: _Connection | None = None
        self._verbs: frozenset[str] = DEFAULT_VERBS
        self._moves: RoomMoveSink | None = None
        self._turns: Turns | None = None

    def use_turns(self, turns: Turns) -> None:
        """Poll in turn with the other processes on the database (adapters.telegram.polling)."""
        self._turns = turns

    def use_verbs(self, verbs: Collection[str]) -> None:
        """The verbs the core answers: plain `/verb` in a group is taken as ours for these."""
        self._verbs = frozenset(verbs) | DEFAULT_VERBS

    def report_moves(self, sink: RoomMoveSink) -> None:
        """Where to report a group that became a supergroup (see the module docstring)."""
        self._moves = sink

    # -- receiving ----------------------------------------------------------------------------

    def routes(self) -> Sequence[BaseRoute]:
        if self._webhook_url is None:
            return []
        return [
            webhook_route(
                secret=self._webhook_secret, bot=self._bot_if_connected, handle=self._dispatch
            )
        ]

    @asynccontextmanager
    async def connect(self, sink: EventSink, *, receive: bool = True) -> AsyncIterator[None]:
        app = self._application
        async with AsyncExitStack() as stack:
            await _checked(app.initialize(), bot=app.bot)
            stack.push_async_callback(app.shutdown)
            me = BotIdentity(id=app.bot.id, username=app.bot.username)
            log.info("telegram: @%s: %s", me.username, privacy_mode(app.bot.bot))
            self._connection = _Connection(bot=app.bot, sink=sink, me=me)
            stack.callback(self._disconnect)
            await app.start()
            stack.push_async_callback(app.stop)
            if not receive:
                log.info("telegram: sending only, as @%s", me.username)
            elif self._webhook_url is not None:
                await app.bot.set_webhook(
                    url=self._webhook_url,
                    secret_token=self._webhook_secret,
                    allowed_updates=list(ALLOWED_UPDATES),
                )
                log.info("telegram: receiving updates at %s as @%s", self._webhook_url, me.username)
            else:
                await app.bot.delete_webhook()
                poller = Poller(
                    app.bot,
                    self._dispatch,
                    timeout=self._poll_timeout,
                    sleep=self._sleep,
                    turns=self._turns,
                )
                polling = asyncio.create_task(poller.run(), name="telegram-polling")
                polling.add_done_callback(_polling_ended)
                stack.push_async_callback(_stop_polling, polling, poller)
                log.info("telegram: polling for updates as @%s", me.username)
            yield

    def _disconnect(self) -> None:
        self._connection = None

    def _bot_if_connected(self) -> Bot | None:
        return None if self._connection is None else self._connection.bot

    async def _dispatch(self, update: Update) -> None:
        connection = self._connection
        if connection is None:
            raise NotStored(
                f"telegram update {loggable_id(update.update_id)} arrived while not connected"
            )
        try:
            move = room_move_of(update)
            event = (
                None
                if move is not None
                else translate(
                    update,
                    me=connection.me,
                    links=self.links,
                    now=self._clock.now(),
                    verbs=self._verbs,
                )
            )
        except checks.Refused as refused:
            log.warning("telegram: skipped update %s: %s", loggable_id(update.update_id), refused)
            move, event = None, None
        except Exception:  # a shape translate does not expect: a bug to fix, the update skipped
            log.exception("telegram: could not translate update %s", loggable_id(update.update_id))
            move, event = None, None
        try:
            if move is not None:
                await self._report(move)
            if event is not None:
                if update.effective_chat is not None and update.effective_chat.type == Chat.PRIVATE:
                    self._no_private_chat.discard(event.sender.user_id)
                await hand_over(connection.sink, event)
        finally:
            if update.callback_query is not None:
                await _answer(update)

    # -- sending ------------------------------------------------------------------------------

    async def send(self, delivery: Delivery) -> str:
        bot = self._bot_if_connected()
        if bot is None:
            raise TransientError("the Telegram adapter is not connected")
        person = delivery.ephemeral_to
        if person and person != delivery.chat and person not in self._no_private_chat:
            try:
                return await self._poster.send_text(
                    bot, chat=person, text=delivery.text, buttons=delivery.buttons
                )
            except Undeliverable:
                self._no_private_chat.add(person)
                log.info("telegram user %s has not started the bot; answering in the room", person)
        try:
            return await self._post(bot, delivery, chat=delivery.chat)
        except _Migrated as migrated:
            await self._report(migrated.move, sending=True)
            try:  # the same part, once, at the group's new address
                return await self._post(bot, delivery, chat=migrated.move.new_chat)
            except _Migrated as again:
                raise again.undeliverable from again

    async def _post(self, bot: Bot, delivery: Delivery, *, chat: str) -> str:
        try:
            return await self._poster.send_text(
                bot,
                chat=chat,
                text=delivery.text,
                topic=delivery.topic,
                reply_to=delivery.thread_ref,
                buttons=delivery.buttons,
            )
        except Undeliverable as problem:
            cause = problem.__cause__
            if not isinstance(cause, ChatMigrated):
                raise
            new = str(cause.new_chat_id)
            move = RoomMove(platform=self.platform, old_chat=chat, new_chat=new, why=SUPERGROUP)
            raise _Migrated(move, problem) from cause

    async def _report(self, move: RoomMove, *, sending: bool = False) -> None:
        """Tell the core that a group moved. When the move cannot be stored yet, the part (or
        the update) is tried again later, and the move reported again."""
        if self._moves is None:
            log.warning(
                "telegram group %s became supergroup %s; nothing here can re-key it",
                move.old_chat,
                move.new_chat,
            )
            return
        try:
            await self._moves(move)
        except Exception as error:
            if sending:
                raise TransientError(
                    f"Telegram group {move.old_chat} moved to {move.new_chat}, "
                    "and the move could not be stored yet"
                ) from error
            raise NotStored(f"telegram group {move.old_chat} moved") from error

    # -- onboarding ---------------------------------------------------------------------------

    async def check(self, rooms: Sequence[RoomToCheck]) -> list[Finding]:
        """For `huddlebot check`: the token, privacy mode, each chat and the webhook."""
        return await check_telegram(self._application.bot, rooms, webhook_url=self._webhook_url)

    async def bot_username(self) -> str:
        """The bot's @username (without the @), as Telegram knows it."""
        async with self._bot() as bot:
            return bot.username

    async def register_commands(self, commands: Sequence[tuple[str, str]]) -> None:
        """Show these (command, description) pairs in Telegram's command menu."""
        for name, description in commands:
            if not _COMMAND_NAME.match(name) or not 1 <= len(description) <= 256:
                raise ValueError(f"not a valid Telegram command: /{name} {description!r}")
        async with self._bot() as bot:
            await bot.set_my_commands([BotCommand(name, text) for name, text in commands])

    @asynccontextmanager
    async def _bot(self) -> AsyncIterator[Bot]:
        """The connected bot, or one started just for this call."""
        connected = self._bot_if_connected()
        if connected is not None:
            yield connected
            return
        bot = self._application.bot
        await _checked(bot.initialize(), bot=bot)
        try:
            yield bot
        finally:
            await bot.shutdown()


class _Migrated(Exception):
    """A send refused because the group became a supergroup (`move` says where it went)."""

    def __init__(self, move: RoomMove, undeliverable: Undeliverable) -> None:
        super().__init__(f"telegram group {move.old_chat} moved to {move.new_chat}")
        self.move = move
        self.undeliverable = undeliverable


async def _checked(start: Awaitable[None], *, bot: Bot) -> None:
    """Start talking to Telegram (`getMe`), with its errors told in the core's terms."""

    async def started() -> None:
        try:
            await start
        except BaseException:
            await bot.shutdown()  # close the connections opened before the failure
            raise

    await check_token(started(), TOKEN_CHECK)


TOKEN_CHECK = TokenCheck(
    title="Telegram",
    key="TELEGRAM_BOT_TOKEN",
    fix="copy the token again from @BotFather",
    errors=(TelegramError,),
    refused=lambda error: "" if isinstance(error, InvalidToken) else None,
    describe=lambda error: error.message if isinstance(error, TelegramError) else str(error),
)


async def _answer(update: Update) -> None:
    query = update.callback_query
    assert query is not None
    try:
        await query.answer()
    except TelegramError as exc:
        log.warning(
            "could not answer telegram button press %s: %s", loggable_id(query.id), exc.message
        )


def _polling_ended(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("telegram: polling stopped", exc_info=task.exception())


async def _stop_polling(task: asyncio.Task[None], poller: Poller) -> None:
    """Stop polling; an update cut short is not confirmed, so Telegram delivers it again."""
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    await poller.confirm()
    await poller.give_back()

"""A fake Telegram Bot API for tests: an aiohttp server on 127.0.0.1, port 0.

Run the real python-telegram-bot against it with `TelegramAdapter(token=TOKEN, api_url=fake.url)`.
It serves `/bot<token>/<method>`, reads parameters form-encoded (JSON-encoded values), as JSON or
as a query string, and checks every request against the Bot API spec (`telegram_spec`): a request
the real API would refuse is answered 400 and recorded in `violations`, so
`assert_no_violations()` fails the test. Message text sent with `parse_mode=HTML` is read the way
Telegram reads it (`telegram_html`): broken HTML or text over 4,096 characters is a 400, as there.

What a test can do with it:

- build realistic updates (`message_update`, `callback_update`, `bot_message` for a prompt to reply
  to; ids, dates and entities filled in by `telegram_updates.UpdateBuilder`) and `push` them for
  `getUpdates`, which honours `offset`, `limit`, `timeout` (waiting on an event, never sleeping)
  and `allowed_updates`; `push` refuses an update the spec would not allow;
- read what the bot did: `requests` (every call in order), `calls(method)`, `sent(chat)`
  (parameters of each message sent) and `sent_messages` (the Message objects answered);
- inject failures: `fail(...)` answers the next calls of a method (to a chat) with a 429 and
  `retry_after`, a 403, a 400, a 500 or a malformed body;
- chats (`chats`, see `telegram_chats`): `migrate(old, new)` upgrades a group to a supergroup
  (later calls to the old id get Telegram's migrate error; the service messages come back for
  `push`), `chats.missing` holds chats the bot is not in; `getChat` answers for the rest;
  `privacy_mode` is what `getMe` reports (`can_read_all_group_messages` is its opposite);
- `enforce_limits()`: answer sendMessage with 429 whenever Telegram's flood limits (30 a second
  overall, 20 a minute per group, one a second per chat; `telegram_limits`) would be broken,
  counting each time in `limit_violations`. Share a `VirtualTime` as `clock` with the adapter
  (`monotonic=time.monotonic, sleep=time.sleep`) to run a fan-out in virtual time.

`RecordingSink` collects the events an adapter hands on; `await sink.wait_for(n)` waits for them.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from adapters.telegram.start_links import StartLinks
from tests.fakes.telegram_chats import Chats, seen_in_privacy_mode
from tests.fakes.telegram_errors import DESCRIPTIONS, ApiError, Failure
from tests.fakes.telegram_html import HtmlError, parse_html
from tests.fakes.telegram_limits import FloodLimits
from tests.fakes.telegram_spec import BotApiSpec, default_spec
from tests.fakes.telegram_updates import DATE, UpdateBuilder, chat
from tests.fakes.virtual_time import RecordingSink as RecordingSink
from tests.fakes.virtual_time import VirtualTime as VirtualTime

TOKEN = "123456789:AAH-fake-token-for-tests_0123456789"
BOT_ID = 123456789
BOT_USERNAME = "huddle_test_bot"
MAX_TEXT = 4096


def start_from_link(circle_id: str, token: str = TOKEN) -> str:
    """What Telegram sends as the person's first message when they open a circle's link, as
    `huddlebot telegram links` prints it for the bot with `token`."""
    return f"/start {StartLinks(token).payload(circle_id)}"


DEFAULT_ALLOWED = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "callback_query",
        "my_chat_member",
    }
)

Monotonic = Callable[[], float]


@dataclass(frozen=True, slots=True)
class Recorded:
    """One request the fake received, and how it answered."""

    method: str
    params: Mapping[str, Any]
    status: int
    at: float
    malformed: bool = False
    """True when the fake answered a body that is not JSON (the call's outcome is unknown)."""


@dataclass(frozen=True, slots=True)
class Poll:
    """One `getUpdates` call: when it came, when it was answered, and whether its client had
    gone by then."""

    started: float
    ended: float
    abandoned: bool = False


class FakeTelegramAPI:
    """The fake Bot API server; an async context manager. See the module docstring."""

    def __init__(
        self,
        *,
        token: str = TOKEN,
        bot_id: int = BOT_ID,
        bot_username: str = BOT_USERNAME,
        clock: Monotonic = time.monotonic,
        spec: BotApiSpec | None = None,
    ) -> None:
        self.token = token
        self.bot = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "Huddlebot",
            "username": bot_username,
        }
        self._clock = clock
        self._spec = spec or default_spec()
        self.requests: list[Recorded] = []
        self.violations: list[str] = []
        self.webhook: dict[str, Any] = {}
        self.commands: list[dict[str, Any]] = []
        self.answered_callbacks: list[str] = []
        self.sent_messages: list[dict[str, Any]] = []
        """The Message objects sendMessage answered with, in order."""
        self.dropped_updates: list[dict[str, Any]] = []
        self.polls: list[Poll] = []
        """Every `getUpdates` call, in the order answered."""
        self.poll_starts: list[float] = []
        """When each `getUpdates` call came, answered or not yet."""
        self._updates: list[dict[str, Any]] = []
        self.updates = UpdateBuilder(bot=self.bot)
        self.chats = Chats(self.updates)
        self.privacy_mode = True
        """What BotFather's /setprivacy says; getMe reports can_read_all_group_messages = not it."""
        self.withheld: list[dict[str, Any]] = []
        """Updates `push` kept from the bot because privacy mode hides them (`enforce_privacy`)."""
        self._hiding = False
        self._allowed: frozenset[str] = DEFAULT_ALLOWED
        self._new_update = asyncio.Event()
        self._offset = 0
        self._offset_moved = asyncio.Condition()
        self._closing = asyncio.Event()
        self._failures: list[Failure] = []
        self._limits: FloodLimits | None = None
        self._runner: web.AppRunner | None = None
        self._port = 0

    # ---- lifecycle

    async def __aenter__(self) -> FakeTelegramAPI:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def url(self) -> str:
        """The API root to give the adapter as `api_url`."""
        return f"http://127.0.0.1:{self._port}"

    # ---- building and queueing updates

    def message_update(self, chat_id: int, text: str, **options: Any) -> dict[str, Any]:
        """An Update with a person's text message; see `UpdateBuilder.message` for options."""
        return self.updates.message_update(chat_id, text, **options)

    def callback_update(
        self, message: Mapping[str, Any], data: str, **options: Any
    ) -> dict[str, Any]:
        """An Update for a press on a button under `message`."""
        return self.updates.callback_update(message, data, **options)

    def bot_message(self, chat_id: int, text: str, **options: Any) -> dict[str, Any]:
        """A Message the bot posted earlier, for a person's update to reply to."""
        return self.updates.bot_message(chat_id, text, **options)

    def migrate(self, old: int, new: int) -> list[dict[str, Any]]:
        """Upgrade group `old` to supergroup `new`; returns the two service-message updates."""
        return self.chats.migrate(old, new)

    def push(self, update: Mapping[str, Any]) -> None:
        """Queue an update for getUpdates; it must be a valid Update, as Telegram's are."""
        problems = self._spec.check_object("Update", update)
        if problems:
            raise AssertionError(f"the test built an invalid Update: {problems}")
        if self._hiding and self.privacy_mode and not seen_in_privacy_mode(update, self.bot):
            self.withheld.append(dict(update))
            return
        self._updates.append(dict(update))
        self._new_update.set()

    async def confirmed(self, update: Mapping[str, Any], *, deadline: float = 10.0) -> None:
        """Wait until the bot has confirmed `update` (asked getUpdates for the ones after it)."""
        async with asyncio.timeout(deadline), self._offset_moved:
            await self._offset_moved.wait_for(lambda: self._offset > update["update_id"])

    @property
    def pending_updates(self) -> int:
        return len(self._updates)

    # ---- failures and limits

    def fail(
        self,
        method: str = "sendMessage",
        *,
        chat: str | int | None = None,
        status: int = 429,
        retry_after: int | None = None,
        description: str | None = None,
        malformed: bool = False,
        times: int = 1,
    ) -> None:
        """Answer the next `times` calls of `method` (to `chat`, if given) with a failure.

        A 429 carries `parameters.retry_after` (1 second unless given); `malformed=True` answers a
        body that is not JSON.
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        self._failures.append(
            Failure(
                method=method,
                chat=None if chat is None else str(chat),
                status=status,
                description=description or DESCRIPTIONS.get(status, "Internal Server Error"),
                retry_after=retry_after,
                malformed=malformed,
                times=times,
            )
        )

    def enforce_privacy(self) -> None:
        """From now on, while `privacy_mode` is on, keep from the bot the group messages that
        Telegram keeps from a bot in privacy mode (see `seen_in_privacy_mode`)."""
        self._hiding = True

    def enforce_limits(
        self, *, per_second: int = 30, per_group_minute: int = 20, chat_interval: float = 1.0
    ) -> None:
        """From now on answer 429 to any sendMessage that breaks Telegram's flood limits."""
        self._limits = FloodLimits(
            per_second=per_second, per_group_minute=per_group_minute, chat_interval=chat_interval
        )

    # ---- reading what happened

    @property
    def limit_violations(self) -> int:
        """How many sendMessage calls broke the flood limits (each answered with a 429)."""
        return 0 if self._limits is None else self._limits.breaches

    def calls(self, method: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method]

    def sent(self, chat_id: int | str | None = None) -> list[Mapping[str, Any]]:
        """Parameters of every sendMessage that succeeded (to `chat_id`, if given), in order."""
        return [
            r.params
            for r in self.calls("sendMessage")
            if r.status == 200
            and not r.malformed
            and (chat_id is None or str(r.params.get("chat_id")) == str(chat_id))
        ]

    def assert_no_violations(self) -> None:
        if self.violations:
            listed = "\n  ".join(self.violations)
            raise AssertionError(f"requests the Bot API would refuse:\n  {listed}")

    # ---- serving

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request, method)
        if request.match_info["token"] != self.token:
            return self._answer(method, params, 401, error="Unauthorized")
        problems = self._spec.check_request(method, params)
        if problems:
            self.violations.extend(problems)
            status = 400 if self._spec.knows(method) else 404
            return self._answer(method, params, status, error="Bad Request: " + "; ".join(problems))
        failure = self._take_failure(method, params)
        if failure is not None:
            return self._fail_with(method, params, failure)
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            self.violations.append(f"{method}: the fake does not implement this method")
            return self._answer(method, params, 501, error="Not Implemented")
        started = self._clock()
        if method == "getUpdates":
            self.poll_starts.append(started)
        try:
            result = await handler(params)
        except ApiError as exc:
            return self._answer(method, params, exc.status, error=exc.description, extra=exc.extra)
        finally:
            if method == "getUpdates":
                gone = request.transport is None or request.transport.is_closing()
                self.polls.append(Poll(started, self._clock(), abandoned=gone))
        return self._answer(method, params, 200, result=result)

    def overlapping_polls(self) -> list[tuple[Poll, Poll]]:
        """Pairs of `getUpdates` calls that were open at once, leaving out calls whose client
        was gone before the answer (a killed process): Telegram allows one poller at a time."""
        live = sorted((p for p in self.polls if not p.abandoned), key=lambda p: p.started)
        return [(a, b) for a, b in itertools.pairwise(live) if b.started < a.ended]

    async def _params(self, request: web.Request, method: str) -> dict[str, Any]:
        params: dict[str, Any] = self._spec.decode_form(method, dict(request.query))
        if request.content_type == "application/json":
            body = await request.json()
            params.update(body if isinstance(body, dict) else {})
        elif request.can_read_body:
            form = await request.post()
            params.update(self._spec.decode_form(method, {k: str(v) for k, v in form.items()}))
        return params

    def _answer(
        self,
        method: str,
        params: Mapping[str, Any],
        status: int,
        *,
        result: Any = None,
        error: str = "",
        extra: Mapping[str, Any] | None = None,
    ) -> web.Response:
        self.requests.append(
            Recorded(method=method, params=params, status=status, at=self._clock())
        )
        if status == 200:
            return web.json_response({"ok": True, "result": result})
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": error}
        body.update(extra or {})
        return web.json_response(body, status=status)

    def _take_failure(self, method: str, params: Mapping[str, Any]) -> Failure | None:
        target = str(params.get("chat_id")) if "chat_id" in params else None
        for failure in self._failures:
            if failure.method == method and failure.chat in (None, target) and failure.times > 0:
                failure.times -= 1
                return failure
        return None

    def _fail_with(self, method: str, params: Mapping[str, Any], failure: Failure) -> web.Response:
        if failure.malformed:
            self.requests.append(
                Recorded(method, params, failure.status, self._clock(), malformed=True)
            )
            return web.Response(status=failure.status, text='{"ok": true, "result": {"mess')
        extra = {}
        if failure.retry_after is not None:
            extra = {"parameters": {"retry_after": failure.retry_after}}
        return self._answer(method, params, failure.status, error=failure.description, extra=extra)

    # ---- methods

    async def _api_getMe(self, params: Mapping[str, Any]) -> Any:
        return {
            **self.bot,
            "can_join_groups": True,
            "can_read_all_group_messages": not self.privacy_mode,
        }

    async def _api_getChat(self, params: Mapping[str, Any]) -> Any:
        chat_id = int(params["chat_id"])
        self._refuse_unserved(chat_id)
        info = self.chats.full_info(chat_id)
        problems = self._spec.check_object("ChatFullInfo", info)
        if problems:
            raise AssertionError(f"the fake answered getChat off the spec: {problems}")
        return info

    def _refuse_unserved(self, chat_id: int) -> None:
        refusal = self.chats.refusal(chat_id)
        if refusal is not None:
            raise ApiError(refusal.status, refusal.description, extra=refusal.body_extra())

    async def _api_getUpdates(self, params: Mapping[str, Any]) -> Any:
        if self.webhook.get("url"):
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        if "allowed_updates" in params:
            self._allowed = frozenset(params["allowed_updates"]) or DEFAULT_ALLOWED
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        self._confirm(offset)
        async with self._offset_moved:
            self._offset = max(self._offset, offset)
            self._offset_moved.notify_all()
        if not self._updates and timeout > 0 and not self._closing.is_set():
            self._new_update.clear()
            waiting = {asyncio.ensure_future(e.wait()) for e in (self._new_update, self._closing)}
            _, pending = await asyncio.wait(waiting, timeout=timeout, return_when="FIRST_COMPLETED")
            for task in pending:
                task.cancel()
            self._confirm(offset)
        return self._updates[:limit]

    def _confirm(self, offset: int) -> None:
        """Forget updates below `offset`, and drop those of types the bot did not ask for."""
        kept = []
        for update in self._updates:
            if update["update_id"] < offset:
                continue
            kind = next(k for k in update if k != "update_id")
            if kind not in self._allowed:
                self.dropped_updates.append(update)
                continue
            kept.append(update)
        self._updates = kept

    async def _api_deleteWebhook(self, params: Mapping[str, Any]) -> Any:
        self.webhook = {}
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _api_setWebhook(self, params: Mapping[str, Any]) -> Any:
        if not str(params["url"]).startswith("https://"):
            raise ApiError(
                400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
            )
        self.webhook = dict(params)
        return True

    async def _api_getWebhookInfo(self, params: Mapping[str, Any]) -> Any:
        return {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    async def _api_setMyCommands(self, params: Mapping[str, Any]) -> Any:
        for command in params["commands"]:
            name, text = command["command"], command["description"]
            if not (
                1 <= len(name) <= 32 and name == name.lower() and name.replace("_", "").isalnum()
            ):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(text) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands = list(params["commands"])
        return True

    async def _api_answerCallbackQuery(self, params: Mapping[str, Any]) -> Any:
        self.answered_callbacks.append(str(params["callback_query_id"]))
        return True

    async def _api_sendMessage(self, params: Mapping[str, Any]) -> Any:
        text = str(params["text"])
        visible = text
        if str(params.get("parse_mode", "")).upper() == "HTML":
            try:
                visible = parse_html(text)
            except HtmlError as exc:
                raise ApiError(400, f"Bad Request: {exc}") from exc
        if not visible.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(visible) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        markup = params.get("reply_markup")
        if markup:
            for row in markup.get("inline_keyboard", []):
                for button in row:
                    if len(str(button.get("callback_data", "")).encode()) > 64:
                        raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        chat_id = int(params["chat_id"])
        self._refuse_unserved(chat_id)
        self._check_limits(str(chat_id))
        message: dict[str, Any] = {
            "message_id": self.updates.next_message_id(chat_id),
            "from": self.bot,
            "date": DATE,
            "chat": chat(chat_id, forum="message_thread_id" in params),
            "text": visible,
        }
        if "message_thread_id" in params:
            message["message_thread_id"] = params["message_thread_id"]
            message["is_topic_message"] = True
        if markup:
            message["reply_markup"] = markup
        self.sent_messages.append(message)
        return message

    def _check_limits(self, chat_id: str) -> None:
        if self._limits is None:
            return
        retry_after = self._limits.admit(chat_id, self._clock())
        if retry_after is not None:
            raise ApiError(
                429,
                f"Too Many Requests: retry after {retry_after}",
                extra={"parameters": {"retry_after": retry_after}},
            )

"""`POST /telegram/webhook`: Telegram's calls, checked and handed on.

A call without the secret token Telegram was given (`X-Telegram-Bot-Api-Secret-Token`, compared in
constant time) is refused with 403 and nothing is read. A body over `adapters.common.body`'s limit
is a 413, refused before it is read whole. A body that is not a JSON object (not UTF-8, not JSON,
nested too deeply) is a 400: Telegram never sends one. An object that is not an update we can read
is logged (its update id, never its content) and acknowledged with 200, so that Telegram does not
hold it and send it again and again ahead of the updates behind it.

A readable update is handled before the answer goes back: 200 once its event is stored,
`REDELIVER_STATUS` when storing failed, so that Telegram delivers it again (the hand-over policy of
`adapters.common.handover`; the event's dedup key keeps it from being stored twice).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import Bot, Update

from adapters.common.body import BodyRefused, Unreadable, decode, parse_json, read_body
from adapters.common.handover import REDELIVER_STATUS
from adapters.telegram.updates import loggable_id, read_update
from bot.errors import ConfigError

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

UpdateHandler = Callable[[Update], Awaitable[None]]
BotLookup = Callable[[], Bot | None]
"""The connected bot, or None while the adapter is not connected."""


def webhook_route(*, secret: str, bot: BotLookup, handle: UpdateHandler) -> Route:
    """The Starlette route that receives Telegram's webhook calls."""

    async def endpoint(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            log.warning("telegram webhook: refused a call without the right secret token")
            return PlainTextResponse("forbidden", status_code=403)
        connected = bot()
        if connected is None:
            return PlainTextResponse("not ready", status_code=503)
        try:
            data = parse_json(decode(await read_body(request)))
        except BodyRefused as refused:
            log.warning("telegram webhook: refused a call: %s", refused.reason)
            return PlainTextResponse("refused", status_code=refused.status)
        except Unreadable as error:
            log.warning("telegram webhook: refused a call: %s", error)
            return PlainTextResponse("bad request", status_code=400)
        if not isinstance(data, dict):
            log.warning("telegram webhook: the body is not a JSON object")
            return PlainTextResponse("bad request", status_code=400)
        update = read_update(data, connected)
        if update is None:
            return Response(status_code=200)
        try:
            await handle(update)
        except Exception:
            log.exception(
                "telegram webhook: update %s could not be stored", loggable_id(update.update_id)
            )
            return PlainTextResponse("try again", status_code=REDELIVER_STATUS)
        return Response(status_code=200)

    return Route(WEBHOOK_PATH, endpoint, methods=["POST"])


def webhook_target(url: str) -> str:
    """The URL Telegram should post to; a bare host gets our webhook path."""
    parts = urlsplit(url)
    if parts.scheme != "https":
        raise ConfigError(
            "Telegram only posts to https addresses",
            source="environment",
            key="TELEGRAM_WEBHOOK_URL",
            fix="use the public https address of the bot's web server",
        )
    if parts.path in ("", "/"):
        return url.rstrip("/") + WEBHOOK_PATH
    return url

"""`POST /telegram/webhook`: Telegram's calls, checked and handed on.

A call without the secret token Telegram was given (`X-Telegram-Bot-Api-Secret-Token`, compared in
constant time) is refused with 403 and nothing is read. A body that is not a JSON object is a 400;
an object that is not an update we can read is logged and acknowledged, so Telegram does not send
it again and again. A readable update is handled before the answer goes back: 200 once its event
is stored, `REDELIVER_STATUS` when storing failed, so that Telegram delivers it again (the
hand-over policy of `adapters.common.handover`; the event's dedup key keeps it from being stored
twice).
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import Bot, Update

from adapters.common.handover import REDELIVER_STATUS
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
            data = json.loads(await request.body())
        except ValueError:
            data = None
        if not isinstance(data, dict):
            log.warning("telegram webhook: the body is not a JSON object")
            return PlainTextResponse("bad request", status_code=400)
        try:
            update = Update.de_json(data, connected)
        except Exception:
            log.warning("telegram webhook: could not read an update", exc_info=True)
            return Response(status_code=200)
        try:
            await handle(update)
        except Exception:
            log.exception("telegram webhook: update %s could not be stored", update.update_id)
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

"""The bot's web server: uvicorn inside the bot's own loop, serving /healthz, the routes each
platform adapter brings, and the stewards' web view under /app."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from bot.core.background import Background
from bot.errors import ConfigError

log = logging.getLogger(__name__)

HealthCheck = Callable[[], Awaitable[dict[str, Any]]]


def build_web_app(routes: Sequence[BaseRoute], *, health: HealthCheck) -> Starlette:
    async def healthz(_request: Request) -> JSONResponse:
        try:
            report = await health()
        except Exception as exc:  # the check itself failing means unhealthy, not a crash
            log.warning("health check failed: %r", exc)
            return JSONResponse({"status": "unavailable", "error": type(exc).__name__}, 503)
        return JSONResponse({"status": "ok", **report})

    return Starlette(routes=[Route("/healthz", healthz, methods=["GET"]), *routes])


class WebServer:
    """uvicorn serving the web app inside the bot's own event loop, as an async context manager.

    Signals stay with the bot (it decides how to stop), so uvicorn's `serve()` is not used.
    """

    def __init__(self, app: Starlette, *, host: str, port: int, background: Background) -> None:
        self._config = uvicorn.Config(
            app, host=host, port=port, log_level="warning", lifespan="off", access_log=False
        )
        self._server = uvicorn.Server(self._config)
        self._background = background

    @property
    def port(self) -> int:
        for server in getattr(self._server, "servers", []):
            for sock in server.sockets:
                return int(sock.getsockname()[1])
        return 0

    async def __aenter__(self) -> WebServer:
        if not self._config.loaded:
            self._config.load()
        self._server.lifespan = self._config.lifespan_class(self._config)
        try:
            await self._server.startup()
        except SystemExit as exc:  # uvicorn exits when it cannot bind
            raise self._cannot_listen() from exc
        if self._server.should_exit:
            raise self._cannot_listen()
        self._loop = self._background.spawn(self._server.main_loop(), name="web-server")
        log.info("web app listening on %s:%s", self._config.host, self.port)
        return self

    def _cannot_listen(self) -> ConfigError:
        return ConfigError(
            f"the web app cannot listen on {self._config.host}:{self._config.port}; another "
            "program may be using that port",
            source="environment",
            key="HUDDLEBOT_PORT",
            fix="stop the other program, or set HUDDLEBOT_PORT to a free port",
        )

    async def __aexit__(self, *exc_info: object) -> None:
        self._server.should_exit = True
        await asyncio.gather(self._loop, return_exceptions=True)
        await self._server.shutdown()

"""The web view's routes under /app: sign-in, the pages, their forms and downloads, logout.

Nothing but the sign-in routes answers without a session, and every answer says the same to
anyone without one, so no page tells whether a person, a circle or a link exists. Every answer
carries a strict Content-Security-Policy (only the bot's own style sheet, no script at all), is
never cached, and sends a Referer only to the bot itself (a sign-in link is in the address).
Every form carries the session's form token, and one sent from another site is refused.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.config.partnership import Config
from bot.core.clock import Clock
from bot.core.events import InboundEvent
from bot.core.runtime import Runtime
from bot.storage.database import SessionFactory
from bot.web.actions import as_verb
from bot.web.pages import Page, Reading
from bot.web.rendering import WebTemplates
from bot.web.signin import (
    SESSION_HOURS,
    Viewer,
    end_session,
    link_is_usable,
    use_link,
    viewer_of,
)

log = logging.getLogger(__name__)

COOKIE = "huddlebot_session"
QUERY_KEYS = ("q", "from", "to", "circle", "weeks", "page", "group")
"""The address parameters a page may read: a search, a choice of circle and span, which page
of a long list (and of which group of it)."""
FORM_LIMIT = 16_384
"""The most bytes a form may send; more is refused unread."""
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}
NOTICES = {
    "done": "Sent. The bot has answered you in your private chat, and this page shows what "
    "changed.",
    "refused": "That form had expired. Please try again.",
    "nochat": "The bot cannot write to you privately yet, so nothing was changed. "
    "Open a private chat with it first.",
    "stewards": "Only stewards can do that.",
    "empty": "Please fill in every field of the form.",
}

EventSink = Callable[[InboundEvent], Awaitable[None]]


class WebView:
    """The pages, and what serving them needs: the store, the clock, the core to hand forms to."""

    def __init__(
        self,
        *,
        config: Config,
        sessions: SessionFactory,
        runtime: Runtime,
        clock: Clock,
        templates: WebTemplates,
        pages: Sequence[Page],
        handle: EventSink,
        secure: bool,
    ) -> None:
        self._config = config
        self._sessions = sessions
        self._runtime = runtime
        self._clock = clock
        self._templates = templates
        self._pages = sorted(pages, key=lambda p: (p.order, p.slug))
        self._by_slug = {p.slug: p for p in self._pages}
        self._handle = handle
        self._secure = secure

    @property
    def pages(self) -> Sequence[Page]:
        return self._pages

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/app", self.home, methods=["GET"]),
            Route("/app/style.css", self.style, methods=["GET"]),
            Route("/app/signin/{token}", self.signin_page, methods=["GET"]),
            Route("/app/signin", self.signin, methods=["POST"]),
            Route("/app/logout", self.logout, methods=["POST"]),
            Route("/app/{slug}", self.page, methods=["GET"]),
            Route("/app/{slug}", self.form, methods=["POST"]),
            Route("/app/{slug}/download", self.download, methods=["GET"]),
        ]

    # -- answers -----------------------------------------------------------------------------

    def _html(self, name: str, context: Mapping[str, Any], status: int = 200) -> HTMLResponse:
        base: dict[str, Any] = {
            "partnership": self._config.partnership.name,
            "viewer": None,
            "menu": [],
            "current": "",
            "notice": "",
        }
        return HTMLResponse(
            self._templates.render(name, {**base, **context}), status_code=status, headers=HEADERS
        )

    def _redirect(self, to: str) -> RedirectResponse:
        return RedirectResponse(to, status_code=303, headers=HEADERS)

    def _signed_out(self, status: int = 200) -> HTMLResponse:
        return self._html("signed_out", {}, status)

    def _not_found(self, viewer: Viewer) -> HTMLResponse:
        return self._html("not_found", self._frame(viewer, ""), 404)

    def _frame(self, viewer: Viewer, current: str) -> dict[str, Any]:
        menu = [{"slug": p.slug, "title": p.title} for p in self._pages]
        return {"viewer": viewer, "menu": menu, "current": current}

    async def _viewer(self, request: Request) -> Viewer | None:
        cookie = request.cookies.get(COOKIE)
        if not cookie:
            return None
        async with self._sessions() as session:
            return await viewer_of(session, cookie, now=self._clock.now(), config=self._config)

    async def _fields(self, request: Request) -> dict[str, str] | None:
        """A form's fields; None for a form from another site, of another type, or too big."""
        origin = request.headers.get("origin")
        if origin not in (None, "null") and urlsplit(origin).netloc != request.headers.get("host"):
            return None
        if request.headers.get("content-type", "").split(";")[0] != (
            "application/x-www-form-urlencoded"
        ):
            return None
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > FORM_LIMIT:
                return None
        try:
            return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        except (UnicodeDecodeError, ValueError):
            return None

    # -- routes ------------------------------------------------------------------------------

    async def home(self, request: Request) -> Response:
        if await self._viewer(request) is None:
            return self._signed_out()
        return self._redirect(f"/app/{self._pages[0].slug}")

    async def style(self, _request: Request) -> Response:
        headers = {**HEADERS, "Cache-Control": "max-age=300"}
        return Response(self._templates.style(), media_type="text/css", headers=headers)

    async def signin_page(self, request: Request) -> Response:
        token = request.path_params["token"]
        async with self._sessions() as session:
            usable = await link_is_usable(session, token, now=self._clock.now())
        if not usable:
            return self._html("link_spent", {}, 410)
        return self._html("signin", {"token": token})

    async def signin(self, request: Request) -> Response:
        fields = await self._fields(request)
        token = (fields or {}).get("token", "")
        cookie = None
        if token:
            async with self._runtime.transaction(now=self._clock.now()) as tx:
                cookie = await use_link(tx.session, token, now=tx.now)
        if cookie is None:
            return self._html("link_spent", {}, 410)
        response = self._redirect("/app")
        response.set_cookie(
            COOKIE,
            cookie,
            max_age=SESSION_HOURS * 3600,
            path="/app",
            httponly=True,
            samesite="lax",
            secure=self._secure,
        )
        return response

    async def logout(self, request: Request) -> Response:
        viewer = await self._viewer(request)
        fields = await self._fields(request) or {}
        if viewer is not None:
            if not _same(fields.get("form_token", ""), viewer.form_token):
                return self._redirect(f"/app/{self._pages[0].slug}?notice=refused")
            async with self._runtime.transaction(now=self._clock.now()) as tx:
                await end_session(tx.session, viewer.session_id)
        response = self._html("signed_out", {"left": True})
        response.delete_cookie(COOKIE, path="/app", httponly=True, samesite="lax")
        return response

    async def page(self, request: Request) -> Response:
        viewer = await self._viewer(request)
        if viewer is None:
            return self._signed_out(401)
        page = self._by_slug.get(request.path_params["slug"])
        if page is None:
            return self._not_found(viewer)
        query = {k: v for k, v in request.query_params.items() if k in QUERY_KEYS}
        notice = NOTICES.get(request.query_params.get("notice", ""), "")
        async with self._sessions() as session:
            context = await self.context_of(session, viewer, page, query=query)
        return self._html(page.slug, {**context, "notice": notice})

    async def context_of(
        self,
        session: AsyncSession,
        viewer: Viewer,
        page: Page,
        *,
        query: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """What `page`'s template is given for `viewer`."""
        query = dict(query or {})
        reading = Reading(session, viewer, self._clock.now(), self._config, query)
        context = await page.read(reading)
        frame = self._frame(viewer, page.slug)
        return {**frame, **context, "title": page.title, "query": query}

    async def html_of(self, session: AsyncSession, viewer: Viewer, slug: str, **query: str) -> str:
        """A page as `viewer` sees it: what the browser is sent (for checks and the bench)."""
        page = self._by_slug[slug]
        context = await self.context_of(session, viewer, page, query=query)
        return bytes(self._html(page.slug, context).body).decode("utf-8")

    async def form(self, request: Request) -> Response:
        viewer = await self._viewer(request)
        if viewer is None:
            return self._signed_out(401)
        page = self._by_slug.get(request.path_params["slug"])
        if page is None or page.form is None:
            return self._not_found(viewer)
        fields = await self._fields(request)
        if fields is None or not _same(fields.get("form_token", ""), viewer.form_token):
            return self._back(page, "refused")
        if page.form.stewards_only and not viewer.steward:
            return self._back(page, "stewards")
        wanted = page.form.to_verb(fields)
        if wanted is None:
            return self._back(page, "empty")
        verb, args = wanted
        async with self._sessions() as session:
            event = await as_verb(
                session,
                viewer.person_id,
                verb=verb,
                args=args,
                now=self._clock.now(),
                confirmed=fields.get("sure") == "yes",
            )
        if event is None:
            return self._back(page, "nochat")
        await self._handle(event)
        return self._back(page, "done")

    def _back(self, page: Page, notice: str) -> Response:
        return self._redirect(f"/app/{page.slug}?{urlencode({'notice': notice})}")

    async def download(self, request: Request) -> Response:
        viewer = await self._viewer(request)
        if viewer is None:
            return self._signed_out(401)
        page = self._by_slug.get(request.path_params["slug"])
        if page is None or page.download is None:
            return self._not_found(viewer)
        async with self._sessions() as session:
            reading = Reading(session, viewer, self._clock.now(), self._config, {})
            content = await page.download.make(reading)
        headers = {
            **HEADERS,
            "Content-Disposition": f'attachment; filename="{page.download.name}"',
        }
        return Response(content, media_type=page.download.media_type, headers=headers)


def _same(given: str, expected: str) -> bool:
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())

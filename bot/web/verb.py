"""The `web` verb: a one-time sign-in link to the web view, only ever sent privately.

Asked in a private chat (or at the console, which is the person running the bot), the link is
the answer. Asked in a room, the link goes to the person privately and the room hears only that
it went; where the bot cannot write to them privately yet, they are told how to allow it and no
link is made.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.core.events import Command
from bot.core.inbound import answer_here
from bot.core.messages import Body, Outgoing, ToPerson
from bot.core.people import private_address
from bot.core.router import Context, Router
from bot.errors import InputError
from bot.web.signin import LINK_MINUTES, LINKS_PER_HOUR, new_link

Address = Callable[[], str]
"""Where people reach the web app (no trailing slash), asked when a link is made."""


class SignInVerb:
    def __init__(self, address: Address) -> None:
        self._address = address

    def register(self, router: Router) -> None:
        router.command(
            "web", self.on_web, description="get a private link to the partnership's web pages"
        )

    async def on_web(self, ctx: Context, event: Command) -> list[Outgoing]:
        person_id = ctx.who.person_id
        key = f"web:{event.platform}:{event.dedup_key}"
        here = event.private or ctx.capabilities.local_files
        if not here and await private_address(ctx.session, person_id) is None:
            return [answer_here(event, Body("web/private_only", {}), key=key)]
        # the person running the bot is a steward by right, as `is_steward` says in chat: the
        # web knows it from the link, since they may not have spoken in the stewards' room yet
        by_right = ctx.capabilities.trusted_operator and not event.sender.as_member
        token = await new_link(ctx.session, person_id, now=ctx.now, by_right=by_right)
        if token is None:
            raise InputError("web/too_many", per_hour=LINKS_PER_HOUR)
        url = f"{self._address()}/app/signin/{token}"
        body = Body("web/link", {"url": url, "minutes": LINK_MINUTES})
        if here:
            return [answer_here(event, body, key=key)]
        sent = Outgoing(to=ToPerson(person_id), body=body, key=key)
        if ctx.capabilities.answers_go_privately:
            return [sent]  # a note would arrive beside the link itself
        note = answer_here(event, Body("web/sent_privately", {}), key=f"{key}:note")
        return [sent, note]


class PublicAddress:
    """Where people reach the web app: `HUDDLEBOT_PUBLIC_URL`, else the address it listens on
    (known once the server has started, so the port may be chosen by the system)."""

    def __init__(self, public_url: str | None, *, host: str, port: int) -> None:
        self._public = public_url
        self.host = host
        self.port = port

    @property
    def secure(self) -> bool:
        return bool(self._public and self._public.startswith("https://"))

    def __call__(self) -> str:
        if self._public:
            return self._public
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        return f"http://{host}:{self.port}"

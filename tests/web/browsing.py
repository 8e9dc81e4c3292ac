"""A person at a browser, over real HTTP against the bot's own web app: asks the bot for a link
in chat, signs in with it, opens pages and sends their forms."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

import httpx
from sqlmodel import select

from bot.app import running
from bot.core.background import Background
from bot.practices.maturity.models import MaturityAgreed, MaturityRound, MaturityScore
from bot.practices.pulse.models import PulseAnswer, PulseCheck
from bot.storage.models import Membership
from tests.harness import Harness

LINK = re.compile(r"(https?://\S+/app/signin/[A-Za-z0-9_-]+)")
FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


def link_in(printed: str) -> str:
    found = LINK.findall(printed)
    assert found, printed
    return str(found[-1])


@dataclass
class Browser:
    client: httpx.AsyncClient

    async def sign_in(self, link: str) -> httpx.Response:
        page = await self.client.get(link)
        assert page.status_code == 200, page.text
        token = link.rsplit("/", 1)[1]
        return await self.client.post("/app/signin", data={"token": token})

    async def open(self, path: str) -> httpx.Response:
        return await self.client.get(path)

    async def form_token(self, path: str) -> str:
        page = await self.open(path)
        found = FORM_TOKEN.search(page.text)
        assert found, page.text
        return found.group(1)

    async def send(self, path: str, fields: dict[str, str]) -> httpx.Response:
        token = await self.form_token(path)
        return await self.client.post(path, data={"form_token": token, **fields})


@asynccontextmanager
async def serving(harness: Harness) -> AsyncIterator[str]:
    """The bot's web app on a free port; yields its address."""
    async with Background() as background, running(harness.bot, background=background) as server:
        assert server is not None
        yield f"http://127.0.0.1:{server.port}"


@asynccontextmanager
async def browser(base: str) -> AsyncIterator[Browser]:
    async with httpx.AsyncClient(base_url=base) as client:
        yield Browser(client)


async def signed_in_at_console(harness: Harness, who: str, room: str) -> str:
    """`who` asks for a link at the console in `room` a minute later; returns the link.

    They speak as an ordinary member (`/as`), so they are a steward only if seen in a stewards'
    room; the console's own operator (`operator_link`) is one by right."""
    harness.clock.set(harness.clock.now() + timedelta(minutes=1))
    await harness.say(f"/as {who}")
    harness.take()
    await harness.say(f"#{room} /web")
    link = link_in(harness.take())
    await harness.say("/as")
    harness.take()
    return link


async def seed_rounds(harness: Harness, circle_id: str, *, rounds: int) -> None:
    """Closed maturity rounds and pulses of the circle's people, a month apart: everyone takes
    part in each but the last, where one is missing (too few to show when three are needed)."""
    now = harness.clock.now()
    async with harness.bot.sessions.begin() as session:
        query = select(Membership.person_id).where(Membership.circle_id == circle_id)
        ids = sorted((await session.exec(query)).all())
        for number in range(rounds):
            people = ids if number < rounds - 1 else ids[:-1]
            opened = now - timedelta(days=30 * (rounds - number))
            closed = opened + timedelta(days=3)
            round_ = MaturityRound(
                circle_id=circle_id,
                opened_at=opened,
                closes_at=closed,
                closed_at=closed,
                threshold=3,
                focus="vision",
            )
            pulse = PulseCheck(
                circle_id=circle_id, scheduled_for=opened, closes_at=closed, threshold=3
            )
            session.add_all([round_, pulse])
            await session.flush()
            assert round_.id is not None and pulse.id is not None
            for score, person in enumerate(people, start=2):
                session.add(
                    MaturityScore(
                        round_id=round_.id,
                        person_id=person,
                        dimension="vision",
                        score=score,
                        scored_at=opened,
                    )
                )
                session.add(
                    PulseAnswer(
                        pulse_id=pulse.id,
                        person_id=person,
                        factor="pace",
                        answer="too_much" if score % 2 else "just_right",
                        answered_at=opened,
                    )
                )
            session.add(
                MaturityAgreed(
                    round_id=round_.id,
                    dimension="vision",
                    score=min(5, 2 + number),
                    agreed_at=closed,
                )
            )

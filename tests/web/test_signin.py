"""Signing in without a password: a one-time link asked for in chat, a session cookie, and no
page without it. Over real HTTP against the bot's own web app."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import delete, select

from bot.config.environment import Settings
from bot.errors import ConfigError
from bot.storage.models import Membership
from bot.web.models import SignInLink
from bot.web.verb import PublicAddress
from tests.harness import Harness
from tests.web.browsing import browser, link_in, serving, signed_in_at_console


async def test_a_link_signs_in_once_and_every_page_needs_the_session(harness: Harness) -> None:
    async with serving(harness) as base, browser(base) as ana:
        for path in ("/app", "/app/week", "/app/blockers", "/app/mydata/download"):
            answer = await ana.open(path)
            assert "type <code>web</code>" in answer.text, path
            assert "Content-Security-Policy" in answer.headers
        link = await signed_in_at_console(harness, "ana", "core")
        assert link.startswith(base)
        signed = await ana.sign_in(link)
        assert signed.status_code == 303
        cookie = signed.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "path=/app" in cookie
        assert "secure" not in cookie  # a plain http address: the browser would drop it
        week = await ana.open("/app/week")
        assert week.status_code == 200 and "<h1>This week</h1>" in week.text
        assert "script-src" not in week.headers["content-security-policy"]
        assert "default-src 'none'" in week.headers["content-security-policy"]
        async with browser(base) as someone_else:
            again = await someone_else.client.post(
                "/app/signin", data={"token": link.rsplit("/", 1)[1]}
            )
            assert again.status_code == 410 and "no longer works" in again.text
            unknown = await someone_else.open("/app/signin/not-a-real-link")
            assert unknown.status_code == 410 and unknown.text == again.text


async def test_a_link_expires_after_fifteen_minutes(harness: Harness) -> None:
    async with serving(harness) as base, browser(base) as ana:
        link = await signed_in_at_console(harness, "ana", "core")
        harness.clock.set(harness.clock.now() + timedelta(minutes=15, seconds=1))
        page = await ana.open(link)
        assert page.status_code == 410


async def test_links_are_stored_hashed_and_limited_per_hour(harness: Harness) -> None:
    links = [await signed_in_at_console(harness, "ana", "core") for _ in range(5)]
    async with harness.bot.sessions() as session:
        stored = [row.token_hash for row in (await session.exec(SignInLink.__table__.select()))]  # type: ignore[call-overload, attr-defined]
    assert len(stored) == 5
    assert not any(link.rsplit("/", 1)[1] in stored for link in links)
    harness.take()
    await harness.say("#core @ana /web")
    printed = harness.take()
    assert "/app/signin/" not in printed and "as many as I send" in printed
    harness.clock.set(harness.clock.now() + timedelta(hours=1, seconds=1))
    await signed_in_at_console(harness, "ana", "core")


async def test_sign_out_and_removal_end_the_session_at_once(harness: Harness) -> None:
    await harness.say("#stewards @sam hello")
    async with serving(harness) as base, browser(base) as ana, browser(base) as sam:
        await ana.sign_in(await signed_in_at_console(harness, "ana", "core"))
        await sam.sign_in(await signed_in_at_console(harness, "sam", "stewards"))
        token = await ana.form_token("/app/week")
        refused = await ana.client.post("/app/logout", data={"form_token": "wrong"})
        assert refused.status_code == 303
        assert (await ana.open("/app/week")).status_code == 200  # a forged sign-out does nothing
        await ana.client.post("/app/logout", data={"form_token": token})
        assert (await ana.open("/app/week")).status_code == 401

        assert (await sam.open("/app/week")).status_code == 200
        async with harness.bot.sessions.begin() as session:
            await session.exec(delete(Membership))  # type: ignore[call-overload]
        assert (await sam.open("/app/week")).status_code == 401


def test_the_public_address_is_checked_and_makes_the_cookie_secure(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as refused:
        Settings.from_env({"HUDDLEBOT_PUBLIC_URL": "huddle.example.org"}, cwd=tmp_path)
    said = str(refused.value)
    assert "HUDDLEBOT_PUBLIC_URL" in said and "https://huddle.example.org" in said
    settings = Settings.from_env(
        {"HUDDLEBOT_PUBLIC_URL": "https://huddle.example.org/"}, cwd=tmp_path
    )
    address = PublicAddress(settings.public_url, host="0.0.0.0", port=8080)
    assert address() == "https://huddle.example.org" and address.secure
    local = PublicAddress(None, host="0.0.0.0", port=8123)
    assert local() == "http://127.0.0.1:8123" and not local.secure


async def test_the_console_operator_is_a_steward_on_the_web_from_the_first_link(
    harness: Harness,
) -> None:
    """Whoever runs the console is a steward by right in chat; the web agrees at once, before
    they have said a word in the stewards' room. Someone tried as a member (`/as`) is not."""
    await harness.say("#core @ana /blocker The referral form bounces people.")
    async with serving(harness) as base, browser(base) as you, browser(base) as ana:
        harness.take()
        await harness.say("#core /web")
        await you.sign_in(link_in(harness.take()))
        week = await you.open("/app/week")
        assert "Across the partnership (for stewards)" in week.text
        blockers = await you.open("/app/blockers")
        assert "The referral form bounces people." in blockers.text
        assert 'value="take"' in blockers.text
        async with harness.bot.sessions() as session:
            stewards = await session.exec(
                select(Membership).where(Membership.circle_id == "stewards")
            )
            assert stewards.all() == []  # nothing was recorded on their behalf
        await ana.sign_in(await signed_in_at_console(harness, "ana", "core"))
        assert "Across the partnership" not in (await ana.open("/app/week")).text
        assert 'value="take"' not in (await ana.open("/app/blockers")).text

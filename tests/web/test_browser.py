"""The web view in a real browser: Debian's Chromium, driven by Playwright for Python.

Alex and Sam sign in from links the bot sent them through the fake Slack, open every page, take
and resolve a blocker from the page (the report-back arrives in the fake Slack), and withdraw a
story (gone from the pages and from the next digest). axe-core runs in every page and finds no
WCAG 2.1 A or AA violation. Screenshots go to $HUDDLEBOT_SCREENSHOTS when it names a folder
(`docs/web` keeps the README's), else to the test's own folder.

Skipped, saying why, when no Chromium is found (`make test` says so too).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakes import slack_events as ev
from tests.harness import Harness
from tests.web.browsing import link_in, seed_rounds, serving
from tests.worlds import SlackWorld, slack_world

CHROMIUM = os.environ.get("HUDDLEBOT_CHROMIUM") or shutil.which("chromium") or ""
AXE = Path(__file__).parents[1] / "data" / "axe-core" / "axe.min.js"
ALEX, SAM, CY, DEE = "U0ALEX", "U0SAM", "U0CY", "U0DEE"
CORE, STEWARDS = "C0CIRCLE", "C0STEWARDS"
PAGES = ("week", "digests", "blockers", "experiments", "stories", "maturity", "pulse", "mydata")

pytestmark = pytest.mark.skipif(
    not CHROMIUM, reason="no Chromium found: install Debian's chromium to run the browser tests"
)

CONFIG = f"""
[partnership]
name = "Riverside"
timezone = "Europe/London"

[[circles]]
id = "core"
name = "Core partnership"
kind = "partnership"
rooms = [{{ platform = "slack", channel = "{CORE}" }}]

[circles.digest]
cron = "0 16 * * THU"

[[circles]]
id = "stewards"
name = "Stewards"
kind = "stewards"
rooms = [
    {{ platform = "slack", channel = "{STEWARDS}" }},
    {{ platform = "console", channel = "stewards" }},
]
"""


@pytest.fixture
async def world(tmp_path: Path, database_url: str) -> AsyncIterator[SlackWorld]:
    people = {
        ALEX: ("Alex Morgan", "alex"),
        SAM: ("Sam Okoro", "sam"),
        CY: ("Cy Patel", "cy"),
        DEE: ("Dee Walsh", "dee"),
    }
    async with slack_world(CONFIG, database_url, tmp_path, people=people) as made:
        yield made


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("HUDDLEBOT_SCREENSHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def slash(world: SlackWorld, text: str, *, user: str, channel: str) -> None:
    trigger = f"t-{time.monotonic_ns()}"
    command = ev.slash_command(text=text, user_id=user, channel_id=channel, trigger_id=trigger)
    assert await world.form(command) == 200


def said_to(world: SlackWorld, channel: str) -> str:
    return "\n".join(
        str(c.params.get("text", ""))
        for c in world.slack.calls("chat.postMessage")
        if c.params.get("channel") == channel
    )


async def link_by_slack(world: SlackWorld, user: str, channel: str) -> str:
    """`user` types `web` in `channel`; the link comes to them privately through Slack."""
    await slash(world, "web", user=user, channel=channel)
    assert "/app/signin/" not in said_to(world, channel)
    return link_in(said_to(world, user))


async def accessible(page: Any) -> list[dict[str, Any]]:
    """The WCAG 2.1 A and AA violations axe-core finds in the page."""
    await page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    found = await page.evaluate(
        "async () => (await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations"
        ".map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.html)}))"
    )
    return list(found)


async def test_people_use_the_web_view_in_a_real_browser(world: SlackWorld, shots: Path) -> None:
    from playwright.async_api import async_playwright

    h: Harness = world.harness
    await slash(world, "learned Evening drop-ins suit families", user=ALEX, channel=CORE)
    await slash(world, "learned Families come when school is out", user=ALEX, channel=CORE)
    await slash(world, "blocker The referral form asks for an address", user=ALEX, channel=CORE)
    await slash(
        world, "story [Marta's flat] Marta found a flat after the hub met", user=ALEX, channel=CORE
    )
    await slash(world, "learned Funding talks start in May", user=SAM, channel=STEWARDS)
    await slash(world, "celebrate The first family came back", user=CY, channel=CORE)
    await slash(world, "reflect We listen more than we did", user=DEE, channel=CORE)
    await seed_rounds(h, "core", rounds=4)  # so the maturity and pulse pages have charts
    h.clock.set(h.clock.now().replace(minute=30))
    async with serving(h) as base, async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        alex = await (await browser.new_context()).new_page()
        sam = await (await browser.new_context()).new_page()
        for who, user, channel in ((alex, ALEX, CORE), (sam, SAM, STEWARDS)):
            link = await link_by_slack(world, user, channel)
            assert link.startswith(base)
            await who.goto(link)
            await who.get_by_role("button", name="Sign in").click()
            await who.wait_for_url(f"{base}/app/week")

        # Alex shares the story with the circle, from the page
        await alex.goto(f"{base}/app/stories")
        await alex.get_by_label("Who may read it").select_option("circle")
        await alex.get_by_role("button", name="Save who may read it").click()
        await alex.wait_for_url("**/app/stories?notice=done")

        problems: dict[str, Any] = {}
        for role, who in (("member", alex), ("steward", sam)):
            for slug in PAGES:
                await who.goto(f"{base}/app/{slug}")
                assert await who.locator("h1").count() == 1, slug
                violations = await accessible(who)
                if violations:
                    problems[f"{role} {slug}"] = violations
                await who.screenshot(path=str(shots / f"{role}-{slug}.png"), full_page=True)
        assert not problems, json.dumps(problems, indent=1)
        await sam.goto(f"{base}/app/stories")
        assert "Marta found a flat" in await sam.content()

        # Sam takes the blocker up, then resolves it; the circle hears back in Slack
        await sam.goto(f"{base}/app/blockers")
        await sam.get_by_role("button", name="Take it up").click()
        await sam.wait_for_url("**/app/blockers?notice=done")
        assert "Taken up (1)" in await sam.content()
        await sam.get_by_label("Note for the circle").fill("The form no longer asks for one")
        await sam.get_by_role("button", name="Resolve").click()
        await sam.wait_for_url("**/app/blockers?notice=done")
        await h.bot.dispatcher.drain()
        told = said_to(world, CORE)
        assert "News on something you raised" in told
        assert "The form no longer asks for one" in told
        assert "Blocker" in said_to(world, SAM)  # Sam's own answer, privately, as in chat

        # Alex withdraws the story: gone from every page and from the next digest
        await alex.goto(f"{base}/app/stories")
        await alex.get_by_label("I want to withdraw this story").check()
        await alex.get_by_role("button", name="Withdraw").click()
        await alex.wait_for_url("**/app/stories?notice=done")
        for who in (alex, sam):
            await who.goto(f"{base}/app/week")
            assert "Marta found a flat" not in await who.content()
        await sam.goto(f"{base}/app/stories")
        assert "Marta found a flat" not in await sam.content()
        await browser.close()
        await h.until(h.clock.now().replace(day=12, hour=16, minute=1))
    digest = said_to(world, CORE)
    assert "Evening drop-ins suit families" in digest  # the digest was posted
    assert "Marta found a flat" not in digest

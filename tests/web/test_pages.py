"""Every page, as a member and as a steward, over real HTTP: what each may see, the empty
states, and the forms that stand for chat verbs (their answers and report-backs arrive in chat
exactly as when typed)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.config.partnership import load_config
from bot.storage.models import Identity
from tests.harness import CONFIG, Harness, open_harness
from tests.web.browsing import browser, seed_rounds, serving, signed_in_at_console

PAGES = (
    "week",
    "digests",
    "blockers",
    "experiments",
    "stories",
    "msc",
    "maturity",
    "pulse",
    "mydata",
)

WITH_A_SET = (
    CONFIG
    + """
[[circles]]
id = "set"
name = "Tuesday set"
kind = "learning_set"
rooms = [{ platform = "console", channel = "set" }]
"""
)


@pytest.fixture
async def partnership(tmp_path: Path, database_url: str) -> Harness:  # type: ignore[misc]
    path = tmp_path / "huddlebot.toml"
    path.write_text(WITH_A_SET)
    async with open_harness(load_config(path), database_url) as harness:
        yield harness


async def test_empty_pages_say_what_to_do(harness: Harness) -> None:
    async with serving(harness) as base, browser(base) as ana:
        await ana.sign_in(await signed_in_at_console(harness, "ana", "core"))
        for page in PAGES:
            answer = await ana.open(f"/app/{page}")
            assert answer.status_code == 200, (page, answer.text)
            assert "<h1>" in answer.text
            if page != "mydata":
                assert 'class="empty"' in answer.text, page
        assert (await ana.open("/app/nowhere")).status_code == 404


async def test_each_person_sees_what_the_chat_lets_them_see(partnership: Harness) -> None:
    h = partnership
    await h.say("#core @ana /learned Evening drop-ins suit families")
    await h.say("#core @ana /story [Marta's flat] Marta found a flat after the hub met")
    await h.say("#core @ana /blocker The referral form asks for an address")
    await h.say("#set @ben /learned Set secret: our manager is leaving")
    await h.say("#set @ben /story A story told in the set")
    await h.say("#stewards @sam /learned Stewards talk about funding")
    async with serving(h) as base, browser(base) as ana, browser(base) as sam:
        await ana.sign_in(await signed_in_at_console(h, "ana", "core"))
        await sam.sign_in(await signed_in_at_console(h, "sam", "stewards"))
        ana_pages = {p: (await ana.open(f"/app/{p}")).text for p in PAGES}
        sam_pages = {p: (await sam.open(f"/app/{p}")).text for p in PAGES}
    everything_ana = "".join(ana_pages.values())
    everything_sam = "".join(sam_pages.values())
    assert "Evening drop-ins suit families" in ana_pages["week"]
    assert "The referral form asks for an address" in ana_pages["blockers"]
    # ana's own story is hers to see and change (it is for the stewards until she shares it)
    assert "Marta found a flat" in ana_pages["stories"] and "Withdraw" in ana_pages["stories"]
    # a steward sees it as the steward digest may show it, without her name
    assert "Marta found a flat" in sam_pages["stories"] and "told by Ana" not in everything_sam
    for secret in ("Set secret", "A story told in the set"):
        assert secret not in everything_ana and secret not in everything_sam
    assert "Stewards talk about funding" not in everything_ana
    assert "Stewards talk about funding" in sam_pages["week"]
    assert "The referral form asks for an address" in sam_pages["blockers"]
    assert "Take it up" in sam_pages["blockers"] and "Take it up" not in ana_pages["blockers"]


async def test_a_steward_takes_and_resolves_a_blocker_and_the_circle_hears(h: Harness) -> None:
    await h.say("#core @ana /learned Evening drop-ins suit families")
    await h.say("#core @ana /blocker The referral form asks for an address")
    await h.say("#stewards @sam hello")
    async with serving(h) as base, browser(base) as sam, browser(base) as ana:
        await sam.sign_in(await signed_in_at_console(h, "sam", "stewards"))
        await ana.sign_in(await signed_in_at_console(h, "ana", "core"))
        h.take()
        # the page's form carries the number people use in chat (`blocker take 2`)
        listed = (await sam.open("/app/blockers")).text
        assert "<strong>#2</strong>" in listed and 'name="id" value="2"' in listed
        taken = await sam.send("/app/blockers", {"action": "take", "id": "2", "note": ""})
        assert taken.status_code == 303 and "notice=done" in taken.headers["location"]
        await h.bot.dispatcher.drain()
        assert "taken up" in (await sam.open("/app/blockers")).text.lower()
        refused = await ana.send("/app/blockers", {"action": "resolve", "id": "2", "note": "x"})
        assert "notice=stewards" in refused.headers["location"]
        empty = await sam.send("/app/blockers", {"action": "resolve", "id": "2", "note": " "})
        assert "notice=empty" in empty.headers["location"]
        await sam.send(
            "/app/blockers", {"action": "resolve", "id": "2", "note": "The form now takes none"}
        )
        await h.bot.dispatcher.drain()
        printed = h.take()
        assert "[#core] huddlebot" in printed and "News on something you raised" in printed
        assert "The form now takes none" in printed
        page = (await sam.open("/app/blockers")).text
        assert "Resolved (1)" in page
        forged = await sam.client.post(
            "/app/blockers", data={"form_token": "forged", "action": "park", "id": "1"}
        )
        assert "notice=refused" in forged.headers["location"]
        token = await sam.form_token("/app/blockers")
        elsewhere = await sam.client.post(
            "/app/blockers",
            data={"form_token": token, "action": "park", "id": "1", "note": "n"},
            headers={"Origin": "https://elsewhere.example"},
        )
        assert "notice=refused" in elsewhere.headers["location"]


@pytest.fixture
def h(harness: Harness) -> Harness:
    return harness


async def test_a_teller_withdraws_a_story_and_it_is_gone(h: Harness) -> None:
    await h.say("#core @ana /story [Marta's flat] Marta found a flat after the hub met")
    await h.say("#stewards @sam hello")
    async with serving(h) as base, browser(base) as ana, browser(base) as sam:
        await ana.sign_in(await signed_in_at_console(h, "ana", "core"))
        await sam.sign_in(await signed_in_at_console(h, "sam", "stewards"))
        shared = await ana.send("/app/stories", {"action": "share", "id": "1", "choice": "circle"})
        assert "notice=done" in shared.headers["location"]
        # a story reaches the circle from when it is shared with it; a minute on, the week holds it
        await h.until(h.clock.now() + timedelta(minutes=1))
        assert "Marta found a flat" in (await ana.open("/app/week")).text
        await h.say("#core @sam /digest")  # archived with the story in it
        assert "Marta found a flat" in (await ana.open("/app/digests")).text
        unsure = await ana.send("/app/stories", {"action": "withdraw", "id": "1"})
        assert "notice=empty" in unsure.headers["location"]
        await ana.send("/app/stories", {"action": "withdraw", "id": "1", "sure": "yes"})
        for who in (ana, sam):
            for page in ("week", "stories", "digests"):
                text = (await who.open(f"/app/{page}")).text
                if who is ana and page == "stories":
                    assert "Withdrawn" in text  # her own list says what became of it
                    assert "Save who may read it" not in text
                else:
                    assert "Marta found a flat" not in text, page
        digests = (await ana.open("/app/digests")).text
        assert "Core partnership: " in digests  # the digest is still there, without the story


async def test_forgetting_from_the_page_signs_out_and_erases(h: Harness) -> None:
    await h.say("#core @ana /learned Evening drop-ins suit families")
    async with serving(h) as base, browser(base) as ana:
        await ana.sign_in(await signed_in_at_console(h, "ana", "core"))
        download = await ana.open("/app/mydata/download")
        assert download.headers["content-disposition"].startswith("attachment")
        assert "Evening drop-ins suit families" in download.text
        await ana.send("/app/mydata", {"action": "forget"})
        assert (await ana.open("/app/mydata")).status_code == 200
        await ana.send("/app/mydata", {"action": "forget", "sure": "yes"})
        assert (await ana.open("/app/mydata")).status_code == 401
    async with h.bot.sessions() as session:
        assert not (await session.exec(Identity.__table__.select())).all()  # type: ignore[call-overload, attr-defined]


async def test_maturity_and_pulse_show_only_from_the_threshold_up(h: Harness) -> None:
    for who in ("ana", "ben", "cy"):
        await h.say(f"#core @{who} hello")
    await seed_rounds(h, "core", rounds=2)
    async with serving(h) as base, browser(base) as ana:
        await ana.sign_in(await signed_in_at_console(h, "ana", "core"))
        maturity = (await ana.open("/app/maturity")).text
        assert "2 to 4" in maturity  # three people scored the first round
        assert maturity.count("too few to show") == 1  # two in the second: no range
        assert "<svg" in maturity and "<desc" in maturity and "<table>" in maturity
        pulse = (await ana.open("/app/pulse?weeks=12")).text
        assert "Pace" in pulse and "<svg" in pulse
        assert "1 of 2 pulses" in pulse
        assert "Too much</td>" not in pulse
        assert pulse.count("not shown") >= 3


async def test_a_steward_sees_the_oldest_waiting_blockers_and_how_many_more(
    harness: Harness,
) -> None:
    from datetime import timedelta

    from bot.digests.contributions import WAITING_SHOWN
    from tests.digests.test_huddle_digest import seed_blocker

    now = harness.clock.now()
    for number in range(WAITING_SHOWN + 3):
        await seed_blocker(
            harness,
            text=f"Waiting blocker {number:02d}",
            raised=now - timedelta(days=60 - number),
            kind="funding",
        )
    async with serving(harness) as base, browser(base) as sam:
        await sam.sign_in(await signed_in_at_console(harness, "sam", "stewards"))
        week = (await sam.open("/app/week")).text
    assert "Waiting blocker 00" in week and f"Waiting blocker {WAITING_SHOWN - 1:02d}" in week
    assert f"Waiting blocker {WAITING_SHOWN:02d}" not in week
    assert "And 3 more waiting" in week and 'href="/app/blockers"' in week

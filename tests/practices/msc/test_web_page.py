"""The Most Significant Change page of the web view, over real HTTP: a member reads the story
their circle's panel selected and why; once its teller withdraws it, the page no longer shows it."""

from __future__ import annotations

from tests.harness import Harness
from tests.practices.msc.helpers import tell
from tests.web.browsing import browser, serving, signed_in_at_console

MO = "Mo came back to the drop-in after a year away."


async def test_a_selection_shows_to_members_until_its_teller_withdraws_it(
    harness: Harness,
) -> None:
    for name in ("ana", "ben"):
        await harness.say(f"#core @{name} /help")
    number = await tell(harness, "ana", "core", MO)
    await tell(harness, "ben", "core", "The housing team now calls us first.")
    await harness.say("#core @ana /msc start")
    await harness.say("#core @ana /msc choose 1 because trust came back")
    await harness.say("#core @ben /msc choose 1 because he chose to return")
    await harness.say("#core @ana /msc close")
    await harness.say("#core @ana /msc select 1 because people choose to come back")
    async with serving(harness) as base, browser(base) as ben:
        await ben.sign_in(await signed_in_at_console(harness, "ben", "core"))
        page = (await ben.open("/app/msc")).text
        assert MO in page and "because people choose to come back" in page
        assert "trust came back" not in page  # a chooser's own reason is not the panel's
        await harness.say(f"#core @ana /story withdraw {number}")
        page = (await ben.open("/app/msc")).text
        assert MO not in page and 'class="empty"' in page

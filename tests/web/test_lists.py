"""The pages that list things, a page at a time (`?page=N`, previous and next links that work
without script), the Digests page's search by words and dates, and its digests shown as safe
HTML. Over real HTTP against the bot's own web app."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bot.storage.models import Digest
from bot.storage.sql import insert_row
from tests.harness import Harness
from tests.web.browsing import browser, serving, signed_in_at_console

NEXT = re.compile(r'<a href="([^"]+)" rel="next">Next page of ([^<]+)</a>')
PREVIOUS = re.compile(r'<a href="([^"]+)" rel="prev">Previous page of ([^<]+)</a>')


@pytest.fixture
def h(harness: Harness) -> Harness:
    return harness


def next_link(page: str, what: str) -> str:
    found = [href.replace("&amp;", "&") for href, named in NEXT.findall(page) if named == what]
    assert found, page
    return found[0]


async def archive_weeks(h: Harness, weeks: int) -> None:
    """`weeks` huddle digests of the core circle, one a week back from now, as if posted; every
    third speaks of oranges."""
    now = h.clock.now()
    async with h.bot.sessions.begin() as session:
        for week in range(weeks):
            end = now - timedelta(weeks=week)
            fruit = "oranges" if week % 3 == 0 else "apples"
            await insert_row(
                session,
                Digest,
                {
                    "circle_id": "core",
                    "kind": "huddle",
                    "period_start": end - timedelta(weeks=1),
                    "period_end": end,
                    "created_at": end,
                    "markdown": f"## Huddle digest for Core\n\n- Week {week} of {fruit}\n",
                    "people": 3,
                    "entries": 3,
                },
            )


async def test_the_digests_archive_pages_and_keeps_the_search(h: Harness) -> None:
    await h.say("#core @ana hello")
    await archive_weeks(h, 25)
    async with serving(h) as base, browser(base) as ana:
        await ana.sign_in(await signed_in_at_console(h, "ana", "core"))
        first = (await ana.open("/app/digests")).text
        assert first.count('<article class="digest"') == 20
        assert "Week 0 of oranges" in first and "Week 19 of" in first and "Week 20" not in first
        assert "1 to 20 of 25 digests (page 1 of 2)" in first
        assert not PREVIOUS.search(first)
        second = (await ana.open(next_link(first, "digests"))).text
        assert second.count('<article class="digest"') == 5
        assert "Week 20 of" in second and "Week 24 of" in second and "Week 0 " not in second
        assert PREVIOUS.search(second) and not NEXT.search(second)
        # a page past the end shows the last one; one that is not a number, the first
        assert (await ana.open("/app/digests?page=99")).text.count("<article") == 5
        assert "Week 0 of" in (await ana.open("/app/digests?page=two")).text
        # the search is kept from page to page
        found = (await ana.open("/app/digests?q=Oranges")).text
        assert found.count("<article") == 9 and "apples" not in found
        assert "1 to 9 of 9 digests" not in found  # one page: no paging links at all
        assert 'aria-label="Pages of digests"' not in found


async def test_the_digests_page_is_searchable_by_words_and_date(h: Harness) -> None:
    await h.say("#core @ana hello")
    await archive_weeks(h, 12)
    today = h.clock.now().date()
    async with serving(h) as base, browser(base) as ana:
        await ana.sign_in(await signed_in_at_console(h, "ana", "core"))
        words = (await ana.open("/app/digests?q=week+3+oranges")).text
        assert words.count("<article") == 1 and "Week 3 of oranges" in words
        since = (today - timedelta(days=25)).isoformat()
        until = (today - timedelta(days=10)).isoformat()
        dated = (await ana.open(f"/app/digests?from={since}&to={until}")).text
        shown = re.findall(r"Week (\d+) of", dated)
        assert shown == ["1", "2", "3"]  # the weeks that overlap those days, newest first
        both = (await ana.open(f"/app/digests?q=oranges&from={since}&to={until}")).text
        assert re.findall(r"Week (\d+) of", both) == ["3"]
        nothing = (await ana.open("/app/digests?q=pears")).text
        assert "No digest matches that search" in nothing
        unreadable = await ana.open("/app/digests?from=last+tuesday")
        assert unreadable.status_code == 200
        assert "The first date is not one I can read" in unreadable.text
        many = "+".join(["100%25_off"] * 3)  # LIKE's own marks are searched for as written
        assert "No digest matches" in (await ana.open(f"/app/digests?q={many}")).text


async def test_a_digest_shows_its_structure_and_never_a_persons_markup(h: Harness) -> None:
    hostile = (
        "<script>alert(1)</script> [x](javascript:alert(1)) **loud** @channel "
        "<https://evil.example> `tick` &amp; # no heading"
    )
    await h.say(f"#core @ana /learned {hostile}")
    await h.say("#core @ana /learned - not a list item *nor italic*")
    h.clock.set(h.clock.now() + timedelta(minutes=1))
    await h.say("#core /digest")
    async with serving(h) as base, browser(base) as ana:
        await ana.sign_in(await signed_in_at_console(h, "ana", "core"))
        page = (await ana.open("/app/digests")).text
    digest = page[page.index('<div class="digest-text">') :]
    digest = digest[: digest.index("</article>")]
    assert "<h3>Huddle digest for Core partnership</h3>" in digest
    assert "<li>" in digest and "<em>" in digest  # the digest's own list and emphasis
    assert "<script" not in digest and "href" not in digest and "<a " not in digest
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in digest
    assert "[x](javascript:alert(1))" in digest
    assert "**loud**" in digest and "<strong>loud" not in digest
    assert "@channel" in digest and "&lt;https://evil.example&gt;" in digest
    assert "`tick`" in digest and "&amp;amp; # no heading" in digest
    assert "- not a list item *nor italic*" in digest


async def test_blockers_page_each_group_a_page_at_a_time(h: Harness) -> None:
    for n in range(35):
        await h.say(f"#core @ana /blocker Obstacle number {n}")
    async with serving(h) as base, browser(base) as ana:
        await ana.sign_in(await signed_in_at_console(h, "ana", "core"))
        first = (await ana.open("/app/blockers")).text
        assert "Open (35)" in first and first.count("Obstacle number") == 30
        assert "Obstacle number 29<" in first and "Obstacle number 30<" not in first
        link = next_link(first, "open blockers")
        assert "group=open" in link and "page=2" in link
        second = (await ana.open(link)).text
        assert second.count("Obstacle number") == 5 and "Obstacle number 34<" in second
        assert '<ol class="blockers" start="31">' in second
        assert PREVIOUS.search(second)


async def test_stories_and_experiments_a_page_at_a_time(h: Harness) -> None:
    await h.say("#stewards @sam hello")
    for n in range(22):
        await h.say(f"#core @ana /story Tale number {n} of what changed")
    for n in range(12):
        await h.say(f"#core @ana /experiment new Trial {n} | we expect less waiting")
    async with serving(h) as base, browser(base) as sam:
        await sam.sign_in(await signed_in_at_console(h, "sam", "stewards"))
        stories = (await sam.open("/app/stories")).text
        assert stories.count("Tale number") == 20 and "Tale number 21 " in stories
        older = (await sam.open(next_link(stories, "stories shared with you"))).text
        assert older.count("Tale number") == 2 and "Tale number 0 " in older
        trials = (await sam.open("/app/experiments")).text
        assert len(set(re.findall(r"Trial (\d+)", trials))) == 10 and "Trial 11" in trials
        rest = (await sam.open(next_link(trials, "experiments"))).text
        assert set(re.findall(r"Trial (\d+)", rest)) == {"0", "1"}

"""Every entry, whichever way it was made, is stored through one path that runs the entry hooks."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import col, select

from bot.core.events import Nomination, Sender
from bot.core.messages import Outgoing
from bot.core.router import Context, Saved
from bot.practices.blockers.models import Blocker
from bot.storage.models import Entry, Person
from tests.harness import Harness

MONDAY_10 = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)

KINDS = ("learning", "blocker", "celebration", "story", "experiment_update", "reflection")


async def test_every_way_of_making_an_entry_runs_the_entry_hooks(harness: Harness) -> None:
    seen: list[Saved] = []

    async def hook(ctx: Context, event: Any, saved: Saved) -> list[Outgoing]:
        seen.append(saved)
        return []

    for kind in KINDS:
        harness.bot.router.on_entry(kind, hook)

    await harness.until(MONDAY_10)  # the Monday prompt is asked in #core
    ways = {
        "a verb": "@ana /learned Evening drop-ins suit families.",
        "a reply to a prompt": "@ben The shared form halved the back-and-forth.",
        "a private message starting with a verb": "@cleo /dm reflect Slower is sometimes faster.",
        "the blocker verb": "@ana /blocker The referral form is too long.",
        "the story verb": "@ben /story A mum found the drop-in through her neighbour.",
        "the experiment ledger": "@cleo /experiment new Evening hours | more families come",
    }
    for line in ways.values():
        await harness.say(line)
    await harness.bot.core.handle(
        Nomination(
            platform="console",
            dedup_key="nomination-1",
            sender=Sender(platform="console", user_id="ana", display_name="ana"),
            chat="core",
            received_at=MONDAY_10,
            verb="celebrate",
            text="We got the funding renewed!",
            author=Sender(platform="console", user_id="dev", display_name="dev"),
        )
    )
    await harness.say("@dev /dm hello")  # not an entry: nothing is open for dev privately

    async with harness.bot.sessions() as session:
        rows = (await session.exec(select(Entry).order_by(col(Entry.id)))).all()
        names = {p.id: p.display_name for p in (await session.exec(select(Person))).all()}
        blockers = (await session.exec(select(Blocker.entry_id))).all()

    assert [(s.entry_id, s.kind, s.circle_id) for s in seen] == [
        (r.id, r.kind, r.circle_id) for r in rows
    ]
    assert [(r.kind, names[r.person_id].lower()) for r in rows] == [
        ("learning", "ana"),
        ("learning", "ben"),
        ("reflection", "cleo"),
        ("blocker", "ana"),
        ("story", "ben"),
        ("experiment_update", "cleo"),
        ("celebration", "dev"),
    ]
    assert rows[1].prompt_run_id is not None and seen[1].prompt_run_id == rows[1].prompt_run_id
    # the nominated words are their author's, held privately until the author chooses
    assert names[seen[-1].person_id].lower() == "dev" and seen[-1].visibility == "private"
    assert list(blockers) == [rows[3].id]


async def test_words_saved_for_someone_else_stay_theirs_whatever_their_kind(
    harness: Harness,
) -> None:
    """The blocker and story hooks leave an entry held for its author alone: not raised as a
    blocker, not opened to the stewards as a story, no teller's buttons for the person who saved
    it."""
    for number, verb in enumerate(("blocker", "story")):
        await harness.bot.core.handle(
            Nomination(
                platform="console",
                dedup_key=f"nomination-{number}",
                sender=Sender(platform="console", user_id="ana", display_name="ana"),
                chat="core",
                received_at=MONDAY_10,
                verb=verb,
                text=f"Words about a {verb}.",
                author=Sender(platform="console", user_id="dev", display_name="dev"),
            )
        )
    async with harness.bot.sessions() as session:
        rows = (await session.exec(select(Entry).order_by(col(Entry.id)))).all()
        blockers = (await session.exec(select(Blocker))).all()
    assert [(r.kind, r.visibility, r.anonymous) for r in rows] == [
        ("blocker", "private", True),
        ("story", "private", True),
    ]
    assert blockers == []
    await harness.bot.dispatcher.drain()
    printed = harness.take()
    assert "/press story_share" not in printed and "/press blocker_kind" not in printed

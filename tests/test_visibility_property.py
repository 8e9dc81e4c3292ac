"""Property: content is seen only as its teller chose.

Random people tell random stories and learnings, then press random buttons and send random
commands: share (circle, stewards, private), name (named, anonymous), withdraw, on their own
stories or on others', and sometimes ask to be forgotten. A small model says what each entry
should be. Whatever happened, nothing stewards-only, private or withdrawn reaches the circle's
digest, no anonymous entry carries a name there, no export for a person holds anyone else's
words, and the stewards' export holds nothing private or withdrawn. Words said in a learning set,
or sent privately with a verb, reach no digest and no stewards' export, and the digest's
participation counts only what its list may show.

One bot serves every example (building one per example would take minutes); each example
speaks on its own day, and its digest covers that day only.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from bot.cli.export import circle_entries
from bot.config.partnership import load_config
from bot.core.events import ButtonPress, Command, InboundEvent, Sender
from bot.digests.huddle_digest import digest_context
from bot.practices.data_rights.holdings import person_data
from bot.practices.protocols import DescribesEntries
from bot.storage.models import Entry, Identity
from tests.harness import SUNDAY, Harness, open_harness

PEOPLE = ("ana", "ben", "cy")
CIRCLES = ("core", "stewards", "set-a")
SET_CIRCLE = """
[[circles]]
id = "set-a"
name = "Learning set A"
kind = "learning_set"
rooms = [{ platform = "console", channel = "set-a" }]
"""
SHARING = ("circle", "stewards", "private")

person = st.sampled_from(PEOPLE)
pick = st.integers(min_value=0, max_value=7)
operation = st.one_of(
    st.tuples(st.just("tell"), person, st.sampled_from(CIRCLES), st.booleans()),
    st.tuples(st.just("learn"), person, st.sampled_from(CIRCLES), st.booleans()),
    st.tuples(st.just("share"), person, pick, st.sampled_from(SHARING), st.booleans()),
    st.tuples(st.just("name"), person, pick, st.booleans(), st.booleans()),
    st.tuples(st.just("withdraw"), person, pick, st.booleans()),
    st.tuples(st.just("forget"), person),
    st.tuples(st.just("hold"), person),
)


@dataclass
class Told:
    """What the model says of one entry."""

    text: str
    title: str
    circle: str
    owner: str | None
    story: bool
    visibility: str
    anonymous: bool
    withdrawn: bool = False
    gone: bool = False
    held: bool = False
    """Sent privately with a verb: its author's alone."""
    ids: list[int] = field(default_factory=list)

    @property
    def words(self) -> list[str]:
        return [self.text, self.title] if self.title else [self.text]

    def shown_to_circle(self) -> bool:
        if self.gone or self.withdrawn or self.held or self.circle == "set-a":
            return False
        return self.visibility == "circle"

    def hidden_from_stewards(self) -> bool:
        return (
            self.gone
            or self.withdrawn
            or self.held
            or self.visibility == "private"
            or self.circle == "set-a"
        )


class World:
    """Drives the bot's core with events and keeps the model beside it."""

    def __init__(self, harness: Harness) -> None:
        self.harness = harness
        self.count = 0
        self.day = 0

    def event(self, who: str, circle: str, **what: Any) -> InboundEvent:
        """A command (or a button press) in `circle`'s room, or in a private chat for "@"."""
        self.count += 1
        common: dict[str, Any] = {
            "platform": "console",
            "dedup_key": f"prop:{self.count}",
            "sender": Sender(
                platform="console", user_id=who, display_name=who.title(), dm_chat=f"@{who}"
            ),
            "chat": circle,
            "received_at": self.harness.clock.now(),
        }
        if "action" in what:
            return ButtonPress(**common, **what)
        return Command(**common, **what, private=circle.startswith("@"))

    async def send(self, event: InboundEvent) -> None:
        clock = self.harness.clock
        clock.set(clock.now() + timedelta(seconds=1))
        await self.harness.bot.core.handle(event)

    async def story_id(self, told: Told) -> int:
        async with self.harness.bot.sessions() as session:
            query = select(Entry.id).where(Entry.text == told.text)
            return int((await session.exec(query)).one())


async def run_example(world: World, operations: list[tuple[Any, ...]], reader: str) -> None:
    world.day += 1
    start = SUNDAY + timedelta(days=world.day)
    world.harness.clock.set(start)
    told: list[Told] = []
    stories: list[Told] = []
    for number, op in enumerate(operations):
        kind, who = op[0], op[1]
        if kind in ("tell", "learn"):
            circle, titled = op[2], op[3]
            text = (
                f"Tale {world.day}x{number}." if kind == "tell" else f"Fact {world.day}x{number}."
            )
            title = f"Heading {world.day}x{number}." if titled and kind == "tell" else ""
            verb = "story" if kind == "tell" else "learned"
            args = f"[{title}] {text}" if title else text
            await world.send(world.event(who, circle, verb=verb, args=args))
            entry = Told(
                text=text,
                title=title,
                circle=circle,
                owner=who,
                story=kind == "tell",
                visibility="stewards" if kind == "tell" else "circle",
                anonymous=kind == "tell",
            )
            told.append(entry)
            if entry.story and circle != "set-a":  # a set's words are not a story to manage
                stories.append(entry)
            continue
        if kind == "hold":
            text = f"Aside {world.day}x{number}."
            await world.send(world.event(who, f"@{who}", verb="learned", args=text))
            told.append(
                Told(
                    text=text,
                    title="",
                    circle="",
                    owner=who,
                    story=False,
                    visibility="private",
                    anonymous=False,
                    held=True,
                )
            )
            continue
        if kind == "forget":
            await world.send(world.event(who, "core", verb="forget", args="confirm"))
            for entry in told:
                if entry.owner == who:
                    entry.owner = None
                    entry.anonymous = True
                    if entry.story and (entry.withdrawn or entry.visibility == "private"):
                        entry.gone = True
            continue
        if not stories:
            continue
        story = stories[op[2] % len(stories)]
        if story.gone:
            continue
        story_id = await world.story_id(story)
        by_button = op[-1]
        mine = story.owner == who
        if kind == "share":
            choice = op[3]
            if by_button:
                event = world.event(who, "core", action="story_share", value=f"{story_id}:{choice}")
            else:
                event = world.event(who, "core", verb="story", args=f"share {story_id} {choice}")
            if mine and not story.withdrawn:
                story.visibility = choice
        elif kind == "name":
            choice = "anonymous" if op[3] else "named"
            if by_button:
                event = world.event(who, "core", action="story_name", value=f"{story_id}:{choice}")
            else:
                event = world.event(who, "core", verb="story", args=f"name {story_id} {choice}")
            if mine and not story.withdrawn:
                story.anonymous = choice == "anonymous"
        else:
            if by_button:
                event = world.event(who, "core", action="story_withdraw", value=str(story_id))
            else:
                event = world.event(who, "core", verb="story", args=f"withdraw {story_id}")
            if mine:
                story.withdrawn = True
        await world.send(event)
    await check(world, told, reader=reader, start=start, end=start + timedelta(days=1))


def _entries_with_text(value: Any, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every dict inside a digest context that carries a `text`."""
    if isinstance(value, dict):
        if isinstance(value.get("text"), str):
            found.append(value)
        for item in value.values():
            _entries_with_text(item, found)
    elif isinstance(value, list | tuple):
        for item in value:
            _entries_with_text(item, found)
    return found


async def check(world: World, told: list[Told], *, reader: str, start: Any, end: Any) -> None:
    bot = world.harness.bot
    async with bot.sessions() as session:
        for circle_id in CIRCLES:
            circle = bot.config.circle(circle_id)
            context = await digest_context(
                session,
                circle=circle,
                start=start,
                end=end,
                library=bot.library,
                contributors=bot.huddle.contributors,
            )
            everything = json.dumps(context, default=str)
            shown = {item["text"]: item for item in _entries_with_text(context, [])}
            shown_here = [e for e in told if e.circle == circle_id and e.shown_to_circle()]
            assert context["participation"] == {
                "entries": len(shown_here),
                "people": len({e.owner for e in shown_here if e.owner is not None}),
            }, (shown_here, context["participation"])
            for entry in told:
                in_circle = entry.circle == circle_id
                if in_circle and entry.shown_to_circle():
                    assert entry.text in shown, (entry, context)
                    if entry.anonymous:
                        assert not shown[entry.text].get("author"), (entry, shown[entry.text])
                else:
                    for words in entry.words:
                        assert words not in everything, (entry, circle_id)

            describers = [p for p in bot.features if isinstance(p, DescribesEntries)]
            rows = await circle_entries(session, circle_id=circle_id, describers=describers)
            exported = json.dumps(rows)
            for entry in told:
                if entry.hidden_from_stewards() or entry.circle != circle_id:
                    assert entry.text not in exported, (entry, circle_id)

        query = select(Identity.person_id).where(Identity.user_id == reader)
        person_id = (await session.exec(query)).first()
        if person_id is not None:  # one person's own export per example: all of them over the run
            theirs = json.dumps(await person_data(session, person_id, now=end))
            for entry in told:
                if entry.owner != reader:
                    for words in entry.words:
                        assert words not in theirs, (entry, reader)


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    from tests.harness import CONFIG

    path = tmp_path / "huddlebot.toml"
    # no rituals or digests on a schedule: the examples move the clock by hand
    path.write_text(
        CONFIG.split("[[circles.rituals]]")[0]
        + CONFIG.split('cron = "0 16 * * THU"')[1]
        + SET_CIRCLE
    )
    url = f"sqlite+aiosqlite:///{tmp_path}/property.db"
    async with open_harness(load_config(path), url) as harness:
        yield World(harness)


@settings(
    max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "500")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(operation, min_size=1, max_size=6), reader=person)
async def test_nothing_reaches_anyone_beyond_the_tellers_choice(
    world: World, operations: list[tuple[Any, ...]], reader: str
) -> None:
    await run_example(world, operations, reader)

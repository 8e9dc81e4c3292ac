"""An event from someone the bot remembers is recorded with its unit of work's first write: what
its handler did before that write is undone when the event turns out to be a repeat, whatever
the write was, and two deliveries of one event at once store it once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlmodel import col, func, select

from bot.core.events import Command, DirectMessage, Sender
from bot.core.seen import AlreadySeen, record_with
from bot.storage.database import open_database
from bot.storage.models import Circle, Entry, Identity, Person, SeenEvent
from bot.storage.sql import insert_ignore, insert_row, write_waiting
from tests.core.test_reply_cost import counts, postgres, reply, sent_prompt_ref
from tests.harness import Harness
from tests.statement_log import shape, statements

NOW = datetime(2026, 3, 8, 18, 0, tzinfo=UTC)


def command(harness: Harness, text: str, *, n: int) -> Command:
    verb, _, args = text.partition(" ")
    return Command(
        platform="console",
        dedup_key=f"command-{n}",
        sender=Sender(platform="console", user_id="ana", display_name="Ana", dm_chat="@ana"),
        chat="core",
        received_at=harness.clock.now(),
        verb=verb,
        args=args,
    )


async def test_words_that_store_nothing_are_recorded_once_and_a_repeat_undone(
    harness: Harness,
) -> None:
    """A reply to a message that was no prompt is looked up (a read), claimed by no handler and
    stores nothing: on PostgreSQL its record waits until the end of the unit of work and goes
    alone; a repeat finds it there and is rolled back, on either engine."""
    await harness.say("/prompt learned")
    ref = await sent_prompt_ref(harness)
    await harness.bot.core.handle(reply(harness, to=ref, text="Mornings suit nobody", n=1))
    before = await counts(harness), await seen(harness)

    aside = reply(harness, to="not-a-prompt", text="Agreed, and the bus times too", n=2)
    async with statements(harness.bot) as said:
        await harness.bot.core.handle(aside)
    assert shape(said)[-1] == "COMMIT"
    async with statements(harness.bot) as said:
        await harness.bot.core.handle(aside)
    assert shape(said)[-1] == "ROLLBACK"
    assert (await counts(harness), await seen(harness)) == (before[0], before[1] + 1)


async def test_a_command_is_recorded_before_its_handler_runs(harness: Harness) -> None:
    """A command may do what no rollback undoes (write an export file): its record goes
    first, and a repeat stops there. Here one the bot does not know, answered once."""
    await harness.say("/prompt learned")
    ref = await sent_prompt_ref(harness)
    await harness.bot.core.handle(reply(harness, to=ref, text="Mornings suit nobody", n=1))
    before = await counts(harness)
    harness.take()

    unknown = command(harness, "frobnicate now", n=2)
    await harness.bot.core.handle(unknown)
    async with statements(harness.bot) as said:
        await harness.bot.core.handle(unknown)
    assert shape(said) == ["BEGIN", "INSERT", "COMMIT"]  # the record finds itself, and no more

    assert await counts(harness) == (before[0], before[1] + 1)
    await harness.bot.dispatcher.drain()
    assert harness.take().count("frobnicate") == 1


@pytest.mark.parametrize("where", ["room", "private"])
async def test_a_contribution_verb_is_recorded_with_its_entry_and_a_repeat_stores_nothing(
    harness: Harness, where: str
) -> None:
    """`learned ...` only stores what someone said (`Verb.words`): from a remembered sender,
    in a room or in a private chat, its record waits for the entry as a reply's does (on
    PostgreSQL one statement with it, where a command's record goes alone first). A repeat
    stores nothing more and is answered once."""
    await harness.say("/prompt learned")
    ref = await sent_prompt_ref(harness)
    await harness.bot.core.handle(reply(harness, to=ref, text="Mornings suit nobody", n=1))
    await harness.bot.dispatcher.drain()
    harness.take()
    before = await counts(harness), await seen(harness)

    said_in_room = command(harness, "learned Evening drop-ins suit families", n=2)
    if where == "room":
        learned: Command | DirectMessage = said_in_room
    else:
        learned = DirectMessage(
            platform="console",
            dedup_key="private-2",
            sender=said_in_room.sender,
            chat="@ana",
            received_at=harness.clock.now(),
            text="learned Evening drop-ins suit families",
            message_ref="private-in-2",
        )
    async with statements(harness.bot) as said:
        await harness.bot.core.handle(learned)
    writes = [s for s in shape(said) if s in ("INSERT", "WITH")]
    if postgres(harness):
        assert writes[0] == "WITH"  # the record went with the entry, not alone before it
    assert await counts(harness) == (before[0][0] + 1, before[0][1] + 1)
    assert await seen(harness) == before[1] + 1

    async with statements(harness.bot) as said:
        await harness.bot.core.handle(learned)  # the platform delivers it again
    # refused at its first write: rolled back (or, on PostgreSQL, its one statement in
    # autocommit wrote nothing)
    assert shape(said)[-1] in (["WITH"] if postgres(harness) else []) + ["ROLLBACK"]
    assert await counts(harness) == (before[0][0] + 1, before[0][1] + 1)
    assert await seen(harness) == before[1] + 1
    async with harness.bot.sessions() as session:
        query = select(func.count(col(Entry.id))).where(Entry.source_ref == learned.dedup_key)
        assert (await session.exec(query)).one() == 1


async def seen(harness: Harness) -> int:
    async with harness.bot.sessions() as session:
        return int((await session.exec(select(func.count(col(SeenEvent.id))))).one())


async def test_one_reply_delivered_twice_at_once_is_stored_once(harness: Harness) -> None:
    """On PostgreSQL the two deliveries run side by side on two connections: the second one's
    record waits for the first's commit, finds it, and its whole unit of work is undone."""
    await harness.say("/prompt learned")
    ref = await sent_prompt_ref(harness)
    await harness.bot.core.handle(reply(harness, to=ref, text="Evening drop-ins work", n=1))
    before = await counts(harness)

    twice = reply(harness, to=ref, text="The library beats the town hall", n=2)
    await asyncio.gather(harness.bot.core.handle(twice), harness.bot.core.handle(twice))

    assert await counts(harness) == (before[0] + 1, before[1] + 1)
    async with harness.bot.sessions() as session:
        query = select(func.count(col(Entry.id))).where(Entry.source_ref == twice.dedup_key)
        assert (await session.exec(query)).one() == 1


async def test_a_refused_record_refuses_every_later_write_of_its_transaction(
    database_url: str,
) -> None:
    """Even code that catches the refusal and writes on cannot store anything with a repeat."""
    async with open_database(database_url) as sessions:
        async with sessions.begin() as session:
            person = await insert_row(session, Person, {"display_name": "Ana", "created_at": NOW})
            ana = {"person_id": person, "platform": "console", "user_id": "ana"}
            identity = await insert_row(session, Identity, ana)
            values = {"platform": "console", "dedup_key": "e1", "seen_at": NOW}
            await insert_ignore(session, SeenEvent, values)
        async with sessions.begin() as session:
            with pytest.raises(AlreadySeen):
                await record_with(
                    session,
                    platform="console",
                    dedup_key="e1",
                    now=NOW,
                    identity_id=identity,
                    person_id=person,
                )
                await insert_row(session, Person, {"display_name": "Bo", "created_at": NOW})
            for write in (
                insert_row(session, Person, {"display_name": "Cy", "created_at": NOW}),
                insert_ignore(session, SeenEvent, {**values, "dedup_key": "e2"}),
                write_waiting(session),
            ):
                with pytest.raises(AlreadySeen):
                    await write
            await session.rollback()
        async with sessions() as session:
            names = (await session.exec(select(Person.display_name))).all()
            keys = (await session.exec(select(SeenEvent.dedup_key))).all()
    assert (names, keys) == (["Ana"], ["e1"])


async def test_a_record_and_the_entry_it_leads_are_stored_as_the_usual_path_stores_them(
    database_url: str,
) -> None:
    """On PostgreSQL one statement, on SQLite two: the same rows either way, each value bound
    through its column's type, a column left out given its default."""
    async with open_database(database_url) as sessions:
        async with sessions.begin() as session:
            session.add(Circle(id="core", name="Core", kind="partnership", timezone="UTC"))
            await session.flush()
            person = await insert_row(session, Person, {"display_name": "Ana", "created_at": NOW})
            identity = await insert_row(
                session,
                Identity,
                {"person_id": person, "platform": "console", "user_id": "ana", "created_at": NOW},
            )
        async with sessions.begin() as session:
            await record_with(
                session,
                platform="console",
                dedup_key="e1",
                now=NOW,
                identity_id=identity,
                person_id=person,
            )
            entry = await insert_row(
                session,
                Entry,
                {
                    "circle_id": "core",
                    "person_id": person,
                    "kind": "learning",
                    "text": "Tuesdays 'work'; Fridays -- no",
                    "created_at": NOW.astimezone(timezone(timedelta(hours=2))),
                },
            )
        async with sessions() as session:
            stored = await session.get_one(Entry, entry)
            record = (await session.exec(select(SeenEvent))).one()
    assert (stored.text, stored.created_at, stored.person_id) == (
        "Tuesdays 'work'; Fridays -- no",
        NOW,
        person,
    )
    assert (stored.visibility, stored.anonymous, stored.platform, stored.source_ref) == (
        "circle",
        False,
        "",
        "",
    )
    assert (record.platform, record.dedup_key, record.seen_at) == ("console", "e1", NOW)

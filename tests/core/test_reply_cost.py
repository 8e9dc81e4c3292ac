"""What a reply costs the database, counted statement by statement at the driver.

A reply from someone the bot already knows is the hot path (bench/replies.py): it must stay a
handful of statements, and a redelivered event one write that finds its record. The counts are
taken below SQLAlchemy, from the driver itself (asyncpg's query logger, sqlite3's trace), so a
statement cannot hide in a fast path; a new statement on the way fails here, not in a bench.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from bot.config.partnership import Config, load_config
from bot.core.events import Command, Reply, Sender
from bot.practices.data_rights.erasure import erase_person
from bot.storage.models import Entry, Identity, OutboxMessage, Person
from tests.harness import SUNDAY, Harness, open_harness
from tests.statement_log import shape, statements


def postgres(harness: Harness) -> bool:
    engine: AsyncEngine = harness.bot.sessions.kw["bind"]
    return engine.dialect.name == "postgresql"


async def counts(harness: Harness) -> tuple[int, int]:
    async with harness.bot.sessions() as session:
        entries = (await session.exec(select(func.count(col(Entry.id))))).one()
        parts = (await session.exec(select(func.count(col(OutboxMessage.id))))).one()
    return int(entries), int(parts)


async def sent_prompt_ref(harness: Harness) -> str:
    async with harness.bot.sessions() as session:
        query = select(OutboxMessage.sent_ref).where(
            OutboxMessage.kind == "prompt", OutboxMessage.chat == "core"
        )
        ref = (await session.exec(query)).first()
    assert ref, "the prompt was not sent"
    return ref


def reply(harness: Harness, *, to: str, text: str, n: int) -> Reply:
    """A reply in the prompt's thread, as the Slack and Telegram adapters hand it to the core."""
    return Reply(
        platform="console",
        dedup_key=f"reply-{n}",
        sender=Sender(platform="console", user_id="ana", display_name="Ana", dm_chat="@ana"),
        chat="core",
        received_at=harness.clock.now(),
        text=text,
        message_ref=f"in-{n}",
        in_reply_to=to,
    )


async def test_a_known_members_reply_and_its_redelivery_cost_a_fixed_few_statements(
    harness: Harness,
) -> None:
    await harness.say("/prompt learned")
    ref = await sent_prompt_ref(harness)
    handle = harness.bot.core.handle
    await handle(reply(harness, to=ref, text="The drop-in suits families after school", n=1))
    before = await counts(harness)

    second = reply(harness, to=ref, text="One referral form halved the back-and-forth", n=2)
    async with statements(harness.bot) as said:
        await handle(second)
    # ana, her circle and the prompt are remembered: the event's record (which also confirms
    # whose ana's identity is), the entry and the thank-you in the outbox. On PostgreSQL they
    # are one statement in autocommit: one round trip, no BEGIN or COMMIT; SQLite, in the
    # process, runs them one after the other in a transaction
    if postgres(harness):
        assert shape(said) == ["WITH"]
    else:
        assert shape(said) == ["BEGIN", "INSERT", "INSERT", "INSERT", "COMMIT"]
    assert await counts(harness) == (before[0] + 1, before[1] + 1)

    async with statements(harness.bot) as said:
        await handle(second)  # the platform delivers it again
    # the record finds the event's: the unit of work stops there and stores nothing (on
    # PostgreSQL its one statement wrote nothing, so there is nothing to roll back)
    if postgres(harness):
        assert shape(said) == ["WITH"]
    else:
        assert shape(said) == ["BEGIN", "INSERT", "ROLLBACK"]
    assert await counts(harness) == (before[0] + 1, before[1] + 1)

    await harness.bot.dispatcher.drain()
    assert harness.take().count("saved as a learning") == 2


async def forget_elsewhere(
    first: Harness, config: Config, database_url: str, name: str, person_id: int
) -> None:
    """Forget `name` (person `person_id`) beside the bot `first`: on PostgreSQL a second bot on
    the same database, at their request in chat; on SQLite (one bot only) the erasure a one-shot
    `huddlebot forget --replay` applies beside it."""
    if database_url.startswith("postgresql"):
        async with open_harness(config, database_url, run_id="b") as second:
            await second.say(f"@{name} /forget")
            await second.say(f"@{name} /forget confirm")
            assert "welcomed as someone new" in second.take()
    else:
        async with first.bot.sessions.begin() as session:
            assert await erase_person(session, person_id, mode="anonymise", now=SUNDAY)


@pytest.mark.parametrize("then", ["reply", "command"])
async def test_a_person_forgotten_by_another_process_is_not_kept_alive_by_the_memo(
    config_file: Path, database_url: str, then: str
) -> None:
    """One bot remembers ana; something else forgets her: on PostgreSQL a second bot on the same
    database, at her request in chat; on SQLite (one bot only) the erasure a one-shot
    `huddlebot forget --replay` applies beside it. Her next reply (its record goes with its
    entry) or command (its record comes first) to the first bot starts afresh, as a new person,
    never under the forgotten one."""
    config = load_config(config_file)
    async with open_harness(config, database_url, run_id="a") as first:
        await first.say("/prompt learned")
        ref = await sent_prompt_ref(first)
        await first.bot.core.handle(reply(first, to=ref, text="Evening sessions work", n=1))
        # a running bot sends its answer at once; until it does, its room is that bot's
        await first.bot.dispatcher.drain()
        forgotten = await person_of(first, "ana")
        assert forgotten is not None
        await forget_elsewhere(first, config, database_url, "ana", forgotten)
        assert await person_of(first, "ana") is None

        if then == "reply":
            await first.bot.core.handle(reply(first, to=ref, text="Saturday mornings too", n=2))
        else:
            ana = reply(first, to=ref, text="", n=2).sender  # the sender the memo knows
            learned = Command(
                platform="console",
                dedup_key="command-2",
                sender=ana,
                chat="core",
                received_at=first.clock.now(),
                verb="learned",
                args="Saturday mornings too",
            )
            await first.bot.core.handle(learned)
        now = await person_of(first, "ana")
        assert now is not None and now != forgotten
        async with first.bot.sessions() as session:
            query = select(Entry.person_id).where(Entry.text == "Saturday mornings too")
            assert (await session.exec(query)).all() == [now]
            left = await session.get(Person, forgotten)
        assert left is not None and left.display_name == "" and left.erased_at is not None
        first.take()
        await first.bot.dispatcher.drain()
        assert "saved as a learning" in first.take()


async def person_of(harness: Harness, user_id: str) -> int | None:
    async with harness.bot.sessions() as session:
        query = select(Identity.person_id).where(Identity.user_id == user_id)
        return (await session.exec(query)).first()

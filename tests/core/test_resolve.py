"""The person behind a sender, made once even when two units of work meet them at once.

A new person and their identity are written past the session (bot/core/people.py `resolve`);
when another transaction makes the same identity meanwhile, the unique identity wins: its person
is the one, and the person made for the losing attempt is taken back.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
import sqlalchemy as sa
from sqlmodel import col, func, select

from bot.core.events import Sender
from bot.core.people import Who, resolve
from bot.storage.models import Identity, Person
from tests.harness import SUNDAY, Harness

ZOE = Sender(platform="console", user_id="zoe", display_name="Zoe", dm_chat="@zoe")


async def test_a_new_sender_is_one_person_with_one_identity(harness: Harness) -> None:
    async with harness.bot.sessions.begin() as session:
        first = await resolve(session, ZOE, now=SUNDAY)
    async with harness.bot.sessions.begin() as session:
        again = await resolve(session, ZOE, now=SUNDAY)
    assert first.new_chat == "@zoe" and again.new_chat is None  # created by the first only
    assert replace(first, new_chat=None) == again and first.display_name == "Zoe"
    async with harness.bot.sessions() as session:
        identity = await session.get_one(Identity, first.identity_id)
        person = await session.get_one(Person, first.person_id)
    assert (identity.person_id, identity.dm_chat, identity.dm_active) == (person.id, "@zoe", True)
    assert (person.display_name, person.created_at) == ("Zoe", SUNDAY)


async def test_a_sender_made_meanwhile_by_another_transaction_is_theirs(
    harness: Harness, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time: no two transactions meet a sender at once")
    sessions = harness.bot.sessions
    other = sessions()  # its transaction begins with its first statement
    theirs = await resolve(other, ZOE, now=SUNDAY)  # stored, not committed yet

    async def ours() -> Who:
        async with sessions.begin() as session:
            return await resolve(session, ZOE, now=SUNDAY)

    mine = asyncio.create_task(ours())
    engine = sessions.kw["bind"]
    async with asyncio.timeout(10), engine.connect() as watch:
        # ours found no identity and waits on theirs, unique, to commit or roll back
        query = sa.text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND wait_event = 'transactionid'"
        )
        while not (await watch.execute(query)).scalar():  # noqa: ASYNC110
            await asyncio.sleep(0.01)  # polled until it waits; the outcome does not hang on it
    await other.commit()
    await other.close()
    # theirs was made new with her private chat; ours found it made
    assert theirs.new_chat == "@zoe" and await mine == replace(theirs, new_chat=None)
    async with sessions() as session:
        people = (await session.exec(select(func.count(col(Person.id))))).one()
        identities = (await session.exec(select(Identity))).all()
    assert people == 1 and [i.id for i in identities] == [theirs.identity_id]

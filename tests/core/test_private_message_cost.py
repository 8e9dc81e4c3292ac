"""What a private contribution costs and what it remembers.

A `learned ...` sent privately from someone the bot knows is the hot path of bench/reference.py:
counted at the driver (tests/statement_log.py) it is the event's record, a conditional write of
the private chat, the entry and the thank-you, with no read. The reads it skips are answered
from the memo (the circle its author joined first) or folded into that write (the private chat
remembered), and each of them is checked here against what another process, an erasure or the
person themselves may change meanwhile.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlmodel import col, select

from bot.config.partnership import load_config
from bot.core.events import DirectMessage, Sender
from bot.core.people import Who, remember_private_chat
from bot.storage.models import Entry, Identity
from tests.core.test_reply_cost import forget_elsewhere, postgres
from tests.harness import Harness, open_harness
from tests.statement_log import shape, statements


def private(harness: Harness, who: Sender, text: str, *, n: int, chat: str = "") -> DirectMessage:
    """A private message as the adapters hand it to the core, in `chat` (`who`'s own by
    default)."""
    return DirectMessage(
        platform="console",
        dedup_key=f"private-{who.user_id}-{n}",
        sender=who,
        chat=chat or who.dm_chat,
        received_at=harness.clock.now(),
        text=text,
        message_ref=f"m-{n}",
    )


ANA = Sender(platform="console", user_id="ana", display_name="Ana", dm_chat="@ana")
BEN = Sender(platform="console", user_id="ben", display_name="Ben", dm_chat="@ben")


async def identity_of(harness: Harness, user_id: str) -> Identity:
    async with harness.bot.sessions() as session:
        query = select(Identity).where(Identity.user_id == user_id)
        return (await session.exec(query)).one()


async def test_a_known_senders_private_learning_costs_no_read(harness: Harness) -> None:
    handle = harness.bot.core.handle
    # her first: she becomes known, joins the first circle (she had none) and it is remembered
    await handle(private(harness, ANA, "learned the form is quicker", n=1))
    await harness.bot.dispatcher.drain()

    again = private(harness, ANA, "learned one referral form is enough", n=2)
    async with statements(harness.bot) as said:
        await handle(again)
    # her private chat written only if it changed, the event's record (which also confirms
    # whose ana's identity is), the entry, the lane claimed for the thank-you and the thank-you:
    # her identity and her circles are not read. `learned` only stores what she said, so its
    # record waits for the entry (bot/core/inbound.py), and so do the private chat, the entry
    # (its buttons name the event, not its id) and the thank-you: on PostgreSQL they are one
    # statement, in autocommit
    if postgres(harness):
        assert shape(said) == ["WITH"]
    else:
        assert shape(said) == ["BEGIN", "INSERT", "UPDATE", "INSERT", "INSERT", "INSERT", "COMMIT"]

    async with statements(harness.bot) as said:
        await handle(again)  # delivered again: its record finds the event's; nothing is kept
    assert shape(said) == (
        ["WITH"]  # in autocommit: the statement wrote nothing, and there is nothing to undo
        if postgres(harness)
        else ["BEGIN", "INSERT", "ROLLBACK"]
    )

    await harness.bot.dispatcher.drain()
    answers = harness.take()
    assert answers.count("saved as a learning") == 2
    assert answers.count("share it with Core partnership") == 2


async def test_a_private_chat_marked_unreachable_or_moved_is_remembered_again(
    harness: Harness,
) -> None:
    handle = harness.bot.core.handle
    await handle(private(harness, ANA, "learned the form is quicker", n=1))
    async with harness.bot.sessions.begin() as session:
        # as a process that could not write to her there does (bot/delivery/unreachable.py)
        await session.exec(  # type: ignore[call-overload]
            sa.update(Identity).where(col(Identity.user_id) == "ana").values(dm_active=False)
        )
    await handle(private(harness, ANA, "learned evenings suit carers", n=2))
    identity = await identity_of(harness, "ana")
    assert (identity.dm_chat, identity.dm_active) == ("@ana", True)

    await handle(private(harness, ANA, "learned from her phone", n=3, chat="@ana-phone"))
    identity = await identity_of(harness, "ana")
    assert (identity.dm_chat, identity.dm_active) == ("@ana-phone", True)

    async with harness.bot.sessions.begin() as session:  # as if her private chat were unknown
        await session.exec(  # type: ignore[call-overload]
            sa.update(Identity).where(col(Identity.user_id) == "ana").values(dm_chat="")
        )
    # a new display name: the core looks her up again and fills in her identity itself (the
    # private chat her sender names), in the same unit of work as the one she wrote in
    renamed = Sender(platform="console", user_id="ana", display_name="Ana B", dm_chat="@ana")
    await handle(private(harness, renamed, "learned from her laptop", n=4, chat="@ana-laptop"))
    identity = await identity_of(harness, "ana")
    assert (identity.dm_chat, identity.dm_active, identity.display_name) == (
        "@ana-laptop",
        True,
        "Ana B",
    )
    await harness.bot.dispatcher.drain()
    assert harness.take().count("saved as a learning") == 4


async def test_a_private_learning_goes_to_the_circle_its_author_joined_first(
    harness: Harness,
) -> None:
    await harness.say("#stewards @ben /help")  # ben is seen in the stewards' room first
    await harness.say("@ben /dm learned the rota needs a second name")
    assert "share it with Stewards" in harness.take()
    await harness.say("#core @ben /help")  # and then in the core circle's
    harness.take()

    handle = harness.bot.core.handle
    later = private(harness, BEN, "learned the rota works now", n=2)
    async with statements(harness.bot) as said:
        await handle(later)
    assert "SELECT" not in shape(said)  # his circle was remembered from his first
    await harness.say("@ana /dm learned evenings suit carers")  # her first and only: core
    await harness.bot.dispatcher.drain()
    answers = harness.take()
    assert answers.count("share it with Stewards") == 1
    assert answers.count("share it with Core partnership") == 1
    async with harness.bot.sessions() as session:
        query = select(Entry.text, Entry.circle_id).order_by(Entry.id)  # type: ignore[arg-type]
        stored = (await session.exec(query)).all()
    assert stored[-2:] == [
        ("the rota works now", "stewards"),
        ("evenings suit carers", "core"),
    ]


async def test_a_person_forgotten_elsewhere_starts_in_no_circle_of_theirs(
    config_file: Path, database_url: str
) -> None:
    """Ben's first circle, the stewards', is remembered; another process forgets him (on
    PostgreSQL a second bot, at his request; on SQLite the erasure a one-shot `huddlebot forget
    --replay` applies beside the bot). His next private learning is a new person's, who has
    joined no circle: it goes to the first configured one, not to the circle remembered for
    him before."""
    config = load_config(config_file)
    async with open_harness(config, database_url, run_id="a") as first:
        await first.say("#stewards @ben /help")
        handle = first.bot.core.handle
        await handle(private(first, BEN, "learned the rota needs a second name", n=1))
        await handle(private(first, BEN, "learned the rota works now", n=2))
        await first.bot.dispatcher.drain()
        assert first.take().count("share it with Stewards") == 2
        forgotten = (await identity_of(first, "ben")).person_id
        await forget_elsewhere(first, config, database_url, "ben", forgotten)

        for n in (3, 4):  # the first looks him up afresh, the second is remembered again
            await handle(private(first, BEN, f"learned afresh {n}", n=n))
        await first.bot.dispatcher.drain()
        answers = first.take()
        assert answers.count("share it with Core partnership") == 2
        assert "Stewards" not in answers
        assert (await identity_of(first, "ben")).person_id != forgotten


async def test_a_private_chat_remembered_over_an_identity_the_session_changed(
    harness: Harness,
) -> None:
    """The write goes past the session; an identity the session holds changed and not yet
    written must not write its own older chat over it at commit."""
    await harness.bot.core.handle(private(harness, ANA, "learned the form is quicker", n=1))
    async with harness.bot.sessions.begin() as session:
        identity = (await session.exec(select(Identity).where(Identity.user_id == "ana"))).one()
        identity.dm_chat = "@ana-old"
        identity.display_name = "Ana B"
        session.add(identity)  # changed, not flushed
        assert identity.id is not None
        who = Who(person_id=identity.person_id, identity_id=identity.id, display_name="Ana B")
        await remember_private_chat(session, who, "@ana-new")
    identity = await identity_of(harness, "ana")
    assert (identity.dm_chat, identity.dm_active, identity.display_name) == (
        "@ana-new",
        True,
        "Ana B",
    )


async def test_a_new_senders_private_learning_reads_no_circles_and_writes_no_chat_again(
    harness: Harness,
) -> None:
    """Someone the bot has never heard from: their person and identity are created with the
    private chat they wrote in and they have joined no circle, so neither is asked after; their
    contribution still goes to the first circle, which they join, and the memo remembers them
    as known from then on."""
    async with statements(harness.bot) as said:
        await harness.bot.core.handle(private(harness, BEN, "learned the bus is late", n=1))
    flat = [" ".join(sql.split()) for sql in said]
    assert not any("FROM memberships" in sql for sql in flat)
    assert not any(sql.startswith("UPDATE identities") for sql in flat)
    identity = await identity_of(harness, "ben")
    assert (identity.dm_chat, identity.dm_active) == ("@ben", True)
    async with harness.bot.sessions() as session:
        entry = (await session.exec(select(Entry))).one()
    assert (entry.circle_id, entry.visibility) == ("core", "private")

    # known now: a message from another chat of theirs is remembered there
    await harness.bot.core.handle(private(harness, BEN, "learned again", n=2, chat="@ben-2"))
    identity = await identity_of(harness, "ben")
    assert identity.dm_chat == "@ben-2"
    await harness.bot.dispatcher.drain()
    assert harness.take().count("saved as a learning") == 2

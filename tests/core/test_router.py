"""Handlers never take each other's place: a verb or a button is registered once, and the handlers
of an event kind are offered it in their groups' order, the first to claim it answering it."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.events import Message, Reply, Sender
from bot.core.messages import Body, Outgoing, ToRoom
from bot.core.router import Context, Group, Router
from tests.harness import SUNDAY, Harness


async def answer(ctx: Context, event: Any) -> list[Outgoing]:
    return []


async def passes(ctx: Context, event: Any) -> list[Outgoing] | None:
    return None


def test_a_verb_registered_twice_is_an_error() -> None:
    router = Router()
    router.command("learned", answer, description="share something we learned")
    with pytest.raises(ValueError, match="'learned' is registered twice"):
        router.command("learned", answer, description="share it again")


def test_a_button_registered_twice_is_an_error() -> None:
    router = Router()
    router.button("story_share", answer)
    with pytest.raises(ValueError, match="'story_share' is registered twice"):
        router.button("story_share", answer)


def test_two_handlers_of_one_kind_in_one_group_is_an_error() -> None:
    router = Router()
    router.on(Message, passes, group=Group.CONVERSATIONS)
    with pytest.raises(ValueError, match="Message already has a handler in group CONVERSATIONS"):
        router.on(Message, answer, group=Group.CONVERSATIONS)


def test_handlers_are_offered_an_event_in_group_order_not_registration_order() -> None:
    router = Router()

    async def last(ctx: Context, event: Any) -> list[Outgoing] | None:
        return None

    async def first(ctx: Context, event: Any) -> list[Outgoing] | None:
        return None

    router.on(Reply, last, group=Group.CONTRIBUTIONS)
    router.on(Reply, first, group=Group.PROMPT_ANSWERS)
    router.on(Reply, passes, group=Group.CONVERSATIONS)
    assert router.chain(Reply) == (first, passes, last)
    assert router.chain(Message) == ()
    assert router.order()["Reply"] == [
        "PROMPT_ANSWERS test_handlers_are_offered_an_event_in_group_order_not_registration_order"
        ".<locals>.first",
        "CONVERSATIONS passes",
        "CONTRIBUTIONS test_handlers_are_offered_an_event_in_group_order_not_registration_order"
        ".<locals>.last",
    ]


def test_the_menu_orders_the_listed_verbs_and_the_rest_follow_as_registered() -> None:
    router = Router(menu=("learned", "blocker", "help"))
    for verb in ("pulse", "help", "blocker", "mydata", "learned"):
        router.command(verb, answer, description=verb)
    assert list(router.verbs) == ["learned", "blocker", "help", "pulse", "mydata"]
    router.command("forget", answer, description="forget")
    assert list(router.verbs) == ["learned", "blocker", "help", "pulse", "mydata", "forget"]


def test_the_bot_s_order_for_messages_replies_and_private_messages(harness: Harness) -> None:
    order = harness.bot.router.order()
    assert order["Reply"] == ["PROMPT_ANSWERS on_reply", "CONVERSATIONS LearningSets.on_words"]
    assert order["DirectMessage"] == [
        "CONVERSATIONS LearningSets.on_words",
        "CONTRIBUTIONS on_direct",
    ]
    assert order["Message"] == ["CONVERSATIONS LearningSets.on_words"]
    assert order["Started"] == ["CONTRIBUTIONS on_started"]
    assert order["Nomination"] == ["CONTRIBUTIONS Nominations.on_nomination"]


def test_help_lists_the_verbs_in_the_documented_order(harness: Harness) -> None:
    public = [v.verb for v in harness.bot.router.verbs.values() if not v.operator]
    assert public == [
        "learned",
        "blocker",
        "celebrate",
        "story",
        "experiment",
        "reflect",
        "question",
        "help",
        "mydata",
        "forget",
        "pass",
        "commit",
        "maturity",
        "score",
        "pulse",
        "msc",
    ]


async def test_the_first_handler_to_claim_answers_and_the_rest_are_not_asked(
    harness: Harness,
) -> None:
    offered: list[str] = []

    async def first(ctx: Context, event: Any) -> list[Outgoing] | None:
        offered.append(f"first: {event.text}")
        return [] if event.text == "mine" else None

    async def last(ctx: Context, event: Any) -> list[Outgoing] | None:
        offered.append(f"last: {event.text}")
        to = ToRoom(event.platform, event.chat)
        return [Outgoing(to=to, body=Body("replies/help", {"verbs": []}), key=event.dedup_key)]

    router = harness.bot.router
    router.on(Message, last, group=Group.CONTRIBUTIONS)
    router.on(Message, first, group=Group.PROMPT_ANSWERS)
    # between them, the learning sets pass: the core circle is not a learning set
    await harness.bot.core.handle(room_message("m1", "anyone's"))
    await harness.bot.core.handle(room_message("m2", "mine"))
    assert offered == ["first: anyone's", "last: anyone's", "first: mine"]


def room_message(dedup_key: str, text: str) -> Message:
    return Message(
        platform="console",
        dedup_key=dedup_key,
        sender=Sender(platform="console", user_id="ana", display_name="ana"),
        chat="core",
        received_at=SUNDAY,
        text=text,
        message_ref=dedup_key,
    )

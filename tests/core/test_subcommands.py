"""A sub-command word with a bad argument gets usage help and saves nothing: the one rule
(`bot.core.subcommands`) as the verbs that declare their sub-commands apply it, typed at the
console as a person would."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.core.subcommands import Sub, Subcommands, Takes
from bot.errors import InputError
from bot.practices.blockers.models import Blocker
from bot.practices.experiments.models import Experiment
from bot.storage.models import Entry
from tests.harness import Harness

USAGE = "I did not quite follow that, so nothing was saved or changed"


async def stored(harness: Harness) -> tuple[int, int, int]:
    async with harness.bot.sessions() as session:
        return (
            len((await session.exec(select(Entry))).all()),
            len((await session.exec(select(Blocker))).all()),
            len((await session.exec(select(Experiment))).all()),
        )


@pytest.mark.parametrize(
    "line",
    [
        "/blocker take abc",
        "/blocker resolve #x the hall is ours",
        "/blocker park",
        "/blocker take １２",  # full-width digits are not a number here
        "/blocker take 12a",
        "/experiment abc",
        "/experiment 3a do we met",
        "/experiment #x",
        "/story share abc circle",
        "/story withdraw",
    ],
)
async def test_a_typo_in_a_sub_command_is_answered_with_its_forms(
    harness: Harness, line: str
) -> None:
    await harness.say(f"#stewards @sam {line}")
    answer = harness.take()
    assert USAGE in answer
    verb = line.split()[0][1:]
    assert f"`{verb} " in answer  # the verb's forms, written out
    assert line.split(" ", 1)[1].strip() in answer or not line.split(" ", 1)[1:]
    assert await stored(harness) == (0, 0, 0)


async def test_a_typo_in_a_private_message_is_answered_the_same(harness: Harness) -> None:
    await harness.say("@ana /dm blocker take abc")
    assert USAGE in harness.take()
    assert await stored(harness) == (0, 0, 0)


async def test_well_formed_words_still_do_what_they_say(harness: Harness) -> None:
    await harness.say("#core @ana /blocker the referral form takes an hour")
    assert "#1" in harness.take()
    await harness.say("#stewards @sam /blocker take #1 I will ask the council")
    assert "taken up" in harness.take()
    await harness.say("#core @ana /blocker list of referrals is out of date")  # free text
    await harness.say("#core @ana /story share 99 circle")
    assert USAGE not in harness.take()
    assert (await stored(harness))[:2] == (2, 2)


def test_the_rule() -> None:
    subs = Subcommands(
        "thing",
        (Sub("list", Takes.NOTHING, "thing list"), Sub("drop", Takes.NUMBER, "thing drop 3")),
        text_form="thing what it is",
    )
    assert subs.read("list") is not None and subs.read("list").number is None  # type: ignore[union-attr]
    assert subs.read("list of things") is None  # free text
    reading = subs.read("Drop #3 because")
    assert reading is not None and (reading.word, reading.number, reading.rest) == (
        "drop",
        3,
        "because",
    )
    with pytest.raises(InputError) as problem:
        subs.read("drop ³")
    assert problem.value.context["forms"] == ["thing what it is", "thing list", "thing drop 3"]
    strict = Subcommands("other", (), number_first="other 3 ...")
    assert strict.read("3 go") is not None
    with pytest.raises(InputError):
        strict.read("anything")

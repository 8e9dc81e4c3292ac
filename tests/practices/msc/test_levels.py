"""A story passed up from a circle and selected again by the stewards, with its reasons from
below; the steward digest's selections; and what `forget` leaves of a round."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlmodel import select

from bot.config.partnership import load_config
from bot.digests.steward_digest import steward_context
from bot.practices.data_rights.erasure import erase_person
from bot.practices.msc.models import MscCandidate, MscChoice, MscSelection
from bot.storage.models import Identity
from tests.harness import Harness, open_harness
from tests.practices.msc.helpers import selections, tell, to

MO = "[Trust] Mo came back to the drop-in after a year away."
DAMP = "A landlord finally fixed the damp."
SET_STORY = "Said in the learning set only."


async def round_in_core(harness: Harness) -> None:
    """A core round whose panel selects Mo's story, told by ana and named."""
    for name in ("ana", "ben", "cleo"):
        await harness.say(f"#core @{name} /help")
    await tell(harness, "ana", "core", MO)
    await harness.say("#core @ana /story name 1 named")
    await tell(harness, "cleo", "core", DAMP, share="stewards")
    await harness.say("#core @ana /msc start")
    for name in ("ana", "ben", "cleo"):
        await harness.say(f"#core @{name} /msc choose 1 because {name} saw trust return")
    await harness.say("#core @ben /msc select 1 because people choose to come back")
    harness.take()


async def test_a_story_passed_up_is_selected_again_by_the_stewards(harness: Harness) -> None:
    await round_in_core(harness)
    await harness.say("#core @ben /msc pass-up 2")
    assert "Only the latest selection can be passed up, and that is story 1" in harness.take()
    await harness.say("#core @ben /msc pass-up")
    passed = harness.take()
    assert "goes to Stewards for their next round" in to(passed, "#core]")[0]
    [notice] = to(passed, "#stewards]")
    assert "Core partnership passed up a story" in notice and "Mo came back" in notice
    await harness.say("#core @ben /msc pass-up")
    assert "already been passed up" in harness.take()

    for name in ("dev", "eve", "fay"):
        await harness.say(f"#stewards @{name} /help")
    harness.clock.set(harness.clock.now() + timedelta(hours=1))
    await harness.say("#stewards @dev /msc start")
    started = harness.take()
    [ask] = to(started, "@dev, privately]")
    # the passed-up story first, with the reason from below; then what stewards may read
    assert ask.index("Story 1: Trust") < ask.index("Story 2")
    assert "Chosen first by Core partnership: people choose to come back" in ask
    assert DAMP in ask
    assert not to(started, "@ana")  # the core's members are not the stewards' panel
    async with harness.bot.sessions() as session:
        taken = await session.exec(select(MscCandidate).where(MscCandidate.round_id == 2))
        first = next(c for c in taken.all() if c.number == 1)
    assert first.below_circle_id == "core" and first.below_reason == "people choose to come back"

    await harness.say("#stewards @dev /msc choose 1 because it is about trust")
    await harness.say("#stewards @eve /msc choose 2 because housing is our blocker")
    await harness.say("#stewards @fay /msc choose 1 because the reason from below")
    [reveal] = to(harness.take(), "#stewards]")
    assert "Story 1: Trust (2 chose it)" in reveal and "housing is our blocker" in reveal
    await harness.say("#stewards @eve /msc select 1 because trust is what the system lacks")
    fed_back = harness.take()
    [chosen] = to(fed_back, "@ana, privately]")
    assert "Stewards read the stories" in chosen and "trust is what the system lacks" in chosen
    [thanks] = to(fed_back, "@cleo, privately]")
    assert DAMP in thanks and "Mo came back" not in thanks
    [below] = to(fed_back, "#core]")  # the circle the story was shared with hears it too
    assert "Stewards chose a story from this circle" in below
    assert "trust is what the system lacks" in below
    assert "msc pass-up" not in to(fed_back, "#stewards]")[0]  # nowhere above the stewards

    # the steward digest lists both selections, each with its reasons
    bot = harness.bot
    async with bot.sessions() as session:
        context = await steward_context(
            session,
            config=bot.config,
            start=harness.clock.now() - timedelta(days=1),
            end=harness.clock.now() + timedelta(minutes=1),
            library=bot.library,
            contributors=bot.huddle.contributors,
        )
    found = {(s["circle_name"], s["reason"], s["below_reason"]) for s in context["selections"]}
    assert found == {
        ("Core partnership", "people choose to come back", None),
        ("Stewards", "trust is what the system lacks", "people choose to come back"),
    }
    text = bot.library.render("steward_digest", context, "plain")
    assert "Most significant changes chosen" in text and "First chosen by Core partnership" in text


async def test_a_narrowed_story_leaves_the_selection_shown_only_as_allowed(
    harness: Harness,
) -> None:
    await round_in_core(harness)
    await harness.say("#core @ana /msc")
    assert "Last chosen on" in harness.take()
    await harness.say("#core @ana /story name 1 anonymous")
    await harness.say("#core @ana /msc")
    status = harness.take()
    assert "Last chosen on" in status and "Ana" not in status
    await harness.say("#core @ana /story share 1 stewards")  # no longer shared with the circle
    await harness.say("#core @ana /msc")
    assert "Last chosen on" not in harness.take()
    bot = harness.bot
    async with bot.sessions() as session:
        [part] = [
            await p.huddle_part(
                session,
                circle_id="core",
                start=harness.clock.now() - timedelta(days=1),
                end=harness.clock.now() + timedelta(minutes=1),
                shared={},
            )
            for p in bot.huddle.contributors.huddle
            if type(p).__name__ == "Msc"
        ]
    assert part.selections == ()


async def test_forget_reaches_choices_and_selections(harness: Harness) -> None:
    await round_in_core(harness)
    await harness.say("#core @ben /forget confirm")  # a chooser, anonymised by default
    await harness.say("#core @ana /forget confirm")  # the teller
    harness.take()
    async with harness.bot.sessions() as session:
        kept = (await session.exec(select(MscChoice))).all()
        ben = (await session.exec(select(Identity).where(Identity.user_id == "ben"))).first()
    assert ben is None and len(kept) == 3  # anonymised: the choices stay, without a name
    [selection] = await selections(harness)
    await harness.say("#core @cleo /msc")
    status = harness.take()
    assert "Last chosen on" in status and "Ana" not in status
    assert selection.reason == "people choose to come back"


async def test_erasure_takes_a_teller_s_story_and_its_round_rows(
    harness: Harness,
) -> None:
    bot = harness.bot
    await round_in_core(harness)
    async with bot.sessions.begin() as session:  # as `partnership.erasure = "erase"` does
        ana = (await session.exec(select(Identity).where(Identity.user_id == "ana"))).one()
        await erase_person(session, ana.person_id, mode="erase", now=harness.clock.now())
    async with bot.sessions() as session:
        assert (await session.exec(select(MscSelection))).all() == []
        assert all(c.entry_id != 1 for c in (await session.exec(select(MscChoice))).all())
        assert all(c.entry_id != 1 for c in (await session.exec(select(MscCandidate))).all())


WITH_A_SET = """
[partnership]
name = "Riverside"
timezone = "Europe/London"

[[circles]]
id = "set-a"
name = "Learning set A"
kind = "learning_set"
rooms = [{ platform = "console", channel = "set-a" }]

[[circles]]
id = "stewards"
name = "Stewards"
kind = "stewards"
rooms = [{ platform = "console", channel = "stewards" }]
"""


async def test_a_learning_set_s_selection_stays_in_the_set(
    tmp_path: Path, database_url: str
) -> None:
    path = tmp_path / "huddlebot.toml"
    path.write_text(WITH_A_SET)
    async with open_harness(load_config(path), database_url) as harness:
        for name in ("ana", "ben", "cleo"):
            await harness.say(f"#set-a @{name} /help")
        await tell(harness, "ana", "set-a", SET_STORY)
        await harness.say("#set-a @ana /msc start")
        for name in ("ana", "ben", "cleo"):
            await harness.say(f"#set-a @{name} /msc choose 1 because {name} felt it")
        await harness.say("#set-a @ben /msc select 1 because we all felt it")
        selected = harness.take()
        assert "msc pass-up" not in to(selected, "#set-a]")[0]
        await harness.say("#set-a @ben /msc pass-up")
        assert "stay here" in harness.take()
        for name in ("dev", "eve"):
            await harness.say(f"#stewards @{name} /help")
        harness.clock.set(harness.clock.now() + timedelta(hours=1))
        await harness.say("#stewards @dev /msc start")
        assert SET_STORY not in harness.take()  # not even a stewards' round reads it
        bot = harness.bot
        async with bot.sessions() as session:
            context = await steward_context(
                session,
                config=bot.config,
                start=harness.clock.now() - timedelta(days=1),
                end=harness.clock.now(),
                library=bot.library,
                contributors=bot.huddle.contributors,
            )
        assert context["selections"] == []

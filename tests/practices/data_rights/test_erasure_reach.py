"""Erasure and retention reach everywhere a person's words are kept, not only `entries`.

The outbox (what is queued for them, what failed to go out), the steward digest archive, the
`mydata` files, a learning set's rounds, maturity scores and pulse answers.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import SQLModel, col, select

from bot.config.partnership import load_config
from bot.core.events import Command
from bot.core.messages import Delivery
from bot.errors import DeliveryError
from bot.practices.learning_sets.models import LearningNote, LearningPass, LearningRound
from bot.practices.maturity.models import MaturityRound, MaturityScore
from bot.practices.pulse.models import PulseAnswer, PulseCheck
from bot.storage.models import Digest, OutboxMessage
from bot.storage.sql import insert_row
from tests.digests.test_huddle_digest import CONFIG as DIGEST_CONFIG
from tests.digests.test_huddle_digest import MONDAY_10
from tests.harness import SUNDAY, Harness, open_harness
from tests.practices.data_rights.test_data_rights import (
    PrivateChatAdapter,
    chat_command,
    config_with,
    person_of,
    tell_and_share,
)

FRIDAY_9 = datetime(2026, 3, 13, 9, 0, tzinfo=UTC)  # after the 08:00 steward digest


def forget(user: str, *, dm_chat: str, n: int) -> Command:
    """`forget confirm`, the answer to the question `ask_to_forget` has the bot ask."""
    return replace(chat_command("forget", user=user, dm_chat=dm_chat, n=n), args="confirm")


def ask_to_forget(user: str, *, dm_chat: str, n: int) -> Command:
    return chat_command("forget", user=user, dm_chat=dm_chat, n=n)


async def outbox_to(harness: Harness, person_id: int) -> list[OutboxMessage]:
    async with harness.bot.sessions() as session:
        query = select(OutboxMessage).where(OutboxMessage.person_id == person_id)
        return list((await session.exec(query)).all())


async def add(harness: Harness, model: type[SQLModel], **values: Any) -> int:
    async with harness.bot.sessions.begin() as session:
        return await insert_row(session, model, values)


# --- the outbox ---------------------------------------------------------------------------------


async def test_a_delivered_part_keeps_no_text(tmp_path: Path, database_url: str) -> None:
    async with open_harness(config_with(tmp_path), database_url) as harness:
        await harness.say("@ana /learned Evening sessions suit families.")
        assert "saved as a learning" in harness.take()
        async with harness.bot.sessions() as session:
            rows = (await session.exec(select(OutboxMessage))).all()
    assert rows and {row.status for row in rows} == {"sent"}
    assert {row.text for row in rows} == {""} and {row.buttons for row in rows} == {"[]"}


async def test_forgetting_drops_what_is_queued_for_them(tmp_path: Path, database_url: str) -> None:
    chat = PrivateChatAdapter()
    async with open_harness(config_with(tmp_path), database_url, extra_adapters=(chat,)) as harness:
        core = harness.bot.core
        await core.handle(chat_command("learned", user="eve", dm_chat="dm-eve", n=1))
        await core.handle(chat_command("mydata", user="eve", dm_chat="dm-eve", n=2))
        await core.handle(chat_command("mydata", user="eve", dm_chat="dm-eve", n=3))
        eve = await person_of(harness, "eve")
        assert eve is not None
        queued = await outbox_to(harness, eve)
        # the first answer to her quiet private chat was claimed as it was stored, to go out
        # straight after its commit (in flight: bot/delivery/direct.py); the next one waits
        assert sorted(row.status for row in queued) == ["pending", "sending"]
        assert all("Evening sessions suit families" in row.text for row in queued)
        [in_flight] = [row for row in queued if row.status == "sending"]

        await core.handle(ask_to_forget("eve", dm_chat="dm-eve", n=4))
        await core.handle(forget("eve", dm_chat="dm-eve", n=5))
        left = await outbox_to(harness, eve)
        assert [row.id for row in left] == [in_flight.id]  # what waited is dropped
        assert left[0].text == "" and left[0].buttons == "[]"  # the store keeps none of it
        await harness.bot.dispatcher.drain()
    # only the answer already in flight when she asked reached her
    assert len([d for d in chat.sent if d.chat == "dm-eve"]) == 1
    assert any("forgotten" in d.text.lower() for d in chat.sent if d.chat == "room-1")


class RefusingChat(PrivateChatAdapter):
    """A platform that refuses every message for good."""

    async def send(self, delivery: Delivery) -> str:
        raise DeliveryError("refused")


async def test_a_failed_part_keeps_its_text_a_week_then_loses_it(
    tmp_path: Path, database_url: str
) -> None:
    chat = RefusingChat()
    async with open_harness(config_with(tmp_path), database_url, extra_adapters=(chat,)) as harness:
        await harness.bot.core.handle(chat_command("learned", user="eve", dm_chat="dm-eve", n=1))
        await harness.bot.dispatcher.drain()
        async with harness.bot.sessions() as session:
            failed = (
                await session.exec(select(OutboxMessage).where(OutboxMessage.status == "failed"))
            ).one()
        assert failed.text  # kept for whoever runs the bot to look at
        await harness.until(SUNDAY + timedelta(days=6, hours=12))
        async with harness.bot.sessions() as session:
            assert (await session.get(OutboxMessage, failed.id)).text  # type: ignore[union-attr]
        await harness.until(SUNDAY + timedelta(days=8, hours=12))
        async with harness.bot.sessions() as session:
            gone = await session.get(OutboxMessage, failed.id)
    assert gone is not None and gone.status == "failed" and gone.text == ""


# --- archives and files -------------------------------------------------------------------------


async def test_forgetting_rewrites_the_steward_digests_that_named_them(
    tmp_path: Path, database_url: str
) -> None:
    path = tmp_path / "huddlebot.toml"
    path.write_text(DIGEST_CONFIG)
    async with open_harness(load_config(path), database_url) as harness:
        await harness.until(MONDAY_10)
        shared = await tell_and_share(harness, "ana", "A family found a home.", "stewards")
        await harness.say(f"@ana /story name {shared} named")
        await harness.until(FRIDAY_9)
        async with harness.bot.sessions() as session:
            query = select(Digest.markdown).where(Digest.kind == "steward")
            before = (await session.exec(query)).one()
        assert "family found a home" in before and "told by Ana" in before
        await harness.say("@ana /forget")
        await harness.say("@ana /forget confirm")
        async with harness.bot.sessions() as session:
            after = (await session.exec(query)).one()
    assert "family found a home" in after and "Ana" not in after


async def test_mydata_files_go_when_the_person_is_forgotten_or_after_a_week(
    tmp_path: Path, database_url: str
) -> None:
    async with open_harness(config_with(tmp_path), database_url) as harness:
        for who in ("ana", "ben"):
            await harness.say(f"@{who} /learned {who.title()} learned something.")
            await harness.say(f"@{who} /mydata")
        exports = tmp_path / "data" / "exports"
        assert len(list(exports.glob("mydata-*"))) == 4  # JSON and CSV each
        await harness.say("@ana /forget")
        await harness.say("@ana /forget confirm")
        ben = await person_of(harness, "ben")
        left = [p.name for p in exports.glob("mydata-*")]
        assert len(left) == 2 and all(name.startswith(f"mydata-{ben}-") for name in left)
        await harness.until(SUNDAY + timedelta(days=6, hours=12))
        assert len(list(exports.glob("mydata-*"))) == 2
        await harness.until(SUNDAY + timedelta(days=7, hours=12))
        assert list(exports.glob("mydata-*")) == []


# --- a learning set's rounds, maturity scores, pulse answers ------------------------------------


async def test_erasing_a_presenter_blanks_the_action_they_wrote(
    tmp_path: Path, database_url: str
) -> None:
    config = config_with(tmp_path, 'erasure = "erase"')
    async with open_harness(config, database_url) as harness:
        await harness.say("@ana /learned Ana was here.")
        ana = await person_of(harness, "ana")
        round_id = await add(
            harness,
            LearningRound,
            circle_id="core",
            number=1,
            scheduled_for=SUNDAY,
            presenter_id=ana,
            phase="closed",
            phase_ends_at=SUNDAY,
            action="Ana will ring the housing officer on Monday.",
        )
        await harness.say("@ana /forget")
        await harness.say("@ana /forget confirm")
        async with harness.bot.sessions() as session:
            kept = await session.get(LearningRound, round_id)
    assert kept is not None and kept.presenter_id is None and kept.action == ""


async def test_retention_reaches_rounds_scores_and_pulse_answers(
    tmp_path: Path, database_url: str
) -> None:
    config = config_with(tmp_path, "retention_days = 30")
    async with open_harness(config, database_url) as harness:
        await harness.say("@ana /learned Ana was here.")
        ana = await person_of(harness, "ana")
        old, recent = SUNDAY - timedelta(days=40), SUNDAY - timedelta(days=5)
        rounds = {}
        for when, number in ((old, 1), (recent, 2)):
            rounds[when] = await add(
                harness,
                LearningRound,
                circle_id="core",
                number=number,
                scheduled_for=when,
                phase="closed",
                phase_ends_at=when,
                action=f"action {number}",
                follow_up_of=rounds.get(old),
            )
            await add(
                harness,
                LearningNote,
                round_id=rounds[when],
                person_id=ana,
                kind="issue",
                text=f"issue {number}",
                created_at=when,
            )
            await add(harness, LearningPass, round_id=rounds[when], person_id=ana, passed_at=when)
        maturity = await add(
            harness, MaturityRound, circle_id="core", opened_at=old, closes_at=recent
        )
        pulse = await add(harness, PulseCheck, circle_id="core", scheduled_for=old, closes_at=old)
        for when, dimension in ((old, "old"), (recent, "new")):
            await add(
                harness,
                MaturityScore,
                round_id=maturity,
                person_id=ana,
                dimension=dimension,
                score=3,
                reason=f"{dimension} reason",
                scored_at=when,
            )
            await add(
                harness,
                PulseAnswer,
                pulse_id=pulse,
                person_id=ana,
                factor=dimension,
                answer="just_right",
                answered_at=when,
            )

        await harness.until(SUNDAY + timedelta(days=1, hours=12))  # the daily job has run
        async with harness.bot.sessions() as session:
            left_rounds = (await session.exec(select(LearningRound))).all()
            notes = (await session.exec(select(LearningNote.text))).all()
            passes = (await session.exec(select(col(LearningPass.round_id)))).all()
            scores = (await session.exec(select(MaturityScore.reason))).all()
            answers = (await session.exec(select(PulseAnswer.factor))).all()
            rounds_left = (await session.exec(select(MaturityRound.id))).all()
    assert [(r.number, r.follow_up_of, r.action) for r in left_rounds] == [(2, None, "action 2")]
    assert notes == ["issue 2"] and passes == [rounds[recent]]
    assert scores == ["new reason"] and answers == ["new"]
    assert rounds_left == [maturity]  # the round itself holds no one's words

"""A Telegram group that becomes a supergroup: the real python-telegram-bot against the fake Bot
API, which answers the old chat id as Telegram does. The room keeps its circle and history at the
new id, the refused part goes out there once, and the stewards are told what to change."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from bot.storage.models import Entry, Room
from tests.fakes.telegram_updates import user
from tests.worlds import TelegramWorld, telegram_world

OLD, NEW = -4001234, -1004001234
MONDAY_10 = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
THURSDAY_17 = datetime(2026, 3, 12, 17, 0, tzinfo=UTC)

CONFIG = f"""
[partnership]
name = "Riverside"
timezone = "Europe/London"

[[circles]]
id = "core"
name = "Core partnership"
kind = "partnership"
rooms = [
    {{ platform = "console", channel = "core" }},
    {{ platform = "telegram", chat = "{OLD}" }},
]

[[circles.rituals]]
prompt = "learned"
cron = "0 9 * * MON"
window_hours = 48
reminder = false

[circles.digest]
cron = "0 16 * * THU"

[[circles]]
id = "stewards"
name = "Stewards"
kind = "stewards"
rooms = [{{ platform = "console", channel = "stewards" }}]
"""


async def rooms(world: TelegramWorld) -> list[tuple[str, str, bool]]:
    async with world.harness.bot.sessions() as session:
        found = (await session.exec(select(Room).where(Room.platform == "telegram"))).all()
    return [(r.circle_id, r.chat, r.active) for r in found]


async def entries(world: TelegramWorld) -> list[Entry]:
    async with world.harness.bot.sessions() as session:
        return list((await session.exec(select(Entry).order_by(Entry.id))).all())


def told_to_change(console: str) -> bool:
    return (
        "A room has a new address" in console
        and f'chat = "{OLD}"' in console
        and f'chat = "{NEW}"' in console
        and "circles[0].rooms[1].chat" in console
    )


async def test_a_send_refused_for_a_migrated_group_goes_to_the_supergroup_once(
    tmp_path: Path, database_url: str
) -> None:
    async with telegram_world(CONFIG, database_url, tmp_path) as world:
        h, fake = world.harness, world.fake
        fake.migrate(OLD, NEW)  # nobody pushes the service messages: the bot learns by sending
        await h.until(MONDAY_10)
        [prompt] = fake.sent(NEW)
        assert "What did we learn?" in prompt["text"]
        refused = [c for c in fake.calls("sendMessage") if c.params["chat_id"] == OLD]
        assert [c.status for c in refused] == [400]  # tried once at the old id, never again
        assert await rooms(world) == [("core", str(NEW), True)]
        console = h.take()
        assert told_to_change(console) and "[#stewards]" in console

        # people answer in the supergroup; the room is still the core circle's
        asked = fake.sent_messages[-1]
        await world.push(
            fake.message_update(NEW, "Ask before assuming.", sender=user(7), reply_to=asked)
        )
        [entry] = await entries(world)
        assert (entry.circle_id, entry.text) == ("core", "Ask before assuming.")
        assert entry.prompt_run_id is not None

        await h.until(THURSDAY_17)
        assert any("Ask before assuming." in m["text"] for m in fake.sent(NEW))
        assert [c for c in fake.calls("sendMessage") if c.params["chat_id"] == OLD] == refused
        assert "A room has a new address" not in h.take()  # told once


async def test_the_service_messages_move_the_room_before_anything_is_sent(
    tmp_path: Path, database_url: str
) -> None:
    async with telegram_world(CONFIG, database_url, tmp_path) as world:
        h, fake = world.harness, world.fake
        to_old_group, in_new_group = fake.migrate(OLD, NEW)
        await world.push_service(to_old_group)
        await world.push_service(in_new_group)  # the same move said twice: stored once
        assert await rooms(world) == [("core", str(NEW), True)]
        assert h.take().count("A room has a new address") == 1

        await world.push(fake.message_update(NEW, "/celebrate The first family came back"))
        assert [(e.circle_id, e.kind) for e in await entries(world)] == [("core", "celebration")]
        await h.until(MONDAY_10)
        assert "What did we learn?" in fake.sent(NEW)[0]["text"]
        assert fake.sent(OLD) == [] and all(
            c.params.get("chat_id") != OLD for c in fake.calls("sendMessage")
        )


async def test_after_a_restart_the_stored_move_stands_in_for_the_config(
    tmp_path: Path, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with telegram_world(CONFIG, database_url, tmp_path) as world:
        for update in world.fake.migrate(OLD, NEW):
            await world.push_service(update)
    caplog.set_level(logging.WARNING, logger="bot.core.room_moves")
    async with telegram_world(CONFIG, database_url, tmp_path) as world:  # config still says OLD
        said = caplog.text
        assert "circles[0].rooms[1].chat" in said and f'chat = "{NEW}"' in said
        assert await rooms(world) == [("core", str(NEW), True)]  # no second room for OLD
        await world.harness.until(MONDAY_10)
        assert "What did we learn?" in world.fake.sent(NEW)[0]["text"]
        assert world.fake.calls("sendMessage")[0].params["chat_id"] == NEW


async def test_a_config_that_names_the_new_id_needs_no_alias(
    tmp_path: Path, database_url: str
) -> None:
    async with telegram_world(CONFIG, database_url, tmp_path) as world:
        for update in world.fake.migrate(OLD, NEW):
            await world.push_service(update)
    fixed = CONFIG.replace(str(OLD), str(NEW))
    async with telegram_world(fixed, database_url, tmp_path) as world:
        assert await rooms(world) == [("core", str(NEW), True)]
        await world.push(world.fake.message_update(NEW, "/learned Slow down to go faster"))
        assert [e.circle_id for e in await entries(world)] == ["core"]


async def test_a_reminder_under_a_prompt_sent_before_the_move_goes_to_the_supergroup(
    tmp_path: Path, database_url: str
) -> None:
    reminding = CONFIG.replace("reminder = false", "reminder_after_hours = 24")
    async with telegram_world(reminding, database_url, tmp_path) as world:
        h, fake = world.harness, world.fake
        # a member the bot cannot write to privately, so the reminder goes under the prompt
        await world.push(fake.message_update(OLD, "/celebrate We met", sender=user(9)))
        await h.until(MONDAY_10)
        assert "What did we learn?" in fake.sent(OLD)[-1]["text"]  # before the group moved
        for update in fake.migrate(OLD, NEW):
            await world.push_service(update)
        await h.until(datetime(2026, 3, 10, 10, 0, tzinfo=UTC))  # past the reminder time
        [nudge] = fake.sent(NEW)
        assert "A gentle nudge" in nudge["text"]
        assert "reply_parameters" not in nudge  # the prompt it followed stayed in the old group
        assert all(c.status == 200 for c in fake.calls("sendMessage"))  # none refused

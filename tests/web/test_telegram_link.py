"""The `web` verb in a Telegram group: the link only ever goes privately, and alone (Telegram has
no answers only one person sees, so a word that it went would arrive in the same private chat)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fakes.telegram_updates import user
from tests.worlds import TELEGRAM_CONFIG, TELEGRAM_GROUP, TelegramWorld, telegram_world


@pytest.fixture
async def world(tmp_path: Path, database_url: str) -> AsyncIterator[TelegramWorld]:
    async with telegram_world(TELEGRAM_CONFIG, database_url, tmp_path) as made:
        yield made


async def test_a_link_asked_in_a_group_goes_privately_or_not_at_all(world: TelegramWorld) -> None:
    fake, ola = world.fake, user(4004, "Ola")
    await world.push(fake.message_update(TELEGRAM_GROUP, "/web", sender=ola))
    said = " ".join(m["text"] for m in fake.sent(TELEGRAM_GROUP) + fake.sent(4004))
    assert "cannot write to you privately yet" in said and "/app/signin/" not in said
    await world.push(fake.message_update(4004, "/start", sender=ola))
    await world.push(fake.message_update(TELEGRAM_GROUP, "/web", sender=ola))
    assert not any("/app/signin/" in m["text"] for m in fake.sent(TELEGRAM_GROUP))
    privately = [m["text"] for m in fake.sent(4004)]
    assert "/app/signin/" in privately[-1]
    assert not any("in a private message" in said for said in privately)

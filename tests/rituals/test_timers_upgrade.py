"""A database upgraded while a pulse and a maturity round were open gets their timers, so the bot
that runs after the upgrade closes them, as the bot before the upgrade would have."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import col, select

from bot.config.partnership import load_config
from bot.practices.maturity.models import MaturityRound
from bot.practices.pulse.models import PulseCheck
from bot.storage.database import make_engine
from bot.storage.models import Timer
from tests.harness import SUNDAY, open_harness
from tests.storage.test_migrations import step


async def test_rounds_open_at_the_upgrade_get_their_timers_and_close(
    config_file: Path, database_url: str
) -> None:
    opened, closes = SUNDAY - timedelta(days=1), SUNDAY + timedelta(days=1)
    engine = make_engine(database_url)
    try:
        await step(engine, "upgrade", "digests1")  # the release before timers
        async with engine.begin() as conn:
            await conn.execute(
                sa.text(
                    "INSERT INTO circles (id, name, kind, timezone) "
                    "VALUES ('core', 'Core partnership', 'partnership', 'Europe/London')"
                )
            )
            pulses = PulseCheck.__table__  # type: ignore[attr-defined]
            for scheduled, reported in ((opened, False), (opened - timedelta(days=7), True)):
                await conn.execute(
                    sa.insert(pulses).values(
                        circle_id="core",
                        scheduled_for=scheduled,
                        closes_at=scheduled + timedelta(days=2),
                        threshold=3,
                        reported=reported,
                    )
                )
            rounds = MaturityRound.__table__  # type: ignore[attr-defined]
            for closed_at in (None, opened):
                await conn.execute(
                    sa.insert(rounds).values(
                        circle_id="core",
                        opened_at=opened,
                        closes_at=closes,
                        closed_at=closed_at,
                        threshold=3,
                        focus="",
                    )
                )
        await step(engine, "upgrade", "timers1")
    finally:
        await engine.dispose()

    after = SUNDAY + timedelta(days=2)
    async with open_harness(load_config(config_file), database_url, start=SUNDAY) as harness:
        async with harness.bot.sessions() as session:
            found = (await session.exec(select(Timer).order_by(col(Timer.id)))).all()
        assert [(t.kind, t.subject, t.due_at, t.state) for t in found] == [
            ("pulse.close", "1", opened + timedelta(days=2), "due"),
            ("maturity.close", "1", closes, "due"),
        ]
        harness.take()
        await harness.until(after)
        closed = harness.take()
        assert "No one answered this pulse" in closed
        assert "no one scored this time" in closed  # the maturity round, revealed
        async with harness.bot.sessions() as session:
            query = select(Timer.state).where(col(Timer.kind) != "reminder")  # the ritual's own
            states = (await session.exec(query)).all()
        assert list(states) == ["fired", "fired"]

"""Schedules in wall-clock time across daylight saving, catch-up after downtime, stable jobs."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.config.partnership import load_config
from bot.rituals.scheduler import RealScheduler
from bot.rituals.timing import cron, latest_fire, next_fire
from bot.storage.models import PromptRun
from tests.harness import open_harness

LONDON = ZoneInfo("Europe/London")


def fire_times(expression: str, start: datetime, end: datetime) -> list[datetime]:
    trigger = cron(expression, "Europe/London")
    times = []
    moment = next_fire(trigger, start)
    while moment is not None and moment <= end:
        times.append(moment)
        moment = next_fire(trigger, moment)
    return times


def test_weekly_ritual_keeps_local_time_across_spring_change() -> None:
    times = fire_times(
        "0 9 * * MON",
        datetime(2026, 3, 15, tzinfo=UTC),
        datetime(2026, 4, 7, tzinfo=UTC),
    )
    assert [t.astimezone(UTC).hour for t in times] == [9, 9, 8, 8]  # GMT, GMT, BST, BST
    assert all(t.astimezone(LONDON).hour == 9 for t in times)


def test_daily_ritual_fires_once_a_day_across_both_changes() -> None:
    for start, end in (
        (datetime(2026, 3, 27, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)),
        (datetime(2026, 10, 23, tzinfo=UTC), datetime(2026, 10, 28, tzinfo=UTC)),
    ):
        times = fire_times("0 9 * * *", start, end)
        days = [t.astimezone(LONDON).date() for t in times]
        assert len(days) == len(set(days)) == 5
        assert all(t.astimezone(LONDON).hour == 9 for t in times)


def test_a_ritual_in_the_skipped_hour_still_fires_once() -> None:
    # 01:30 does not exist in London on 29 March 2026; the ritual fires once that day anyway
    times = fire_times(
        "30 1 * * *",
        datetime(2026, 3, 28, 12, tzinfo=UTC),
        datetime(2026, 3, 30, 12, tzinfo=UTC),
    )
    assert len(times) == 2


def test_latest_fire_finds_the_run_that_is_due() -> None:
    trigger = cron("0 9 * * MON", "Europe/London")
    now = datetime(2026, 3, 30, 10, 0, tzinfo=UTC)  # Monday, after the change
    from datetime import timedelta

    due = latest_fire(trigger, now, lookback=timedelta(hours=48))
    assert due == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)


async def test_simulated_weeks_across_the_change_send_one_prompt_each(
    config_file: Path, database_url: str
) -> None:
    async with open_harness(
        load_config(config_file), database_url, start=datetime(2026, 3, 20, tzinfo=UTC)
    ) as harness:
        await harness.until(datetime(2026, 4, 8, tzinfo=UTC))
        async with harness.bot.sessions() as session:
            runs = (await session.exec(select(PromptRun).order_by(PromptRun.scheduled_for))).all()
    local = [r.scheduled_for.astimezone(LONDON) for r in runs]
    assert [(t.day, t.hour) for t in local] == [(23, 9), (30, 9), (6, 9)]
    assert harness.printed().count("What did we learn?") == 3


async def test_a_prompt_missed_while_down_is_sent_late_once(
    config_file: Path, database_url: str
) -> None:
    config = load_config(config_file)
    late = datetime(2026, 3, 9, 13, 0, tzinfo=UTC)  # Monday 13:00, due at 09:00
    async with open_harness(config, database_url, start=late) as harness:
        assert harness.take().count("What did we learn?") == 1
    # restart later the same day: nothing is sent again
    async with open_harness(config, database_url, start=late, run_id="t2") as harness:
        assert harness.take() == ""
        async with harness.bot.sessions() as session:
            run = (await session.exec(select(PromptRun))).one()
        assert run.scheduled_for == datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
        assert run.opened_at == late


async def test_a_prompt_whose_window_has_closed_is_skipped(
    config_file: Path, database_url: str
) -> None:
    too_late = datetime(2026, 3, 11, 10, 0, tzinfo=UTC)  # the 48 h window closed at 09:00
    async with open_harness(load_config(config_file), database_url, start=too_late) as harness:
        assert "What did we learn?" not in harness.take()
        async with harness.bot.sessions() as session:
            assert (await session.exec(select(PromptRun))).first() is None


async def test_a_restart_never_duplicates_jobs(config_file: Path, database_url: str) -> None:
    config = load_config(config_file)
    async with RealScheduler() as scheduler:
        async with open_harness(config, database_url) as harness:
            for job in harness.bot.huddle.jobs():
                scheduler.add(job)
            first = scheduler.job_ids()
            for job in harness.bot.huddle.jobs():  # built again, as after a restart
                scheduler.add(job)
            assert scheduler.job_ids() == first
    assert first == ["digest:core", "housekeeping", "ritual:core:learned"]

"""Cron schedules in a circle's own time zone, and the fire times around a moment."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

_STEP = timedelta(microseconds=1)


def cron(expression: str, timezone: str) -> CronTrigger:
    """A 5-field crontab read in wall-clock time of `timezone` (daylight saving included)."""
    return CronTrigger.from_crontab(expression, timezone=ZoneInfo(timezone))


def next_fire(trigger: BaseTrigger, after: datetime) -> datetime | None:
    """The first fire time strictly after `after`."""
    return trigger.get_next_fire_time(after, after + _STEP)


def latest_fire(trigger: BaseTrigger, now: datetime, *, lookback: timedelta) -> datetime | None:
    """The newest fire time in (now - lookback, now], or None."""
    found = None
    moment = trigger.get_next_fire_time(None, now - lookback + _STEP)
    while moment is not None and moment <= now:
        found = moment
        moment = next_fire(trigger, moment)
    return found


def local(when: datetime, timezone: str) -> str:
    """A time as people in `timezone` read it, e.g. 'Wed 12 Mar, 17:00'."""
    return when.astimezone(ZoneInfo(timezone)).strftime("%a %d %b, %H:%M")

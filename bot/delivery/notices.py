"""Notices for the stewards: the same message to every stewards' circle."""

from __future__ import annotations

from bot.config.partnership import Config
from bot.core.messages import Body, Outgoing, ToCircle


def to_stewards(config: Config, body: Body, *, key: str) -> list[Outgoing]:
    """`body` for each stewards' circle (none when there is none); `key` names the notice."""
    return [
        Outgoing(to=ToCircle(circle.id), body=body, key=f"{key}:{circle.id}", kind="notice")
        for circle in config.stewards_circles()
    ]

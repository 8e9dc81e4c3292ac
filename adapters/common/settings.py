"""Helpers for the environment settings a platform declares in its `PlatformSpec`."""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.core.ports import PlatformSpec, ValueCheck
from bot.errors import ConfigError

SOURCE = "environment"

WEB_ADDRESS = ValueCheck(
    pattern=re.compile(r"https?://.+"),
    problem="is not a web address",
    fix="use an address starting with https:// (or http:// for a local test server)",
)
"""For settings that point at a server: an API base URL, a public webhook address."""


def switched_on(spec: PlatformSpec, values: Mapping[str, str]) -> bool:
    """Whether `values` turn the platform on (its switch is set).

    Settings that only make sense with the switch, set without it, are refused naming the
    switch, since the person most likely forgot it.
    """
    if spec.switch is None:
        return False
    if values.get(spec.switch):
        return True
    stray = [s.name for s in spec.settings if s.needs_switch and s.name in values]
    if stray:
        switch = next(s for s in spec.settings if s.name == spec.switch)
        to = f" to {switch.about}" if switch.about else ""
        raise ConfigError(
            f"{spec.title} settings are set but {spec.switch} is missing",
            source=SOURCE,
            key=spec.switch,
            fix=f"set {spec.switch}{to}, or unset {' and '.join(stray)}",
        )
    return False

"""The platforms huddlebot knows, in one list.

Adding a platform: one module or package in `adapters/` declaring a `Platform` (its
`PlatformSpec`, and how its adapter is built from its settings), and one line in `PLATFORMS`.
The configuration checks read the specs (room addresses, environment settings), which load no
platform SDK; `platform_adapters` builds the adapters whose settings are present.
"""

from __future__ import annotations

from collections.abc import Mapping

from adapters import console
from adapters.common.platform import Platform
from adapters.common.settings import switched_on
from adapters.slack import spec as slack
from adapters.telegram import spec as telegram
from bot.core.ports import Adapter, PlatformSpec

PLATFORMS: tuple[Platform, ...] = (
    console.PLATFORM,
    slack.PLATFORM,
    telegram.PLATFORM,
)

PLATFORM_SPECS: tuple[PlatformSpec, ...] = tuple(platform.spec for platform in PLATFORMS)


def platform_adapters(values: Mapping[str, str]) -> list[Adapter]:
    """An adapter for every platform the settings turn on, in the list's order.

    `values` are the platforms' settings that are set, by variable name
    (`Settings.platforms.found`).
    """
    return [
        platform.build(values)
        for platform in PLATFORMS
        if platform.build is not None and switched_on(platform.spec, values)
    ]

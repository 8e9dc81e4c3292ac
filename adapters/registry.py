"""The platform adapters huddlebot knows, each built only when its tokens are set.

Adding a platform: one module in `adapters/` with a `from_settings(settings)` function, and one
line below.
"""

from __future__ import annotations

from bot.config.environment import Settings
from bot.core.ports import Adapter


def platform_adapters(settings: Settings) -> list[Adapter]:
    """Every platform adapter whose settings are present (Slack, Telegram)."""
    from adapters.slack import adapter as slack
    from adapters.telegram import adapter as telegram

    built = (slack.from_settings(settings), telegram.from_settings(settings))
    return [adapter for adapter in built if adapter is not None]

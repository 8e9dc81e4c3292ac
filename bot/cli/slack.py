"""`huddlebot slack manifest`: print the Slack app manifest that ships with huddlebot, so that
people who installed the package (and have no checkout) can paste it into Slack."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.package_data import slack_manifest


def add_parser(sub: Any) -> None:
    slack = sub.add_parser("slack", help="Slack set-up helpers")
    actions = slack.add_subparsers(dest="slack_command", required=True, metavar="ACTION")
    actions.add_parser("manifest", help="print the Slack app manifest to paste into Slack")


async def run(args: argparse.Namespace) -> int:
    sys.stdout.write(slack_manifest().read_text(encoding="utf-8"))
    return 0

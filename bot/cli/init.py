"""`huddlebot init`: a commented starter `huddlebot.toml` in the current folder.

It never overwrites a file. At a terminal it asks the partnership's name and time zone (Enter keeps
the suggestion); otherwise it asks nothing and writes the suggestions, which can be edited later.
The file it writes runs as it is: `huddlebot run` chats in the terminal.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import available_timezones

from bot.config.partnership import DEFAULT_FILE
from bot.errors import ConfigError

Ask = Callable[[str], str]
DEFAULT_NAME = "Our partnership"
FALLBACK_ZONE = "UTC"
LOCALTIME = Path("/etc/localtime")

STARTER = """\
# huddlebot's configuration, written by `huddlebot init`. Edit it freely.
#
# Secrets never go in this file: Slack and Telegram tokens come from environment variables
# (SLACK_BOT_TOKEN, SLACK_APP_TOKEN or SLACK_SIGNING_SECRET, TELEGRAM_BOT_TOKEN), and so does
# DATABASE_URL. Without them huddlebot keeps a SQLite file in ./data/ and chats in this terminal.
#
# Schedules ("cron") have five fields: minute hour day-of-month month day-of-week, in the
# partnership's time zone: "0 9 * * MON" is 09:00 every Monday, whenever the clocks change.

[partnership]
name = {name}
timezone = {timezone}             # an IANA time zone name, such as "Europe/London"
language = "en"                   # which language of the prompt library to use
anonymity_threshold = 3           # answers are summarised only from this many people up
retention_days = 0                # delete entries older than this; 0 keeps them for ever
erasure = "anonymise"             # when someone asks to be forgotten: "anonymise" or "erase"
care_note = "If something here touches you, talk to a steward or someone you trust."
steward_digest = {{ cron = "0 8 * * MON" }}   # the stewards' weekly learning digest
# prompts = "prompts"             # a folder of your own prompts and templates, over the built-in

# The whole partnership reflects together.
[[circles]]
id = "core"
name = "Core partnership"
kind = "partnership"              # partnership | stewards | learning_set
rooms = [
    {{ platform = "console", channel = "core" }},
    # {{ platform = "slack", channel = "C0123ABC" }},         # a Slack channel's ID, not its name
    # {{ platform = "telegram", chat = "-1001234567890" }},   # a Telegram group's chat id
]

[[circles.rituals]]
prompt = "learned"                # "What did we learn?"; `huddlebot prompts list` shows the rest
cron = "0 9 * * MON"
window_hours = 48                 # replies are gathered for this long
reminder = true                   # at most one gentle reminder, never naming anyone

[circles.digest]
cron = "0 16 * * THU"             # the huddle digest of what people shared

# The stewards, who hold the partnership together. Whoever the bot hears in their room is one.
[[circles]]
id = "stewards"
name = "Stewards"
kind = "stewards"
rooms = [{{ platform = "console", channel = "stewards" }}]
"""

NEXT_STEPS = """\
Wrote {path} for {name} ({timezone}).
Next:
  1. Try it in this terminal: huddlebot run
     Type /prompt learned, answer it, then /digest; Ctrl-D leaves.
  2. Connect Slack or Telegram: set SLACK_BOT_TOKEN (and SLACK_APP_TOKEN) or TELEGRAM_BOT_TOKEN,
     add your channels or groups to the circles' rooms in {file}, and run huddlebot run again.
     The README's "Connecting Slack" and "Connecting Telegram" and docs/hosting.md say how.
"""


@dataclass(frozen=True, slots=True)
class Answers:
    name: str
    timezone: str


def guess_timezone(env: Mapping[str, str], *, localtime: Path = LOCALTIME) -> str:
    """This machine's IANA time zone (TZ, then /etc/localtime's link), or UTC."""
    zones = available_timezones()
    candidates = [env.get("TZ", "").removeprefix(":")]
    if localtime.is_symlink():
        target = str(localtime.resolve())
        candidates.extend(target.split("zoneinfo/", 1)[1:])
    return next((zone for zone in candidates if zone in zones), FALLBACK_ZONE)


def ask_answers(ask: Ask | None, *, suggested_zone: str, say: TextIO) -> Answers:
    """The name and time zone: asked when `ask` is given, the suggestions otherwise."""
    if ask is None:
        return Answers(DEFAULT_NAME, suggested_zone)
    name = ask(f"The partnership's name [{DEFAULT_NAME}]: ").strip() or DEFAULT_NAME
    zones = available_timezones()
    while True:
        zone = ask(f"Its time zone [{suggested_zone}]: ").strip() or suggested_zone
        if zone in zones:
            return Answers(name, zone)
        print(f"'{zone}' is not a time zone name; try one like Europe/London.", file=say)


def _already_there(path: Path) -> ConfigError:
    return ConfigError(
        "there is already a configuration file here; init leaves it as it is",
        source=str(path),
        fix="edit that file, or run huddlebot init in another folder",
    )


def write_starter(folder: Path, answers: Answers) -> Path:
    """Write `huddlebot.toml` in `folder`; ConfigError if one is already there."""
    path = folder / DEFAULT_FILE
    text = STARTER.format(name=json.dumps(answers.name), timezone=json.dumps(answers.timezone))
    try:
        with path.open("x", encoding="utf-8") as file:
            file.write(text)
    except FileExistsError:
        raise _already_there(path) from None
    return path


def add_parser(sub: Any) -> None:
    sub.add_parser("init", help=f"write a commented starter {DEFAULT_FILE} in this folder")


async def run(_args: argparse.Namespace) -> int:
    if (Path.cwd() / DEFAULT_FILE).exists():  # before any question
        raise _already_there(Path.cwd() / DEFAULT_FILE)
    ask: Ask | None = input if sys.stdin is not None and sys.stdin.isatty() else None
    try:
        answers = ask_answers(ask, suggested_zone=guess_timezone(os.environ), say=sys.stdout)
    except (EOFError, KeyboardInterrupt):  # Ctrl-D or Ctrl-C at a question: the person left
        print("\nStopped before writing anything; run huddlebot init again when ready.")
        return 1
    path = write_starter(Path.cwd(), answers)
    print(
        NEXT_STEPS.format(
            path=path, name=answers.name, timezone=answers.timezone, file=DEFAULT_FILE
        ),
        end="",
    )
    return 0

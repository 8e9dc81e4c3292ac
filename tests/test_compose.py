"""docker-compose.yml publishes the bot's web port on this machine only, unless asked."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _published(env: dict[str, str]) -> list[str]:
    """The bot's `ports:` entries, with compose's ${NAME:-default} filled in from `env`."""
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    bot = re.search(r"\n  bot:\n(.*?)\n  \w+:\n", text, re.DOTALL)
    assert bot is not None, "docker-compose.yml has no bot service"
    block = bot.group(1).split("    ports:\n", 1)[1]
    entries = []
    for line in block.splitlines():
        if not line.startswith("      "):
            break
        if (found := re.match(r'\s+- "([^"]+)"', line)) is not None:
            entries.append(found.group(1))
    return [
        re.sub(r"\$\{(\w+):-([^}]*)\}", lambda m: env.get(m.group(1)) or m.group(2), entry)
        for entry in entries
    ]


def test_the_web_port_is_published_on_localhost_by_default() -> None:
    assert _published({}) == ["127.0.0.1:8080:8080"]


def test_it_is_published_to_other_machines_only_when_asked() -> None:
    assert _published({"HUDDLEBOT_PUBLISH": "0.0.0.0"}) == ["0.0.0.0:8080:8080"]

"""docker-compose.yml publishes the bot's web port on this machine only, unless asked."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _published(env: dict[str, str]) -> list[str]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))

    def substitute(text: str) -> str:  # compose's ${NAME:-default}
        return re.sub(r"\$\{(\w+):-([^}]*)\}", lambda m: env.get(m.group(1)) or m.group(2), text)

    return [substitute(port) for port in compose["services"]["bot"]["ports"]]


def test_the_web_port_is_published_on_localhost_by_default() -> None:
    assert _published({}) == ["127.0.0.1:8080:8080"]


def test_it_is_published_to_other_machines_only_when_asked() -> None:
    assert _published({"HUDDLEBOT_PUBLISH": "0.0.0.0"}) == ["0.0.0.0:8080:8080"]

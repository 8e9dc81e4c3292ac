"""Sample contexts for the web view's chat templates (`prompts/en/templates/web/`)."""

from __future__ import annotations

from typing import Any

NO_USER_TEXT = {"web/link", "web/sent_privately", "web/private_only", "web/too_many"}


def contexts(user: str) -> dict[str, dict[str, Any]]:
    return {
        "web/link": {"url": "https://huddle.example.org/app/signin/abc123", "minutes": 15},
        "web/sent_privately": {},
        "web/private_only": {},
        "web/too_many": {"per_hour": 5},
    }

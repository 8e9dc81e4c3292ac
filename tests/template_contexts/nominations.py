"""Sample contexts for the templates of saving someone else's message."""

from __future__ import annotations

from typing import Any

NO_USER_TEXT: set[str] = set()


def contexts(user: str) -> dict[str, dict[str, Any]]:
    return {
        "nominations/ask": {
            "saver": f"Sam {user}",
            "kind_label": "learning",
            "text": f"We learned {user}",
        },
        "nominations/saved": {"author": f"Alex {user}", "kind_label": "learning"},
        "nominations/choice": {"kept": True, "anonymous": False, "kept_in": f"Set {user}"},
    }

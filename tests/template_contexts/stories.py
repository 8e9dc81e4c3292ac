"""Sample contexts for the story templates (`prompts/en/templates/stories/`)."""

from __future__ import annotations

from typing import Any

NO_USER_TEXT = {
    "stories/about",
    "stories/already_withdrawn",
    "stories/choice",
    "stories/described",
    "stories/is_withdrawn",
    "stories/usage",
    "stories/withdrawn",
}


def contexts(user: str) -> dict[str, dict[str, Any]]:
    return {
        "stories/saved": {"story_id": 12, "title": f"Saturday {user}", "care_note": f"Call {user}"},
        "stories/choice": {
            "story_id": 12,
            "visibility": "Share it with the circle",
            "anonymous": True,
            "unchanged": False,
            "first": True,
        },
        "stories/about": {"story_id": 12},
        "stories/described": {
            "story_id": 12,
            "changed": "Finance",
            "added": True,
            "dimensions": ["Vision", "Finance"],
            "direction": "Getting better",
        },
        "stories/withdrawn": {"story_id": 12},
        "stories/already_withdrawn": {"story_id": 12},
        "stories/kept_in_set": {"story_id": 12, "circle": f"Set {user}"},
        "stories/is_withdrawn": {"story_id": 12},
        "stories/unknown": {"story_id": f"9{user}"},
        "stories/not_yours": {"story_id": f"9{user}"},
        "stories/title_saved": {"story_id": 12, "title": f"New {user}"},
        "stories/title_too_long": {"limit": 120, "length": 130, "title": f"Long {user}"},
        "stories/list": {
            "stories": [
                {
                    "id": 12,
                    "title": f"T {user}",
                    "preview": f"A dad {user}",
                    "visibility": "Stewards only",
                    "anonymous": True,
                    "withdrawn": False,
                },
                {
                    "id": 13,
                    "title": "",
                    "preview": f"Another {user}",
                    "visibility": "Withdrawn",
                    "anonymous": False,
                    "withdrawn": True,
                },
            ]
        },
        "stories/usage": {"subcommand": "share"},
    }

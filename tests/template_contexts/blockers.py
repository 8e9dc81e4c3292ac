"""Sample contexts for the blockers' templates."""

from __future__ import annotations

from typing import Any

NO_USER_TEXT = {
    "blockers/raised",
    "blockers/kind_saved",
    "blockers/need_note",
    "blockers/already",
    "blockers/not_yours",
}


def contexts(user: str) -> dict[str, dict[str, Any]]:
    listed = [
        {
            "id": 4,
            "number": 12,
            "text": f"We cannot share referral forms {user}",
            "circle_name": f"Core {user}",
            "kind_label": "rules and process",
            "status_label": "taken up",
            "age_days": 20,
            "taken_by": f"Cleo {user}",
        },
        {
            "id": 5,
            "number": 13,
            "text": f"No room for the Saturday group {user}",
            "circle_name": "Core",
            "kind_label": "not sorted yet",
            "status_label": "open",
            "age_days": 1,
            "taken_by": None,
        },
    ]
    return {
        "blockers/raised": {"id": 12},
        "blockers/kind_saved": {
            "id": 12,
            "kind_label": "funding",
            "system": True,
            "already": False,
        },
        "blockers/list": {"blockers": listed},
        "blockers/changed": {
            "id": 12,
            "text": f"We cannot share referral forms {user}",
            "status_label": "resolved",
            "note": f"One shared form from May {user}",
            "circle_name": f"Core {user}",
            "reported": True,
        },
        "blockers/report_back": {
            "text": f"We cannot share referral forms {user}",
            "status": "resolved",
            "note": f"One shared form from May {user}",
            "steward": f"Cleo {user}",
        },
        "blockers/flagged": {"days": 14, "blockers": listed},
        "blockers/unknown": {"id": f"9{user}"},
        "blockers/need_note": {"action": "resolve", "id": 12},
        "blockers/already": {"id": 12, "status_label": "resolved"},
        "blockers/not_yours": {},
    }

"""Sample contexts for the experiments' templates."""

from __future__ import annotations

from typing import Any

NO_USER_TEXT = {
    "experiments/help",
    "experiments/unknown",
    "experiments/next_exists",
}


def contexts(user: str) -> dict[str, dict[str, Any]]:
    experiment = {
        "id": 3,
        "title": f"Text reminders {user}",
        "circle_id": "core",
        "stage": "study",
        "stage_label": "Study",
        "prediction": f"fewer missed visits {user}",
        "result": f"missed visits fell from 12 to 7 {user}",
        "decision": "adapt",
        "decision_label": "adapt",
        "review_date": "2026-04-01",
        "previous_id": 2,
        "next_id": 4,
        "days_overdue": 3,
        "leads": [f"Ana {user}", "Ben"],
        "history": [
            {
                "stage_label": "Plan",
                "text": f"We expect: fewer {user}",
                "by": "Ana",
                "on": "2026-03-01",
            },
            {"stage_label": "Do", "text": f"First texts sent {user}", "by": "", "on": "2026-03-08"},
        ],
    }
    return {
        "experiments/help": {},
        "experiments/usage": {"text": f"3 dance {user}"},
        "experiments/new_usage": {"text": f"Only a title {user}"},
        "experiments/unknown": {"id": 99},
        "experiments/not_a_lead": {"id": 3, "title": f"Text {user}", "leads": [f"Ana {user}"]},
        "experiments/unknown_lead": {
            "names": [f"@zed{user}"],
            "circle": f"Core {user}",
            "text": f"T | p | @zed{user}",
        },
        "experiments/past_date": {"date": "2020-01-01", "text": f"T | p {user}"},
        "experiments/finished": {"id": 3, "title": f"Text {user}", "decision": "adopt"},
        "experiments/need_decision": {"id": 3, "text": f"maybe {user}"},
        "experiments/next_exists": {"id": 3, "next_id": 4},
        "experiments/created": {"experiment": experiment},
        "experiments/updated": {"experiment": experiment, "stage_label": "Do"},
        "experiments/studied": {"experiment": experiment},
        "experiments/study_ask": {"experiment": experiment, "names": [f"Ben {user}"]},
        "experiments/decided": {"experiment": experiment},
        "experiments/nudge": {"experiment": experiment},
        "experiments/show": {"experiment": experiment},
        "experiments/list": {"experiments": [experiment, {**experiment, "decision": ""}]},
    }

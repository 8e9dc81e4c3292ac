"""Sample contexts for the templates of verbs started on request: a pulse, a learning set round,
closing a maturity round early."""

from __future__ import annotations

from typing import Any

NO_USER_TEXT = {
    "learning_sets/round_usage",
    "learning_sets/round_where",
    "rights/forget_not_asked",
    "experiments/lead_usage",
}


def contexts(user: str) -> dict[str, dict[str, Any]]:
    circle = {"id": "set1", "name": f"Set {user}"}
    return {
        "pulse/already_open": {"circle": f"Core {user}", "closes_at": "Wed 11 Mar, 10:00"},
        "learning_sets/round_usage": {},
        "learning_sets/round_where": {},
        "learning_sets/round_open": {
            "circle": circle,
            "number": 2,
            "presenter": f"Ana {user}",
            "until": "Wed 11 Mar, 10:00",
        },
        "maturity/none_to_close": {"circle": f"Core {user}"},
        "rights/forget_not_asked": {"minutes": 30},
        "experiments/date_form": {"date": f"01/03/{user}", "form": "YYYY-MM-DD", "text": user},
        "experiments/not_a_date": {
            "date": f"2027-13-45 {user}",
            "form": "YYYY-MM-DD",
            "text": user,
        },
        "experiments/lead_usage": {"id": 3},
        "experiments/leads_changed": {
            "experiment": {"id": 3, "title": f"Text {user}", "leads": [f"Ana {user}"]}
        },
        "replies/usage": {
            "verb": "blocker",
            "word": "take",
            "forms": ["blocker take 12 [note]", "blocker list"],
            "text": f"take {user}",
        },
    }

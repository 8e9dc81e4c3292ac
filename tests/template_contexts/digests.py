"""Sample contexts for the huddle digest, the steward digest and the digest's section partials."""

from __future__ import annotations

from typing import Any

NO_USER_TEXT = {"digests/pulse"}

HEADINGS = {
    "learning": "What we learned",
    "blocker": "What is getting in the way",
    "celebration": "What we are celebrating",
    "story": "Stories of change",
    "experiment_update": "How our experiments are going",
    "question": "Questions for our next huddle",
    "reflection": "Other reflections",
    "insight": "Insights from the week",
}


def sections(user: str) -> dict[str, dict[str, Any]]:
    entry = {"text": f"We learned {user}", "author": f"Sam {user}"}
    entries = [entry, {**entry, "author": None}]
    asked = [{"question": f"What surprised you {user}?", "entries": entries}]
    blocker = {
        "number": 14,
        "text": f"No shared notes {user}",
        "age_days": 9,
        "status": None,
        "outcome": None,
    }
    closed = {**blocker, "status": "resolved", "outcome": f"Agreed a form {user}"}
    experiment = {
        "number": 2,
        "name": f"Evening drop-in {user}",
        "stages": ["Do", "Study"],
        "prediction": f"More families {user}",
        "result": f"Twice as many {user}",
        "decision": "adopt",
        "updates": [f"Going well {user}"],
    }
    found: dict[str, dict[str, Any]] = {
        "learning": {
            "themes": [
                {"label": f"referral forms {user}", "count": 2, "entries": entries, "more": 1}
            ],
            "entries": entries,
            "more": 3,
            "count": 7,
        },
        "blocker": {
            "new": [blocker],
            "open": [blocker],
            "closed": [closed],
            "more": 2,
            "heavy": True,
            "entries": [],
        },
        "celebration": {"asked": [], "entries": entries, "more": 0},
        "story": {"entries": entries, "more": 1},
        "experiment_update": {"experiments": [experiment], "entries": entries},
        "question": {"asked": [], "entries": entries, "more": 0},
        "reflection": {"asked": asked, "entries": entries, "more": 0},
        # a kind the partnership added to its catalog: no partial of its own
        "insight": {"asked": asked, "entries": entries, "more": 2},
    }
    shown = {
        kind: {"kind": kind, "heading": HEADINGS[kind], **body} for kind, body in found.items()
    }
    shown["pulse"] = {
        "kind": "pulse",
        "heading": None,
        "people": 5,
        "factors": [{"label": "Pace", "lean": "Too much"}],
        "direction": [{"label": "Pace", "first": "Just right", "last": "Too much"}],
        "entries": [],
    }
    shown["msc"] = {
        "kind": "msc",
        "heading": None,
        "selections": selections(user),
        "entries": [],
    }
    return shown


def selections(user: str) -> list[dict[str, Any]]:
    return [
        {
            "text": f"Mo came back to the drop-in {user}",
            "reason": f"trust returned {user}",
            "circle_name": f"Stewards {user}",
            "title": f"Trust {user}",
            "author": f"Ana {user}",
            "below_circle": f"Core {user}",
            "below_reason": f"people choose to come back {user}",
        },
        {
            "text": f"The housing team calls us first {user}",
            "reason": f"services changed {user}",
            "circle_name": f"Core {user}",
            "title": None,
            "author": None,
            "below_circle": None,
            "below_reason": None,
        },
    ]


def contexts(user: str) -> dict[str, dict[str, Any]]:
    parts = sections(user)
    circle = {"id": "core", "name": f"Core {user}"}
    period = {"start": "Mon 04 Mar, 16:00", "end": "Thu 07 Mar, 16:00"}
    found: dict[str, dict[str, Any]] = {
        "huddle_digest": {
            "circle": circle,
            "period": period,
            "sections": list(parts.values()),
            "participation": {"people": 4, "entries": 14},
            "balance": False,
            "working": 9,
            "quiet": False,
            "kept_in_set": False,
        },
        "steward_digest": {
            "partnership": {"name": f"Riverside {user}"},
            "period": period,
            "themes": [
                {
                    "label": f"housing {user}",
                    "count": 12,
                    "approx": False,
                    "circles": [f"Core {user}", "North"],
                    "examples": [f"Waiting lists {user}"],
                }
            ],
            "waiting": [
                {
                    "number": 9,
                    "text": f"Data sharing {user}",
                    "circle": f"Core {user}",
                    "age_days": 12,
                }
            ],
            "resolved": [
                {
                    "number": 3,
                    "text": f"Room bookings {user}",
                    "circle": "North",
                    "status": "resolved",
                    "outcome": f"Library room {user}",
                    "reported_back": False,
                }
            ],
            "parked": [
                {
                    "number": 6,
                    "text": f"Out of our hands {user}",
                    "circle": "North",
                    "status": "parked",
                    "outcome": f"Until the review {user}",
                    "reported_back": True,
                }
            ],
            "overdue": [
                {
                    "number": 2,
                    "name": f"Evening drop-in {user}",
                    "circle": "North",
                    "stage": "Do",
                    "days_overdue": 3,
                }
            ],
            "quiet_circles": [{"name": f"South {user}", "weeks": 3, "ever": True}],
            "stories": [{"text": f"He found a flat {user}", "author": None, "circle": "North"}],
            "more_stories": 0,
            "questions": [{"text": f"Who owns it {user}?", "author": None, "circle": "North"}],
            "more_questions": 2,
            "learning_sets": [{"name": f"Set A {user}", "participants": 5}],
            "pulses": [
                {
                    "circle": f"Core {user}",
                    "people": 5,
                    "factors": [{"label": "Pace", "lean": "Too much", "steady": False}],
                }
            ],
            "more_pulses": 3,
            "more_waiting": 4,
            "selections": selections(user),
            "participation": {"people": 30, "entries": 120},
            "quiet": False,
            "nothing_to_show": False,
        },
        "digests/entries": {"section": parts["celebration"]},
        "digests/answers": {"section": parts["insight"]},
    }
    for kind, section in parts.items():
        if kind != "insight":
            found[f"digests/{kind}"] = {"section": section}
    return found

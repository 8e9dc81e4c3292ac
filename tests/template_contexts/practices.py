"""Sample contexts for the templates of learning sets, maturity rounds and the pulse."""

from __future__ import annotations

from typing import Any

NO_USER_TEXT = {
    "learning_sets/no_action",
    "learning_sets/no_issue",
    "learning_sets/no_presenter",
    "learning_sets/reflection_kept",
    "pulse/results",
    "learning_sets/pass_ok",
    "learning_sets/too_late_to_pass",
    "learning_sets/no_round",
    "learning_sets/commit_later",
    "learning_sets/commit_empty",
    "learning_sets/follow_up_thanks",
    "maturity/bad_score",
    "maturity/closed",
    "maturity/none_open",
    "maturity/not_member",
    "maturity/focus_count",
    "maturity/how",
    "maturity/dimension",
    "pulse/how",
    "pulse/none_open",
    "pulse/not_member",
    "pulse/closed",
    "pulse/noted",
    "pulse/unknown_answer",
}

LEVELS = ["vision", "collaboration", "accountability", "involvement", "planning", "finance"]
LABELS = ["Vision", "Collaboration", "Accountability", "Involvement", "Planning and strategy"]


def contexts(user: str) -> dict[str, dict[str, Any]]:
    circle = {"id": "set1", "name": f"Set {user}"}
    round_ = {
        "circle": circle,
        "number": 3,
        "presenter": f"Ana {user}",
        "until": "Thu 12 Mar, 09:00",
    }
    dimension = {"key": "involvement", "label": "Involvement"}
    spread = [
        {
            "key": "vision",
            "label": "Vision",
            "count": 4,
            "shown": True,
            "lowest": 2,
            "middle": "3.5",
            "highest": 5,
        },
        {
            "key": "finance",
            "label": "Finance",
            "count": 2,
            "shown": False,
            "lowest": None,
            "middle": None,
            "highest": None,
        },
    ]
    changes = [
        {"key": "vision", "label": "Vision", "score": 3, "before": 2, "delta": 1},
        {"key": "finance", "label": "Finance", "score": 2, "before": None, "delta": None},
    ]
    factors = [
        {
            "factor": "pace",
            "label": "Pace",
            "answered": 4,
            "shown": True,
            "counts": {"too_little": 0, "just_right": 1, "too_much": 3},
            "lean": "too_much",
            "lean_label": "Too much",
        },
        {
            "factor": "power",
            "label": "Power",
            "answered": 2,
            "shown": False,
            "counts": None,
            "lean": None,
            "lean_label": None,
        },
    ]
    return {
        "learning_sets/round_start": {
            **round_,
            "follow_up": {"name": f"Ben {user}", "action": f"Call the team {user}"},
        },
        "learning_sets/invite": round_,
        "learning_sets/questions_open": {**round_, "issue": f"My issue {user}"},
        "learning_sets/nudge": {**round_, "text": f"You should {user}"},
        "learning_sets/wait_for_issue": round_,
        "learning_sets/presenter_time": round_,
        "learning_sets/reflect": {**round_, "questions": 4},
        "learning_sets/reflection_kept": round_,
        "learning_sets/relayed": {
            **round_,
            "name": f"Ben {user}",
            "what": "follow_up",
            "text": f"It went {user}",
        },
        "learning_sets/committed": {**round_, "action": f"I will {user}"},
        "learning_sets/no_issue": round_,
        "learning_sets/no_action": round_,
        "learning_sets/no_presenter": round_,
        "learning_sets/pass_ok": {"next": True},
        "learning_sets/not_presenter": {"presenter": f"Ana {user}"},
        "learning_sets/too_late_to_pass": {},
        "learning_sets/no_round": {},
        "learning_sets/commit_later": {"phase": "questions", "until": "Thu 12 Mar, 09:00"},
        "learning_sets/commit_empty": {},
        "learning_sets/follow_up_thanks": round_,
        "learning_sets/too_few": {"circle": circle},
        "maturity/dimension": {"dimension": dimension},
        "maturity/started": {"circle": circle, "closes_at": "Mon 16 Mar, 10:00"},
        "maturity/ask": {
            "circle": circle,
            "closes_at": "Mon 16 Mar, 10:00",
            "dimension": dimension,
            "count": 9,
        },
        "maturity/scored": {
            "dimension": dimension,
            "score": 3,
            "changed": False,
            "next": {"key": "finance", "label": "Finance"},
            "left": 4,
            "circle": f"Set {user}",
        },
        "maturity/reveal": {"circle": circle, "people": 4, "threshold": 3, "dimensions": spread},
        "maturity/agreed": {
            "circle": circle,
            "dimension": dimension,
            "score": 3,
            "reason": f"Because {user}",
            "change": {"before": 2, "delta": 1},
            "left": [],
            "changes": changes,
            "has_previous": True,
        },
        "maturity/focus": {"circle": circle, "focus": ["Vision", "Finance"]},
        "maturity/history": {
            "circle": circle,
            "rounds": [
                {
                    "opened": "Mon 02 Mar, 10:00",
                    "agreed": [{"key": "vision", "label": "Vision", "score": 3}],
                    "focus": ["Vision"],
                },
            ],
            "open_until": "Mon 16 Mar, 10:00",
        },
        "maturity/how": {"dimensions": LABELS},
        "maturity/unknown_dimension": {"dimension": f"visoin{user}", "dimensions": LABELS},
        "maturity/bad_score": {"dimension": "Vision", "score": "7"},
        "maturity/closed": {},
        "maturity/none_open": {},
        "maturity/not_member": {},
        "maturity/already_open": {"circle": f"Set {user}"},
        "maturity/nothing_to_agree": {"circle": f"Set {user}"},
        "maturity/focus_count": {"chosen": 3},
        "pulse/ask": {"circle": circle, "closes_at": "Wed 11 Mar, 12:00", "threshold": 3},
        "pulse/results": {
            "circle": circle,
            "asked_at": "Mon 09 Mar, 12:00",
            "people": 4,
            "threshold": 3,
            "factors": factors,
        },
        "pulse/thanks": {
            "factor": "Pace",
            "answer": "Just right",
            "changed": False,
            "left": ["Power"],
            "circle": f"Set {user}",
        },
        "pulse/how": {"factors": ["pace", "power"], "answers": ["too_little", "just_right"]},
        "pulse/unknown_factor": {
            "factor": f"speed{user}",
            "factors": ["pace", "power"],
            "answers": ["just_right"],
        },
        "pulse/unknown_answer": {"factor": "Pace", "answer": "meh", "answers": ["just_right"]},
        "pulse/none_open": {},
        "pulse/not_member": {},
        "pulse/closed": {},
        "pulse/noted": {},
    }

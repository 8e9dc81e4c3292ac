"""Sample contexts for the templates of Most Significant Change rounds."""

from __future__ import annotations

from typing import Any

NO_USER_TEXT = {
    "msc/how",
    "msc/closed",
    "msc/not_member",
    "msc/no_such_story",
    "msc/story_gone",
    "msc/reason_how",
    "msc/nothing_chosen",
    "msc/already_selected",
    "msc/select_needs_reason",
    "msc/pass_up_top",
    "msc/already_passed_up",
    "msc/none_open",
    "msc/noted",
}


def contexts(user: str) -> dict[str, dict[str, Any]]:
    circle = {"id": "core", "name": f"Core {user}"}
    stewards = {"id": "stewards", "name": f"Stewards {user}"}
    when = {"since": "Sun 08 Feb, 18:00", "closes_at": "Sun 15 Mar, 18:00"}
    story = {
        "number": 1,
        "title": f"Trust {user}",
        "text": f"Mo came back {user}",
        "preview": f"Mo came back {user}",
        "author": f"Ana {user}",
        "below": {"circle": f"North {user}", "reason": f"people return {user}"},
    }
    other = {
        "number": 2,
        "title": "",
        "text": f"Housing calls {user}",
        "preview": f"Housing calls {user}",
        "author": None,
        "below": None,
    }
    picked = {"circle": circle, "story": story, "reason": f"trust {user}"}
    return {
        "msc/story": {"s": story},
        "msc/ask": {"circle": circle, **when, "stories": [story, other]},
        "msc/started": {"circle": circle, **when, "count": 2},
        "msc/no_candidates": {"circle": circle, **when},
        "msc/reveal": {
            "circle": circle,
            "people": 4,
            "threshold": 3,
            "shown": True,
            "stories": [
                {**story, "count": 3, "reasons": [f"it matters {user}", f"trust {user}"]},
                {**other, "count": 1, "reasons": []},
            ],
        },
        "msc/chosen": {
            "circle": circle,
            "number": 1,
            "title": story["title"],
            "preview": story["preview"],
            "reason": f"it matters {user}",
            "changed": True,
            "closes_at": when["closes_at"],
        },
        "msc/noted": {},
        "msc/selected": {**picked, "can_pass_up": True},
        "msc/teller_chosen": {**picked, "yours": story},
        "msc/teller_thanks": {"circle": circle, "yours": other},
        "msc/withdrawn": {
            "circle": circle,
            "number": 2,
            "open": True,
            "closes_at": when["closes_at"],
            "was_selected": False,
        },
        "msc/chosen_above": picked,
        "msc/passed_up": {**picked, "stewards": stewards},
        "msc/passed_up_to_stewards": {**picked, "stewards": stewards},
        "msc/status": {
            "circle": circle,
            "open": None,
            "to_select": True,
            "selected": {
                "story": story,
                "reason": f"trust {user}",
                "on": "Sun 08 Mar, 18:00",
                "passed_up": True,
            },
        },
        "msc/closed_early": {"circle": circle},
        "msc/how": {},
        "msc/pick_how": {"verb": "choose", "typed": f"two{user}"},
        "msc/weeks_how": {"typed": f"soon{user}"},
        "msc/closed": {},
        "msc/not_member": {},
        "msc/no_such_story": {"number": 9},
        "msc/story_gone": {"number": 1},
        "msc/reason_how": {},
        "msc/nothing_chosen": {},
        "msc/nothing_to_select": {"circle": f"Core {user}"},
        "msc/already_selected": {"number": 1},
        "msc/select_needs_reason": {"number": 1},
        "msc/pass_up_top": {},
        "msc/pass_up_not_here": {"circle": f"Set {user}"},
        "msc/nothing_to_pass_up": {"circle": f"Core {user}"},
        "msc/pass_up_which": {"number": 1, "typed": f"3{user}"},
        "msc/already_passed_up": {"number": 1},
        "msc/none_open": {},
        "msc/already_open": {"circle": f"Core {user}"},
    }

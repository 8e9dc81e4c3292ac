"""Sample contexts for the data-rights templates (`prompts/en/templates/rights/`)."""

from __future__ import annotations

from typing import Any

NO_USER_TEXT = {
    "rights/private_only",
    "rights/sent_privately",
    "rights/forget_ask",
    "rights/forgotten",
    "rights/forget_cancelled",
    "rights/forget_not_yours",
}

SUMMARY = {"entries": 3, "stories": 1, "consents": 2, "circles": 1, "tables": 4}


def contexts(user: str) -> dict[str, dict[str, Any]]:
    return {
        "rights/mydata": {
            "summary": SUMMARY,
            "limit": 60000,
            "json": '{\n "text": "' + user + '"\n}',
            "csv": f"table,row,field,value\nentries,1,text,{user}",
            "json_path": None,
            "csv_path": None,
            "too_large": False,
        },
        "rights/private_only": {},
        "rights/sent_privately": {},
        "rights/forget_ask": {"mode": "anonymise", "minutes": 30},
        "rights/forgotten": {"mode": "erase"},
        "rights/forget_cancelled": {},
        "rights/forget_not_yours": {},
        "rights/forget_usage": {"word": f"maybe {user}"},
    }

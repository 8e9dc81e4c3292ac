"""Numbers with their nouns, in templates and on the command line."""

from __future__ import annotations

from pathlib import Path

from bot.text.library import PromptLibrary
from bot.text.wording import counted

ROOT = Path(__file__).resolve().parents[2]


def test_counted_says_one_and_many_in_the_right_form() -> None:
    assert counted(1, "entry", "entries") == "1 entry"
    assert counted(0, "entry", "entries") == "0 entries"
    assert counted(2, "person", "people") == "2 people"
    assert counted(1, "day") == "1 day"
    assert counted(14, "day") == "14 days"


def test_templates_have_counted_as_a_filter() -> None:
    library = PromptLibrary.load(ROOT / "prompts")
    context = {
        "section": {
            "new": [],
            "open": [{"number": 4, "text": "No room", "age_days": 1}],
            "closed": [],
            "more": 0,
        }
    }
    assert "(raised 1 day ago)" in library.render("digests/blocker", context, "plain")
    context["section"]["open"][0]["age_days"] = 3
    assert "(raised 3 days ago)" in library.render("digests/blocker", context, "plain")

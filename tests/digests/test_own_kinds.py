"""A partnership's own kinds and prompts show in the huddle digest: a kind added to the catalog has
its own section under its heading, and answers to the partnership's own prompts come under their
question. Driven at the console, with the own prompt folder the README describes."""

from __future__ import annotations

import textwrap
from datetime import timedelta
from pathlib import Path

from bot.config.partnership import load_config
from tests.harness import CONFIG, SUNDAY, open_harness

OWN_CATALOG = """
[kinds.insight]
label = "insight"
heading = "Insights from the week"

[prompts.insights]
title = "An insight"
question = "What did you notice this week that surprised you?"
entry_kind = "insight"
hint = "One line is plenty."

[prompts.gratitude]
title = "Who helped you?"
question = "Who made your week easier, and how?"
entry_kind = "reflection"
hint = "A name and a line is enough."
"""


def config_path(tmp_path: Path) -> Path:
    own = tmp_path / "own" / "en"
    own.mkdir(parents=True)
    (own / "catalog.toml").write_text(textwrap.dedent(OWN_CATALOG), encoding="utf-8")
    path = tmp_path / "huddlebot.toml"
    text = textwrap.dedent(CONFIG).replace(
        'language = "en"\n', 'language = "en"\nprompts = "own"\n'
    )
    path.write_text(text, encoding="utf-8")
    return path


async def test_own_kinds_and_prompts_show_in_the_digest(tmp_path: Path, database_url: str) -> None:
    async with open_harness(load_config(config_path(tmp_path)), database_url) as h:
        await h.say("/prompt insights")
        await h.say("@ana Families come back when we remember their names.")
        assert "saved as an insight" in h.take()
        await h.say("/prompt gratitude")
        await h.say("@ben Priya covered my Friday shift without being asked.")
        await h.say("@cy /reflect Slower weeks help us think.")
        said = h.take()
        assert "saved as a reflection for *Who helped you?*" in said

        h.clock.set(SUNDAY + timedelta(hours=1))
        await h.say("/digest")
        digest = h.take()

    insights = digest.split("Insights from the week")[1]
    assert "Families come back when we remember their names. (Ana)" in insights
    reflections = digest.split("Other reflections")[1]
    question = reflections.index("Who made your week easier, and how?")
    assert reflections.index("Priya covered my Friday shift") > question
    assert "Slower weeks help us think." in reflections
    assert digest.index("Other reflections") < digest.index("Insights from the week")
    assert "3 people shared 3 entries" in digest

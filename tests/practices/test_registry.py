"""The practices' list: each practice can be left out, and the bot still starts, answers and
renders both digests, without that practice's verbs, buttons, digest parts or sub-commands."""

from __future__ import annotations

import textwrap
from datetime import timedelta
from pathlib import Path

import pytest

from bot.cli.main import parser
from bot.config.partnership import Config, load_config
from bot.core.router import Router
from bot.errors import ConfigError
from bot.practices.blockers.practice import Blockers
from bot.practices.protocols import (
    ContributesToHuddleDigest,
    ContributesToStewardDigest,
    HasCommands,
    HasConfigSection,
    PracticeKind,
)
from bot.practices.registry import PRACTICES, practice_commands
from tests.harness import SUNDAY, Harness, open_harness

CONFIG = """
[partnership]
name = "Riverside Partnership"
timezone = "Europe/London"
steward_digest = { cron = "0 8 * * FRI" }

[[circles]]
id = "core"
name = "Core partnership"
kind = "partnership"
rooms = [{ platform = "console", channel = "core" }]

pulse = { cron = "0 12 * * WED", window_hours = 24 }
msc = { cron = "0 10 1 * *", window_hours = 168 }

[circles.digest]
cron = "0 16 * * THU"

[[circles]]
id = "set-a"
name = "Learning set A"
kind = "learning_set"
rooms = [{ platform = "console", channel = "set-a" }]
learning_set = { cron = "0 9 * * TUE", window_hours = 24 }

[[circles]]
id = "stewards"
name = "Stewards"
kind = "stewards"
rooms = [{ platform = "console", channel = "stewards" }]
"""

WORDS = [
    "@ana /learned Families open up when the first visit is at home.",
    "@ben /learned Home visits first made the families trust us.",
    "@ana /blocker We cannot share referral forms between teams.",
    "@ben /celebrate The youth club opened on Sundays.",
]


def _without(kind: PracticeKind) -> tuple[PracticeKind, ...]:
    return tuple(k for k in PRACTICES if k is not kind)


def _config_without(kind: PracticeKind, folder: Path) -> Config:
    """The test's configuration, less the circle tables only `kind` reads."""
    tables = kind.config_sections if isinstance(kind, HasConfigSection) else ()
    lines = textwrap.dedent(CONFIG).splitlines(keepends=True)
    path = folder / "huddlebot.toml"
    path.write_text("".join(line for line in lines if line.split(" = ")[0] not in tables))
    return load_config(path)


def _owned(harness: Harness, kind: PracticeKind) -> tuple[set[str], set[str]]:
    """The verbs and buttons the practice of `kind` registers, registered on their own."""
    [practice] = [p for p in harness.bot.features if p.name == kind.name]
    alone = Router()
    practice.register(alone)
    return set(alone.verbs), set(alone.buttons)


async def _digests(harness: Harness) -> tuple[str, str]:
    for line in WORDS:
        await harness.say(line)
    end = SUNDAY + timedelta(days=4)
    huddle = await harness.bot.huddle.preview_digest("core", start=SUNDAY, end=end)
    steward = await harness.bot.huddle.preview_steward_digest(start=SUNDAY, end=end)
    return huddle, steward


def test_the_list_names_each_practice_once() -> None:
    names = [kind.name for kind in PRACTICES]
    assert len(names) == len(set(names))
    assert {"blockers", "stories", "experiments", "pulse", "learning_sets"} <= set(names)


def test_the_practices_add_their_own_sub_commands() -> None:
    assert [c.name for c in practice_commands()] == ["experiment", "forget"]
    actions = parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert {"experiment", "forget", "export", "digest"} <= set(actions)
    no_experiments = [k for k in PRACTICES if k.name != "experiments"]
    assert [c.name for c in practice_commands(no_experiments)] == ["forget"]


@pytest.mark.parametrize("left_out", PRACTICES, ids=[kind.name for kind in PRACTICES])
async def test_the_bot_runs_without_any_one_practice(
    left_out: PracticeKind, tmp_path: Path, database_url: str
) -> None:
    config = _config_without(left_out, tmp_path)
    async with open_harness(config, database_url) as whole:
        verbs, buttons = _owned(whole, left_out)
        whole_verbs = dict(whole.bot.router.verbs)
    async with open_harness(config, database_url, practices=_without(left_out), run_id="t2") as h:
        assert left_out.name not in [p.name for p in h.bot.features]
        for verb in verbs:
            kept = h.bot.router.verbs.get(verb)
            # none of the practice's verbs is left answering as the practice would
            assert kept is None or kept.handler != whole_verbs[verb].handler
        assert not buttons & set(h.bot.router.buttons)
        huddle, steward = await _digests(h)
    assert "Core partnership" in huddle and "Families open up" in huddle
    # the `blocker` verb is the blockers practice's: without it the words are not taken as one
    assert ("referral forms" in huddle) is (left_out is not Blockers)
    assert "youth club" in huddle
    assert "Riverside Partnership" in steward
    if isinstance(left_out, HasCommands):
        left = {c.name for c in practice_commands(_without(left_out))}
        assert not {c.name for c in left_out.commands} & left


@pytest.mark.parametrize("left_out", [k for k in PRACTICES if isinstance(k, HasConfigSection)])
async def test_a_table_of_a_practice_left_out_is_refused(
    left_out: PracticeKind, tmp_path: Path, database_url: str
) -> None:
    path = tmp_path / "huddlebot.toml"
    path.write_text(textwrap.dedent(CONFIG))
    with pytest.raises(ConfigError) as problem:
        async with open_harness(load_config(path), database_url, practices=_without(left_out)):
            pass
    assert "is not a key huddlebot knows here" in str(problem.value)


def test_each_practice_offers_what_the_digests_need() -> None:
    """The practices whose records the digests show say so through the capabilities."""
    offered = {
        kind.name: (
            issubclass(kind, ContributesToHuddleDigest),  # type: ignore[arg-type]
            issubclass(kind, ContributesToStewardDigest),  # type: ignore[arg-type]
        )
        for kind in PRACTICES
    }
    assert offered["blockers"] == (True, True)
    assert offered["stories"] == (True, True)
    assert offered["experiments"] == (True, True)
    assert offered["pulse"] == (True, True)
    assert offered["learning_sets"] == (False, True)
    assert offered["nominations"] == (False, False)


async def test_the_practices_read_their_own_partnership_settings(
    tmp_path: Path, database_url: str
) -> None:
    path = tmp_path / "huddlebot.toml"
    settings = (
        'steward_digest = { cron = "0 8 * * FRI" }\nblocker_flag_days = 3\nmaturity_days = 2\n'
    )
    path.write_text(
        textwrap.dedent(CONFIG).replace('steward_digest = { cron = "0 8 * * FRI" }\n', settings)
    )
    async with open_harness(load_config(path), database_url) as harness:
        [blockers] = [p for p in harness.bot.features if isinstance(p, Blockers)]
        assert blockers.flag_days == 3
        await harness.say("#core @ana /learned We listen first.")  # Ana can be asked privately
        await harness.say("#core /maturity start")
        await harness.say("/dm @ana /maturity history")
        assert "Tue 10 Mar" in harness.take()  # open for two days from Sunday 8 March, 18:00

    # without the practice that reads it, the key is refused, naming the file and the key
    with pytest.raises(ConfigError) as refused:
        async with open_harness(load_config(path), database_url, practices=_without(Blockers)):
            pass
    assert "blocker_flag_days" in str(refused.value) and str(path) in str(refused.value)


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("blocker_flag_days = 0", "should be at least 1"),
        ("maturity_days = 'a week'", "maturity_days"),
        ("maturity_dayz = 5", "maturity_days"),  # a typo is refused, with the key it resembles
    ],
)
async def test_a_wrong_practice_setting_stops_start_up_with_the_fix(
    line: str, said: str, tmp_path: Path, database_url: str
) -> None:
    path = tmp_path / "huddlebot.toml"
    path.write_text(textwrap.dedent(CONFIG).replace("[[circles]]", f"{line}\n\n[[circles]]", 1))
    with pytest.raises(ConfigError) as refused:
        async with open_harness(load_config(path), database_url):
            pass
    assert said in str(refused.value) and "partnership" in str(refused.value)

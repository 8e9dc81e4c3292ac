"""`huddlebot digest`, `export` and the list commands as a person runs them at a terminal."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.cli.test_cli import ROOT, huddlebot

BASE = ("--config", "examples/huddlebot.toml")


def chat(tmp_path: Path, *lines: str, port: int) -> str:
    """Lines typed into `huddlebot run` in the console, as people would; what it printed."""
    done = huddlebot(tmp_path, *BASE, "run", script="\n".join(lines) + "\n", port=port)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_asking_for_a_digest_twice_posts_it_once(tmp_path: Path) -> None:
    chat(
        tmp_path,
        "@ana /learned Evening sessions suit working parents.",
        "@ben /blocker The minibus insurance lapsed.",
        port=18191,
    )
    for which in (("--circle", "core"), ("--steward",)):
        first = huddlebot(tmp_path, *BASE, "digest", *which)
        assert first.returncode == 0, first.stderr
        assert "huddlebot:" in first.stdout and "digest for" in first.stdout
        again = huddlebot(tmp_path, *BASE, "digest", *which)
        assert again.returncode == 0, again.stderr
        assert "digest for" not in again.stdout and "huddlebot:" not in again.stdout
        assert "Nothing new since" in again.stdout and "no digest was posted" in again.stdout
        assert f"huddlebot digest {' '.join(which)} --dry-run" in again.stdout
    listed = huddlebot(tmp_path, *BASE, "digest", "show")
    assert listed.stdout.count("up to") == 2  # one archived digest each, not two
    assert "2 entries from 2 people" in listed.stdout
    chat(tmp_path, "@cleo /celebrate The library lent us its hall.", port=18192)
    later = huddlebot(tmp_path, *BASE, "digest", "--circle", "core")
    assert "The library lent us its hall." in later.stdout
    assert "1 person shared 1 entry." in later.stdout and "Evening sessions" not in later.stdout
    assert "1 entry from 1 person" in huddlebot(tmp_path, *BASE, "digest", "show").stdout


def test_a_digest_period_and_choice_that_make_no_sense_are_refused(tmp_path: Path) -> None:
    backwards = huddlebot(
        tmp_path,
        *BASE,
        "digest",
        "--circle",
        "core",
        "--since",
        "2026-03-10",
        "--until",
        "2026-03-01",
    )
    assert backwards.returncode == 2 and "Traceback" not in backwards.stderr
    assert "--since 2026-03-10 is after --until 2026-03-01" in backwards.stderr
    both = huddlebot(tmp_path, *BASE, "digest", "--circle", "core", "--steward", "--dry-run")
    assert both.returncode == 2 and "Traceback" not in both.stderr
    assert "pick one" in both.stderr
    assert "huddlebot:" not in both.stdout


def test_one_number_for_each_blocker_story_and_experiment(tmp_path: Path) -> None:
    said = chat(
        tmp_path,
        "@ana /learned Evening sessions suit working parents.",
        "@ben /blocker The minibus insurance lapsed.",
        "@ben /press blocker_kind #2:funding",
        "@cleo /story A dad who never came now helps run the Saturday group.",
        "#stewards @sam /blocker take 2",
        port=18193,
    )
    assert "blocker `#2`" in said and "Blocker `#2` is now taken up" in said
    assert "(number 3)" in said  # the story
    md = huddlebot(tmp_path, *BASE, "export", "--circle", "core").stdout
    assert "## learning #1" in md and "## blocker #2" in md and "## story #3" in md
    exported = huddlebot(tmp_path, *BASE, "export", "--circle", "core", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert [(r["kind"], r["id"]) for r in rows] == [
        ("learning", "1"),
        ("blocker", "2"),
        ("story", "3"),
    ]
    steward = huddlebot(tmp_path, *BASE, "digest", "--steward", "--dry-run").stdout
    assert "Blockers waiting for a steward" not in steward  # taken up already
    huddle = huddlebot(tmp_path, *BASE, "digest", "--circle", "core", "--dry-run").stdout
    assert "- `#2` The minibus insurance lapsed." in huddle


def test_files_and_terminals_read_as_people_wrote(tmp_path: Path) -> None:
    chat(
        tmp_path,
        "@ana /learned The drop-in works, today! (Plan) Ask at 10.30 #team",
        "@ben /learned <script>alert(1)</script> & *stars* _here_ [link](x)",
        "@ben /learned # not a heading",
        port=18194,
    )
    md = huddlebot(tmp_path, *BASE, "export", "--circle", "core").stdout
    assert "The drop-in works, today! (Plan) Ask at 10.30 #team" in md
    assert "\\<script>alert(1)\\</script> & \\*stars\\* \\_here\\_ \\[link\\](x)" in md
    assert "\\# not a heading" in md
    posted = huddlebot(tmp_path, *BASE, "digest", "--circle", "core")
    assert "<script>alert(1)</script> & *stars*" in posted.stdout
    shown = huddlebot(tmp_path, *BASE, "digest", "show", "--latest").stdout
    assert "<script>alert(1)</script> & *stars* _here_ [link](x)" in shown
    assert "The drop-in works, today! (Plan)" in shown
    assert "&lt;" not in shown and "\\" not in shown
    assert "== What we learned ==" in shown


def test_the_experiment_list_at_a_terminal_names_the_command(tmp_path: Path) -> None:
    chat(
        tmp_path,
        "@ana /experiment new Evening drop-in | More parents will come | @ana | 2099-05-01",
        port=18195,
    )
    listed = huddlebot(tmp_path, *BASE, "experiment", "list")
    assert listed.returncode == 0, listed.stderr
    assert "`#1` Evening drop-in" in listed.stdout
    assert "huddlebot experiment show 1" in listed.stdout
    assert "`experiment 1`" not in listed.stdout


def test_the_demo_weeks_are_checked_and_its_rooms_are_its_configs(tmp_path: Path) -> None:
    for weeks in ("-1", "0", "53", "two"):
        refused = huddlebot(tmp_path, "demo", "--weeks", weeks)
        assert refused.returncode == 2 and "Traceback" not in refused.stderr
        assert "a whole number from 1 to 52" in refused.stderr
    shown = huddlebot(tmp_path, "demo", "--weeks", "1")
    assert shown.returncode == 0, shown.stderr
    config = tomllib.loads((ROOT / "examples" / "demo.toml").read_text())
    rooms = {room["channel"] for circle in config["circles"] for room in circle["rooms"]}
    printed = {
        line.split("]")[0].lstrip("[#").split(",")[0]
        for line in shown.stdout.splitlines()
        if line.startswith("[#")
    }
    assert printed and printed <= rooms


def test_the_console_answers_you_in_plain_words(tmp_path: Path) -> None:
    said = chat(
        tmp_path, "/learned Mornings suit nobody.", "@ana /learned Evenings do.", port=18196
    )
    assert "[#core, only you see this]" in said and "only @you" not in said
    assert "[#core, only @ana sees this]" in said


def test_a_week_with_a_learning_and_a_blocker_is_not_called_quiet(tmp_path: Path) -> None:
    """After a fresh `huddlebot init`, one learning and one new blocker: the stewards' digest
    does not call the week quiet, and says where what was shared can be read."""

    def run(*args: str, script: str | None = None) -> str:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TELEGRAM_"))}
        for name in ("DATABASE_URL", "HUDDLEBOT_PORT", "HUDDLEBOT_CONFIG", "HUDDLEBOT_DATA_DIR"):
            env.pop(name, None)
        done = subprocess.run(
            [sys.executable, "-m", "bot.cli.main", *args],
            cwd=tmp_path,
            env={**env, "PYTHONPATH": str(ROOT)},
            input=script,
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL if script is None else None,
        )
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        return done.stdout

    run("init")
    run("db", "upgrade")
    before = run("digest", "--steward", "--dry-run")
    assert "A quiet week across the circles" in before  # nothing has happened yet
    run(
        "run",
        script="/learned Families prefer the evening drop-in.\n"
        "/blocker The referral form still needs a wet signature.\n",
    )
    after = run("digest", "--steward", "--dry-run")
    assert "quiet week" not in after and "nothing new to look at" not in after
    assert "Nothing here needs a steward this week" in after
    assert "1 person shared 2 entries across the circles this week." in after

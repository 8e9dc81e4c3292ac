"""`huddlebot init` and `huddlebot prompts list`."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.cli.init import Answers, ask_answers, guess_timezone, write_starter
from bot.cli.main import main
from bot.config.partnership import load_config
from bot.errors import ConfigError


def test_init_writes_a_starter_that_loads_and_says_what_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal: nothing is asked
    monkeypatch.setenv("TZ", "Europe/Lisbon")
    assert main(["init"]) == 0
    out = capsys.readouterr().out
    config = load_config(tmp_path / "huddlebot.toml")
    assert config.partnership.name == "Our partnership"
    assert config.partnership.timezone == "Europe/Lisbon"
    assert [c.id for c in config.circles] == ["core", "stewards"]
    assert "1. Try it in this terminal: huddlebot run" in out and "2. Connect Slack" in out
    assert "?" not in out.split("Wrote", 1)[0]  # no question came before it
    assert (tmp_path / "huddlebot.toml").read_text().count("#") > 20


def test_init_never_overwrites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "huddlebot.toml").write_text("# mine\n")
    assert main(["init"]) == 2
    assert "already a configuration file" in capsys.readouterr().err
    assert (tmp_path / "huddlebot.toml").read_text() == "# mine\n"
    with pytest.raises(ConfigError, match="init leaves it as it is"):
        write_starter(tmp_path, Answers("X", "UTC"))


def test_at_a_terminal_it_asks_and_checks_the_time_zone(tmp_path: Path) -> None:
    replies = iter(['Riverside "East"', "Mars/Olympus", ""])
    asked: list[str] = []

    def ask(question: str) -> str:
        asked.append(question)
        return next(replies)

    said = io.StringIO()
    answers = ask_answers(ask, suggested_zone="Europe/London", say=said)
    assert answers == Answers('Riverside "East"', "Europe/London")
    assert len(asked) == 3 and "not a time zone name" in said.getvalue()
    config = load_config(write_starter(tmp_path, answers))
    assert config.partnership.name == 'Riverside "East"'


def test_the_time_zone_guess(tmp_path: Path) -> None:
    link = tmp_path / "localtime"
    link.symlink_to("/usr/share/zoneinfo/America/Chicago")
    assert guess_timezone({}, localtime=link) == "America/Chicago"
    assert guess_timezone({"TZ": ":Asia/Tokyo"}, localtime=link) == "Asia/Tokyo"
    assert guess_timezone({"TZ": "nonsense"}, localtime=tmp_path / "none") == "UTC"


def test_prompts_list_says_where_each_comes_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["init"]) == 0
    own = tmp_path / "mine" / "en"
    (own / "templates" / "replies").mkdir(parents=True)
    (own / "templates" / "replies" / "saved.j2").write_text("Noted.\n")
    (own / "catalog.toml").write_text(
        '[prompts.gratitude]\ntitle = "Who helped you?"\nquestion = "Who?"\n'
        'entry_kind = "celebration"\nhint = "A name."\n'
    )
    monkeypatch.setenv("HUDDLEBOT_PROMPTS", "mine")
    capsys.readouterr()
    assert main(["prompts", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert f"  own:      {tmp_path / 'mine'} (set by HUDDLEBOT_PROMPTS)" in lines
    [gratitude] = [line for line in lines if line.startswith("  gratitude ")]
    assert "own" in gratitude and str(own / "catalog.toml") in gratitude
    [saved] = [line for line in lines if line.startswith("  replies/saved ")]
    assert str(own / "templates" / "replies" / "saved.j2") in saved
    [reminder] = [line for line in lines if line.startswith("  reminder ")]
    assert "built-in" in reminder and "en/templates/reminder.j2" in reminder
    assert "Prompts (7, 1 of them your own):" in lines


class _Terminal(io.StringIO):
    """Standard input at a terminal, where the person presses Ctrl-D at the first question."""

    def isatty(self) -> bool:
        return True


def test_leaving_at_a_question_writes_nothing_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.stdin", _Terminal(""))  # input() reads end of file: Ctrl-D
    assert main(["init"]) == 1
    assert "Stopped before writing anything" in capsys.readouterr().out
    assert not (tmp_path / "huddlebot.toml").exists()

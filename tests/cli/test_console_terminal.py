"""The console as a person meets it at a terminal: the real `huddlebot run` on a pseudo-terminal.

Line editing and history (arrow keys move in the line and never end up in an entry), a prompt
that shows the room and the speaker, log lines kept out of the chat (in the data folder's log),
and `/as NAME` to speak as an ordinary member. Every wait is for expected output, with a deadline.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select as select_rows

from bot.storage.models import Entry
from tests.harness import Harness

ROOT = Path(__file__).resolve().parents[2]
DEADLINE = 90.0
LEFT, RIGHT, UP = "\x1b[D", "\x1b[C", "\x1b[A"


class Terminal:
    """A pseudo-terminal with `huddlebot run` on the other side."""

    def __init__(self, folder: Path, *args: str) -> None:
        self._master, slave = os.openpty()
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("SLACK_", "TELEGRAM_", "HUDDLEBOT_")) and k != "DATABASE_URL"
        }
        env["TERM"] = "xterm"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", *args],
            cwd=folder,
            env=env,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
        )
        os.close(slave)
        self.seen = ""

    def type(self, keys: str) -> None:
        os.write(self._master, keys.encode())

    def expect(self, text: str) -> str:
        """Read until `text` has appeared since the last expect; what was read up to it."""
        end = time.monotonic() + DEADLINE
        while text not in self.seen:
            left = end - time.monotonic()
            if left <= 0:
                pytest.fail(f"no {text!r} on the terminal; it shows:\n{self.seen[-2000:]}")
            ready, _, _ = select.select([self._master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self._master, 65536)
                except OSError:  # the other side closed
                    chunk = b""
                if not chunk:
                    pytest.fail(f"the terminal closed before {text!r}:\n{self.seen[-2000:]}")
                self.seen += chunk.decode(errors="replace")
        before, _, self.seen = self.seen.partition(text)
        return before + text

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=DEADLINE)
        os.close(self._master)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    shutil.copy(ROOT / "examples" / "huddlebot.toml", tmp_path / "huddlebot.toml")
    started = Terminal(tmp_path)
    try:
        yield started
    finally:
        started.close()


def test_a_person_chats_at_a_terminal(terminal: Terminal, tmp_path: Path) -> None:
    shown = terminal.expect("#core you> ")
    assert "The log is in" in shown and "huddlebot.log" in shown

    terminal.type("/prompt learned\r")
    shown += terminal.expect("What did we learn?")
    shown += terminal.expect("#core you> ")

    terminal.type(f"We learnd{LEFT}e{RIGHT}, with arrows\r")  # a typo mended with the left arrow
    shown += terminal.expect("saved as a learning")
    shown += terminal.expect("#core you> ")

    terminal.type(f"{UP}\x15/as ana\r")  # up recalls the last line, Ctrl-U clears it
    shown += terminal.expect("ordinary member")
    shown += terminal.expect("#core ana (member)> ")
    terminal.type("/digest\r")
    shown += terminal.expect("Only stewards can use")
    shown += terminal.expect("#core ana (member)> ")

    terminal.type("/as\r")
    shown += terminal.expect("#core you> ")
    terminal.type("/digest\r")
    digest = terminal.expect("Thank you for taking the time")
    shown += digest
    # the arrow keys edited the line: none of them reached the entry
    [saved] = [line for line in digest.splitlines() if "with arrows" in line]
    assert saved.strip() == "- We learned, with arrows (You)"
    terminal.expect("#core you> ")

    terminal.type("\x04")  # Ctrl-D leaves
    assert terminal.process.wait(timeout=DEADLINE) == 0

    assert " INFO " not in shown and "alembic" not in shown  # no log line in the chat
    log = (tmp_path / "data" / "huddlebot.log").read_text(encoding="utf-8")
    assert " INFO " in log and "We learned" not in log  # the log never carries people's words


def test_verbose_keeps_the_log_in_the_terminal(tmp_path: Path) -> None:
    shutil.copy(ROOT / "examples" / "huddlebot.toml", tmp_path / "huddlebot.toml")
    terminal = Terminal(tmp_path, "--verbose")
    try:
        shown = terminal.expect("#core you> ")
        assert " INFO " in shown and "The log is in" not in shown
        terminal.type("\x04")
        assert terminal.process.wait(timeout=DEADLINE) == 0
    finally:
        terminal.close()


async def test_escape_sequences_never_reach_an_entry(harness: Harness) -> None:
    """Where no line editing runs (input from a pipe), arrow keys are dropped, not stored."""
    await harness.say("@ana /learned evening\x1b[A drop\x1b[D-ins\x1bOB suit families")
    async with harness.bot.sessions() as session:
        [text] = (await session.exec(select_rows(Entry.text))).all()
    assert text == "evening drop-ins suit families"

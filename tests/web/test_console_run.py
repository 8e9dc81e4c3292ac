"""`huddlebot run` at the console with the example configuration, as someone trying huddlebot
would: they type `/web` in the first room, open the link it prints, and see the stewards' pages,
since whoever runs the bot is a steward by right. With no HUDDLEBOT_PORT (the README's first run)
the console listens on a port the system picks, and the link carries it."""

from __future__ import annotations

import os
import queue
import socket
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from tests.web.browsing import LINK

ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("port_given", [True, False], ids=["HUDDLEBOT_PORT", "no port set"])
def test_the_operator_of_a_console_run_gets_the_stewards_pages(
    tmp_path: Path, port_given: bool
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TELEGRAM_"))}
    env.pop("DATABASE_URL", None)
    env.pop("HUDDLEBOT_PUBLIC_URL", None)
    env["HUDDLEBOT_DATA_DIR"] = str(tmp_path / "data")
    env.pop("HUDDLEBOT_PORT", None)
    if port_given:
        env["HUDDLEBOT_PORT"] = str(free_port())
    command = [sys.executable, "-m", "bot.cli.main", "--config", "examples/huddlebot.toml", "run"]
    with subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as run:
        assert run.stdin is not None and run.stdout is not None and run.stderr is not None
        lines: queue.Queue[str] = queue.Queue()
        out = run.stdout
        reader = threading.Thread(target=lambda: [lines.put(line) for line in out], daemon=True)
        reader.start()
        try:
            run.stdin.write("/web\n")
            run.stdin.flush()
            printed = ""
            while not LINK.search(printed):
                printed += lines.get(timeout=WAIT_SECONDS)
            link = LINK.findall(printed)[-1]
            with httpx.Client(base_url=link.split("/app/")[0], timeout=WAIT_SECONDS) as browser:
                assert browser.get(link).status_code == 200
                token = link.rsplit("/", 1)[1]
                assert browser.post("/app/signin", data={"token": token}).status_code == 303
                week = browser.get("/app/week")
                assert week.status_code == 200
                assert "Across the partnership (for stewards)" in week.text
                blockers = browser.get("/app/blockers")
                assert blockers.status_code == 200 and "<h1>Blockers</h1>" in blockers.text
        finally:
            run.stdin.close()
            try:
                run.wait(timeout=WAIT_SECONDS)
            finally:
                if run.poll() is None:
                    run.kill()
                    run.wait()
        reader.join(timeout=WAIT_SECONDS)
        errors = run.stderr.read()
    assert run.returncode == 0, errors
    assert "Traceback" not in errors

"""huddlebot as a package: the wheel carries its data and runs from any folder once installed.

Building the wheel and installing it into a fresh virtual environment takes tens of seconds;
`HUDDLEBOT_SKIP_PACKAGING=1` skips these tests (make test runs them). pip uses the indexes it is
configured with (on the project's machines, local ones).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import venv
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SKIP_FLAG = "HUDDLEBOT_SKIP_PACKAGING"
SOURCE_FILES = ("pyproject.toml", "README.md")
SOURCE_FOLDERS = ("bot", "adapters", "prompts", "examples", "slack")

pytestmark = pytest.mark.skipif(
    os.environ.get(SKIP_FLAG, "") not in ("", "0"),
    reason=f"{SKIP_FLAG} is set",
)


def _run(
    command: list[str], *, cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        command,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        env=dict(env) if env is not None else None,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, (
        f"{' '.join(command)} exited {done.returncode}\n"
        f"--- stdout\n{done.stdout[-4000:]}\n--- stderr\n{done.stderr[-4000:]}"
    )
    return done


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment without anything that would let the checkout leak into the install."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "VIRTUAL_ENV", "HUDDLEBOT_CONFIG", "DATABASE_URL"}
        and not key.startswith(("SLACK_", "TELEGRAM_"))
    }
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of what the Dockerfile copies, so that no earlier build's
    leftovers (setuptools reuses build/) reach it and the checkout stays as it was."""
    source = tmp_path_factory.mktemp("source")
    for name in SOURCE_FILES:
        shutil.copy2(ROOT / name, source / name)
    for name in SOURCE_FOLDERS:
        shutil.copytree(
            ROOT / name, source / name, symlinks=True, ignore=shutil.ignore_patterns("__pycache__")
        )
    out = tmp_path_factory.mktemp("wheel")
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "--wheel-dir",
            str(out),
            str(source),
        ],
        cwd=out,
        env=_clean_env(),
    )
    (built,) = out.glob("huddlebot-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `bin` folder of a fresh virtual environment with the wheel installed."""
    home = tmp_path_factory.mktemp("venv")
    venv.create(home, with_pip=True, clear=True)
    bin_dir = home / "bin"
    _run(
        [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        cwd=home,
        env=_clean_env(),
        timeout=600,
    )
    return bin_dir


def _shipped_example(bin_dir: Path, *, cwd: Path) -> str:
    """Where the installed package keeps its example huddlebot.toml."""
    done = _run(
        [
            str(bin_dir / "python"),
            "-c",
            "from bot.package_data import example; print(example('huddlebot.toml'))",
        ],
        cwd=cwd,
        env=_clean_env(),
    )
    return done.stdout.strip()


def test_the_wheel_carries_the_prompts_examples_and_migrations(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for folder in ("prompts", "examples", "slack"):
        shipped = [p for p in (ROOT / folder).rglob("*") if p.is_file()]
        assert shipped, f"{folder}/ is empty"
        for path in shipped:
            inside = f"bot/{folder}/{path.relative_to(ROOT / folder).as_posix()}"
            assert inside in names, f"{inside} is not in {wheel.name}"
    migrations = ROOT / "bot" / "storage" / "migrations"
    for path in [*migrations.glob("*.py"), *migrations.glob("versions/*.py")]:
        assert path.relative_to(ROOT).as_posix() in names
    assert "bot/storage/migrations/script.py.mako" in names
    assert "bot/__main__.py" in names
    # only the package goes in: no tests, benchmarks or links left as files
    assert not any(
        name.startswith(("tests/", "bench/", "prompts/", "examples/", "slack/")) for name in names
    )


def test_the_installed_wheel_runs_the_demo_from_an_empty_folder(
    installed: Path, tmp_path: Path
) -> None:
    done = _run(
        [str(installed / "huddlebot"), "demo", "--weeks", "1"], cwd=tmp_path, env=_clean_env()
    )
    assert "Thank you for taking the time." in done.stdout
    assert list(tmp_path.iterdir()) == []  # the demo leaves nothing behind


def test_the_installed_package_is_the_one_that_runs(installed: Path, tmp_path: Path) -> None:
    done = _run(
        [
            str(installed / "python"),
            "-c",
            "import bot, bot.app, bot.cli.demo; "
            "print(bot.__file__); print(bot.app.PROMPTS_ROOT); print(bot.cli.demo.DEMO_CONFIG)",
        ],
        cwd=tmp_path,
        env=_clean_env(),
    )
    paths = [Path(line) for line in done.stdout.splitlines()]
    home = installed.parent.resolve()
    for path in paths:
        assert path.resolve().is_relative_to(home), f"{path} is outside the installed package"
    assert (paths[1] / "en" / "catalog.toml").is_file()
    assert paths[2].is_file()


def test_python_dash_m_bot_upgrades_a_database_from_any_folder(
    installed: Path, tmp_path: Path
) -> None:
    example = _shipped_example(installed, cwd=tmp_path)
    database = tmp_path / "store" / "huddlebot.db"
    _run(
        [str(installed / "python"), "-m", "bot", "--config", example, "db", "upgrade"],
        cwd=tmp_path,
        env=_clean_env(DATABASE_URL=f"sqlite+aiosqlite:///{database}"),
    )
    assert database.is_file()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_the_installed_bot_runs_from_any_folder(installed: Path, tmp_path: Path) -> None:
    """`huddlebot run` with the shipped example starts, and leaves when its input ends."""
    example = _shipped_example(installed, cwd=tmp_path)
    done = _run(
        [str(installed / "huddlebot"), "--config", example, "run"],
        cwd=tmp_path,
        env=_clean_env(HUDDLEBOT_PORT=str(_free_port())),
    )
    assert "huddlebot is running for" in done.stderr
    assert (tmp_path / "data").is_dir()  # the SQLite file goes beside the folder it runs in


def test_the_installed_package_prints_the_slack_manifest(installed: Path, tmp_path: Path) -> None:
    done = _run([str(installed / "huddlebot"), "slack", "manifest"], cwd=tmp_path, env=_clean_env())
    assert done.stdout == (ROOT / "slack" / "manifest.yml").read_text(encoding="utf-8")

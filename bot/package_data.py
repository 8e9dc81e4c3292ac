"""The files huddlebot ships beside its code: the built-in prompt library, the examples and the
Slack app manifest.

In the repository they live at the top, in `prompts/`, `examples/` and `slack/`; the package
reaches them through `bot/prompts`, `bot/examples` and `bot/slack`, links to those folders, so a
checkout, an editable install and an installed wheel (where they are real folders inside `bot/`)
look the same to `importlib.resources`.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from bot.errors import HuddlebotError


def package_folder(name: str) -> Path:
    """The folder `name` (`prompts`, `examples` or `slack`) shipped inside the `bot` package.

    A missing folder is not checked here: what reads it names the file it could not find."""
    folder = resources.files("bot") / name
    if not isinstance(folder, Path):
        # Jinja2 and the config reader need real files, not members of an archive.
        raise HuddlebotError(
            f"huddlebot's {name}/ folder is inside an archive ({folder}); "
            "install huddlebot from its wheel so that its files are on disk"
        )
    return folder


def builtin_prompts() -> Path:
    """The built-in prompt library: one folder per language."""
    return package_folder("prompts")


def example(file_name: str) -> Path:
    """One of the example configuration files, e.g. `demo.toml`."""
    return package_folder("examples") / file_name


def slack_manifest() -> Path:
    """The Slack app manifest people paste when they create huddlebot's Slack app."""
    return package_folder("slack") / "manifest.yml"

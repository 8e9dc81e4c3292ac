"""`huddlebot prompts list`: every prompt, kind and template, and the file each comes from.

Lines from the partnership's own folder are marked `own`; the rest are `built-in`. Reading the
library checks it too: a broken file stops the command with its path and line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from bot.cli import places
from bot.package_data import builtin_prompts
from bot.text.layers import PROMPTS_ENV, Origin, OwnPrompts, own_prompts
from bot.text.library import PromptLibrary, library_for

SECTIONS = (("prompt", "Prompts"), ("kind", "Kinds of entry"), ("template", "Templates"))


def _shown(origin: Origin, builtin: Path) -> str:
    if origin.own:
        return str(origin.path)
    return (
        f"{origin.path.relative_to(builtin)}"
        if origin.path.is_relative_to(builtin)
        else str(origin.path)
    )


def describe(
    library: PromptLibrary, *, own: OwnPrompts | None, builtin: Path, output: TextIO
) -> None:
    """Write what `prompts list` shows."""
    print(f"Prompt library for language '{library.language}'", file=output)
    print(f"  built-in: {builtin}", file=output)
    if own is None:
        print(
            f'  own:      none (set {PROMPTS_ENV}, or prompts = "folder" under [partnership])',
            file=output,
        )
    else:
        print(f"  own:      {own.folder} (set by {own.named_by})", file=output)
    origins = library.origins()
    for kind, heading in SECTIONS:
        rows = sorted((o for o in origins if o.kind == kind), key=lambda o: o.name)
        mine = sum(o.own for o in rows)
        print(f"\n{heading} ({len(rows)}, {mine} of them your own):", file=output)
        width = max((len(o.name) for o in rows), default=0)
        for origin in rows:
            where = "own     " if origin.own else "built-in"
            line = f"  {origin.name.ljust(width)}  {where}  {_shown(origin, builtin)}"
            if kind == "prompt":
                line += f"  ({library.prompt(origin.name).title})"
            print(line, file=output)


def add_parser(sub: Any) -> None:
    prompts = sub.add_parser("prompts", help="the prompt library: what comes from where")
    actions = prompts.add_subparsers(dest="prompts_command", required=True, metavar="ACTION")
    actions.add_parser(
        "list", help="each prompt, kind and template, from your own folder or built in"
    )


async def run(args: argparse.Namespace) -> int:
    settings = places.settings(args)
    config = places.config(args)
    builtin = builtin_prompts()
    library = library_for(config, settings, builtin=builtin)
    describe(library, own=own_prompts(config, settings), builtin=builtin, output=sys.stdout)
    return 0

"""`huddlebot experiment list [--circle ID]` and `huddlebot experiment show ID`."""

from __future__ import annotations

import argparse
from typing import Any

from bot.errors import ConfigError
from bot.practices.experiments.ledger import experiment_view, experiments_in
from bot.practices.experiments.models import Experiment


def add_parser(sub: Any) -> None:
    """The `experiment` command's parser, on the CLI's subparsers."""
    experiment = sub.add_parser("experiment", help="list experiments, or show one and its history")
    actions = experiment.add_subparsers(dest="experiment_command", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="every experiment, those still running first")
    listing.add_argument("--circle", help="only this circle's experiments (circle id)")
    show = actions.add_parser("show", help="one experiment with its leads and history")
    show.add_argument("id", type=int, help="the experiment's number")


async def run(args: argparse.Namespace) -> int:
    from bot.cli.one_shot import cli_bot

    async with cli_bot(args, reads_only=True) as bot:
        async with bot.sessions() as session:
            if args.experiment_command == "list":
                circles = None
                if args.circle:
                    circles = [bot.config.circle(args.circle).id]  # an unknown id is explained
                listed = await experiments_in(session, circles)
                print(bot.library.render("experiments/list", {"experiments": listed}, "terminal"))
                return 0
            experiment = await session.get(Experiment, args.id)
            if experiment is None:
                raise ConfigError(
                    f"there is no experiment #{args.id}",
                    key="experiment show",
                    fix="run `huddlebot experiment list` to see the numbers",
                )
            view = await experiment_view(session, experiment)
        print(bot.library.render("experiments/show", {"experiment": view}, "terminal"))
    return 0

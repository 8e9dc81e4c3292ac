"""Experiments: a PDSA ledger. Plan with a prediction, Do, Study against it, Act on it.

An experiment is jointly owned by its leads. Each stage carries an update, stored both in the
ledger and as an `experiment_update` entry so that it reaches the huddle digest. A daily job
nudges the leads on the review date, then at most weekly while the review is overdue.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlmodel import col, select

from bot.core.messages import Body, Outgoing, ToPerson
from bot.practices.experiments import cli as experiment_cli
from bot.practices.experiments.commands import ExperimentCommands
from bot.practices.experiments.digest import ExperimentsInDigests
from bot.practices.experiments.ledger import (
    days_overdue,
    experiment_dict,
    experiment_digest,
    experiment_view,
    experiments_in,
    experiments_overdue,
    lead_ids,
)
from bot.practices.experiments.models import Experiment
from bot.practices.experiments.web import experiment_pages
from bot.practices.protocols import CliCommand
from bot.practices.services import Services
from bot.rituals.scheduler import JobSpec
from bot.rituals.timing import cron
from bot.web.pages import Page

__all__ = [
    "Experiments",
    "experiment_digest",
    "experiment_view",
    "experiments_in",
    "experiments_overdue",
]

log = logging.getLogger(__name__)


class Experiments(ExperimentCommands, ExperimentsInDigests):
    """The experiments practice: the `experiment` verb, and nudges when a review is due."""

    name = "experiments"
    commands = (CliCommand("experiment", experiment_cli.add_parser, experiment_cli.run),)

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        self._runtime = services.runtime

    def web_pages(self) -> tuple[Page, ...]:
        """Its page of the web view."""
        return experiment_pages()

    def jobs(self) -> list[JobSpec]:
        trigger = cron("0 9 * * *", self._config.partnership.timezone)
        return [JobSpec("experiments:review", trigger, self._review_job)]

    # -- the review date ------------------------------------------------------------------------

    async def _review_job(self) -> None:
        await self.nudge_leads()

    async def nudge_leads(self) -> int:
        """Remind the leads of experiments due for review: once, then at most weekly."""
        async with self._runtime.transaction() as tx:
            session, now = tx.session, tx.now
            today = self._today(now)
            week_ago = now - timedelta(days=7)
            query = select(Experiment).where(
                col(Experiment.review_date) <= today, Experiment.stage != "act"
            )
            due = [
                e
                for e in (await session.exec(query)).all()
                if e.nudged_at is None or e.nudged_at <= week_ago
            ]
            outgoing: list[Outgoing] = []
            for experiment in due:
                assert experiment.id is not None
                shown = {
                    **experiment_dict(experiment),
                    "days_overdue": days_overdue(experiment, today),
                }
                for person_id in await lead_ids(session, experiment.id):
                    outgoing.append(
                        Outgoing(
                            to=ToPerson(person_id),
                            body=Body("experiments/nudge", {"experiment": shown}),
                            key=f"experiment:nudge:{experiment.id}:{today.isoformat()}:{person_id}",
                            kind="reminder",
                        )
                    )
                experiment.nudged_at = now
                session.add(experiment)
            tx.send(outgoing)
        if due:
            log.info("nudged the leads of %d experiment(s) due for review", len(due))
        return len(due)

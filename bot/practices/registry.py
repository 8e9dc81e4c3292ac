"""The practices, each registered here explicitly, one line each.

Leaving a practice out of `PRACTICES` leaves out its verbs, buttons, jobs, digest parts and
command-line sub-commands; nothing else names it.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.config.partnership import Config
from bot.config.practice_settings import check_partnership_keys, check_sections
from bot.digests.contributions import Contributors
from bot.practices.blockers.practice import Blockers
from bot.practices.data_rights.practice import DataRights
from bot.practices.experiments.practice import Experiments
from bot.practices.learning_sets.practice import LearningSets
from bot.practices.maturity.practice import Maturity
from bot.practices.msc.practice import Msc
from bot.practices.nominations.practice import Nominations
from bot.practices.protocols import (
    CliCommand,
    HasCommands,
    HasConfigSection,
    HasPartnershipSettings,
    Practice,
    PracticeKind,
    UsesDigests,
)
from bot.practices.pulse.practice import Pulse
from bot.practices.services import Services
from bot.practices.stories.practice import Stories

PRACTICES: tuple[PracticeKind, ...] = (
    Nominations,
    Experiments,
    Blockers,
    Stories,
    DataRights,
    LearningSets,
    Maturity,
    Pulse,
    Msc,
)
"""Every practice, in the order their verbs appear in help and their digest parts are asked."""


def build_practices(
    services: Services, kinds: Sequence[PracticeKind] = PRACTICES
) -> list[Practice]:
    """Each practice of `kinds`, built; those that render digests learn who contributes.

    Raises ConfigError for a circle table or [partnership] key that no practice of `kinds` reads,
    or one a practice finds wrong."""
    check_practice_keys(services.config, kinds)
    practices = [kind(services) for kind in kinds]
    contributors = Contributors.of(practices)
    for practice in practices:
        if isinstance(practice, UsesDigests):
            practice.use_digests(contributors)
    return practices


def check_practice_keys(config: Config, kinds: Sequence[PracticeKind] = PRACTICES) -> None:
    """Raise ConfigError for a circle table or [partnership] key that no practice of `kinds`
    reads (a misspelt key, most often), naming the file, the key and the fix."""
    claimed = [
        name
        for kind in kinds
        if isinstance(kind, HasConfigSection)
        for name in kind.config_sections
    ]
    check_sections(config, claimed)
    settings = [
        key
        for kind in kinds
        if isinstance(kind, HasPartnershipSettings)
        for key in kind.partnership_settings
    ]
    check_partnership_keys(config, settings)


def practice_commands(kinds: Sequence[PracticeKind] = PRACTICES) -> list[CliCommand]:
    """The `huddlebot` sub-commands the practices add, in the list's order."""
    return [command for kind in kinds if isinstance(kind, HasCommands) for command in kind.commands]

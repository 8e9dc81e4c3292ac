"""The features built on the core, each registered here explicitly, one line each.

A feature is an object with `register(router)` (its verbs, buttons and entry hooks) and `jobs()`
(its scheduled jobs, with stable ids). It gets what it needs through `Services`.
"""

from __future__ import annotations

from bot.practices.services import Feature, Services


def build_features(services: Services) -> list[Feature]:
    """Every feature, in the order their verbs should appear in help."""
    from bot.practices.blockers.practice import Blockers
    from bot.practices.data_rights.practice import DataRights
    from bot.practices.experiments.practice import Experiments
    from bot.practices.learning_sets.practice import LearningSets
    from bot.practices.maturity.practice import Maturity
    from bot.practices.nominations.practice import Nominations
    from bot.practices.pulse.practice import Pulse
    from bot.practices.stories.practice import Stories

    features: list[Feature] = [
        Nominations(services),
        Experiments(services),
        Blockers(services),
        Stories(services),
        DataRights(services, data_dir=services.data_dir),
        LearningSets(services),
        Maturity(services),
        Pulse(services),
    ]
    return features

"""The features built on the core, each registered here explicitly, one line each.

A feature is an object with `register(router)` (its verbs, buttons and entry hooks) and `jobs()`
(its scheduled jobs, with stable ids). It gets what it needs through `Services`.
"""

from __future__ import annotations

from bot.services import Feature, Services


def build_features(services: Services) -> list[Feature]:
    """Every feature, in the order their verbs should appear in help."""
    from bot.blockers import Blockers
    from bot.data_rights import DataRights
    from bot.experiments import Experiments
    from bot.learning_sets import LearningSets
    from bot.maturity import Maturity
    from bot.nominations import Nominations
    from bot.pulse import Pulse
    from bot.stories import Stories

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

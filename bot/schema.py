"""Every module that defines tables, imported in one place so migrations see them all.

A feature keeps its tables in its own `bot/models_<feature>.py` and adds one line here; its
migration is a branch from the initial schema (`down_revision = "0001"`), applied with all heads.
"""

import bot.models
import bot.models_blockers
import bot.models_experiments
import bot.models_practices
import bot.models_rights
import bot.models_stories  # noqa: F401  (one noqa: ruff treats the imports as one)

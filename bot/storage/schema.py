"""Every module that defines tables, imported in one place so migrations see them all.

A feature keeps its tables in its own `bot/models_<feature>.py` and adds one line here; its
migration is a branch from the initial schema (`down_revision = "0001"`), applied with all heads.
"""

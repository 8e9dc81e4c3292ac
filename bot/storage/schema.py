"""Every module that defines tables, imported in one place so migrations see them all.

Migrations are one line of revisions in bot/storage/migrations/versions: a new one revises the
newest (`down_revision`), never the initial schema.
"""

"""Alembic migrations for huddlebot's schema."""

"""Themes: grouping entries that speak about the same thing, offline and deterministically."""

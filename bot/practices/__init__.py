"""Practices: each a sub-package with its own tables, verbs, buttons, jobs and digest parts."""

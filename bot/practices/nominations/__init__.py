"""Saving someone else's message for the huddle, kept only if its author agrees."""

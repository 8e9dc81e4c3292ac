"""Action learning sets: asynchronous rounds of one presenter, open questions and an action."""

"""Blockers: raised by practice, taken up by a steward, reported back where raised."""

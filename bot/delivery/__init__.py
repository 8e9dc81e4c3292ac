"""Sending the outbox: lanes per room, unreachable rooms, parts a crash left in doubt, notices."""

"""Digests: what a circle said over a period (huddle digest) and across circles (steward digest)."""

"""huddlebot: ongoing listening and reflection for systems-change partnerships."""

__version__ = "0.1.0"

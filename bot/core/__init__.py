"""The engine: events in, one unit of work, messages out. It imports no practice and no platform."""

"""Platform adapters: each module turns one platform's payloads into the core's events."""

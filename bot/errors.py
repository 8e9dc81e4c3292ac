"""Every error huddlebot raises on purpose.

    HuddlebotError
    ├── ConfigError          a config file or environment value is wrong (names file, key, fix)
    ├── TemplateError        a prompt template or catalog entry is broken (names file and line)
    ├── InputError           a person's message cannot be taken as it is (empty, too long, ...)
    └── DeliveryError        an adapter could not deliver an outgoing message
        ├── RateLimited      the platform asked us to wait `retry_after` seconds; try again later
        ├── Undeliverable    the room or person cannot be reached (removed, blocked, not invited)
        └── TransientError   a network or server failure; try again with back-off

Adapters translate their SDK's exceptions into these at the boundary, so the core never imports an
SDK to know what went wrong.
"""

from __future__ import annotations


class HuddlebotError(Exception):
    """Base of every error raised on purpose by huddlebot."""


class ConfigError(HuddlebotError):
    """A configuration problem, phrased so that a person can fix it."""

    def __init__(self, message: str, *, source: str = "", key: str = "", fix: str = "") -> None:
        self.source = source
        self.key = key
        self.fix = fix
        parts = []
        if source:
            parts.append(source)
        if key:
            parts.append(f"key '{key}'")
        where = ": ".join(parts)
        text = f"{where}: {message}" if where else message
        if fix:
            text = f"{text}\n  how to fix: {fix}"
        super().__init__(text)


class TemplateError(HuddlebotError):
    """A broken prompt template or catalog entry, with file and line."""

    def __init__(self, message: str, *, path: str = "", line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = path if line is None else f"{path}, line {line}"
        super().__init__(f"{where}: {message}" if where else message)


class InputError(HuddlebotError):
    """A person's input that cannot be taken as it is; `template` names the kind answer to give."""

    def __init__(self, template: str, **context: object) -> None:
        self.template = template
        self.context = context
        super().__init__(template)


class DeliveryError(HuddlebotError):
    """An outgoing message could not be delivered."""


class RateLimited(DeliveryError):
    """The platform asked us to wait before sending again."""

    def __init__(self, retry_after: float, message: str = "rate limited") -> None:
        self.retry_after = retry_after
        super().__init__(f"{message} (retry after {retry_after:g}s)")


class Undeliverable(DeliveryError):
    """The destination cannot be reached until a person acts; `hint` says what they should do."""

    def __init__(self, reason: str, *, hint: str = "") -> None:
        self.reason = reason
        self.hint = hint
        super().__init__(f"{reason}: {hint}" if hint else reason)


class TransientError(DeliveryError):
    """A failure worth retrying after a pause."""

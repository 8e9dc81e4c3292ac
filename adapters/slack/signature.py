"""Slack's request signature, checked on the raw bytes before anything reads the body.

Slack signs `v0:{timestamp}:{body}` with the app's signing secret (HMAC-SHA256) and sends the
timestamp and `v0=<hex>` in headers. A request is genuine when the timestamp is a plain ASCII
integer within `MAX_AGE` seconds of now and the signature matches (compared in constant time).
Anything else, a missing, empty, non-numeric or non-ASCII timestamp included, is not.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Mapping

MAX_AGE = 5 * 60
"""Seconds a signed request stays valid, as Slack advises (replays older than this fail)."""

TIMESTAMP_HEADER = "x-slack-request-timestamp"
SIGNATURE_HEADER = "x-slack-signature"

_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")

Now = Callable[[], float]
"""Seconds since the epoch."""


class RequestSignature:
    """Checks Slack's signature headers against one signing secret."""

    def __init__(self, secret: str, *, now: Now) -> None:
        self._secret = secret.encode()
        self._now = now

    def problem(self, body: bytes, headers: Mapping[str, str]) -> str | None:
        """None when `body` and `headers` are Slack's; otherwise why not, naming no content."""
        timestamp = headers.get(TIMESTAMP_HEADER, "")
        signature = headers.get(SIGNATURE_HEADER, "")
        if not _TIMESTAMP.fullmatch(timestamp):
            return "no readable timestamp"
        if abs(self._now() - int(timestamp)) > MAX_AGE:
            return "the timestamp is over five minutes away"
        if not _SIGNATURE.fullmatch(signature):
            return "no readable signature"
        base = b"v0:" + timestamp.encode("ascii") + b":" + body
        expected = "v0=" + hmac.new(self._secret, base, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected.encode("ascii"), signature.encode("ascii")):
            return "the signature does not match"
        return None

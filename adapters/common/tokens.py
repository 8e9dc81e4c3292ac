"""The start-up check every platform makes of its token: ask the platform who the bot is.

A token the platform refuses stops start-up as a configuration error naming the setting and the
fix; a platform that cannot be reached stops it as a transient error saying where it was asked.
Each adapter says how to ask and how to read its SDK's errors; this module says what they mean.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from adapters.common.settings import SOURCE
from bot.errors import ConfigError, TransientError


@dataclass(frozen=True, slots=True)
class TokenCheck:
    """How one platform's token is checked at start-up, and how its failures are told."""

    title: str
    """The platform's name as people read it ("Slack")."""
    key: str
    """The environment variable that holds the token."""
    fix: str
    """What to do when the platform refuses it."""
    errors: tuple[type[Exception], ...]
    """The SDK's errors that a failed check raises."""
    refused: Callable[[Exception], str | None]
    """The platform's reason when an error means the token was refused, else None."""
    describe: Callable[[Exception], str]
    """A short description of any other failure, for the log and the error."""


async def check_token(ask: Awaitable[object], check: TokenCheck, *, where: str = "") -> None:
    """Await `ask` (the platform's "who am I"), telling a refused token from an unreachable
    platform; `where` names the address that was asked, when the person may have set it."""
    try:
        await ask
    except check.errors as error:
        reason = check.refused(error)
        if reason is not None:
            said = f" ({reason})" if reason else ""
            raise ConfigError(
                f"{check.title} did not accept the bot token{said}",
                source=SOURCE,
                key=check.key,
                fix=check.fix,
            ) from error
        at = f" at {where}" if where else ""
        raise TransientError(
            f"could not reach {check.title}{at}: {check.describe(error)}"
        ) from error

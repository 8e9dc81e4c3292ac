"""`huddlebot forget --replay`: after a restore from backup, apply every logged erasure again."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot.digests.contributions import Contributors
from bot.digests.rewriting import ArchivedDigests
from bot.practices.data_rights.erasure import ErasureLog, replay_erasures

if TYPE_CHECKING:
    from bot.app import Bot


def add_forget_parser(sub: Any) -> None:
    forget = sub.add_parser("forget", help="apply every logged erasure again (after a restore)")
    forget.add_argument(
        "--replay", action="store_true", required=True, help="apply the erasure log again"
    )


async def forget_command(args: Any) -> int:
    """`huddlebot forget --replay`: after restoring a backup, forget everyone who asked again."""
    from bot.cli.one_shot import cli_bot

    async with cli_bot(args) as bot:
        again = await replay_logged_erasures(bot, now=datetime.now(UTC))
    if again:
        print(f"Applied {len(again)} erasure(s) again.")
    else:
        print("Every logged erasure is still in place; nothing needed doing.")
    return 0


async def replay_logged_erasures(bot: Bot, *, now: datetime) -> list[int]:
    """Apply every logged erasure again on `bot`'s database; returns the ids that needed it.

    The archived digests they appeared in are written again with every practice's parts."""
    from bot.practices.data_rights.practice import DataRights

    running_logs = [f.erasure_log.path for f in bot.features if isinstance(f, DataRights)]
    log_file = ErasureLog(bot.settings.data_dir / "erasures.log", also=running_logs)
    archive = ArchivedDigests(bot.config, bot.library, Contributors.of(bot.features))
    return await replay_erasures(
        bot.sessions, log_file, mode=bot.config.partnership.erasure, now=now, archive=archive
    )

"""`huddlebot check` for Telegram: is the token accepted (`getMe`), what privacy mode means for
the groups, is each configured chat reachable (`getChat`), and is the webhook set where one is
configured (`getWebhookInfo`)? Nothing is sent to anyone."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, TelegramError

from adapters.telegram.privacy import privacy_mode
from bot.core.ports import Finding, RoomToCheck

SUBJECT = "Telegram"


async def check_telegram(
    bot: Bot, rooms: Sequence[RoomToCheck], *, webhook_url: str | None
) -> list[Finding]:
    """One finding for the token, one for privacy mode, one per chat, one for the webhook."""
    try:
        await bot.initialize()  # getMe
    except InvalidToken:
        return [
            Finding(
                SUBJECT,
                "Telegram did not accept TELEGRAM_BOT_TOKEN",
                problem=True,
                fix="copy the token again from @BotFather",
            )
        ]
    except TelegramError as error:
        return [
            Finding(
                SUBJECT,
                f"could not reach Telegram ({error.message})",
                problem=True,
                fix="check the network, and TELEGRAM_API_URL if you set it",
            )
        ]
    try:
        me = bot.bot
        found = [
            Finding(SUBJECT, f"token accepted: the bot is @{me.username}"),
            Finding(SUBJECT, privacy_mode(me)),
        ]
        for room in rooms:
            found.append(await _chat(bot, room))
        if webhook_url:
            found.append(await _webhook(bot, webhook_url))
        return found
    finally:
        await bot.shutdown()


async def _chat(bot: Bot, room: RoomToCheck) -> Finding:
    where = f"chat {room.chat} ({room.circle})"
    try:
        chat = await bot.get_chat(chat_id=_chat_id(room.chat))
    except ChatMigrated as moved:
        new = moved.new_chat_id
        return Finding(
            SUBJECT,
            f"{where}: this group became a supergroup with the chat id {new}",
            problem=True,
            fix=f'in the configuration, change chat = "{room.chat}" to chat = "{new}" (the '
            "running bot already posts there once it has seen the change)",
        )
    except Forbidden:
        return Finding(
            SUBJECT,
            f"{where}: the bot was removed from this chat",
            problem=True,
            fix="add the bot to the group again",
        )
    except BadRequest as error:
        if "not found" in error.message.lower():
            return Finding(
                SUBJECT,
                f"{where}: Telegram knows no chat with this id that the bot is in",
                problem=True,
                fix="add the bot to the group, and check the chat id in the configuration",
            )
        return Finding(SUBJECT, f"{where}: Telegram answered {error.message}", problem=True)
    except TelegramError as error:
        return Finding(SUBJECT, f"{where}: could not ask Telegram ({error.message})", problem=True)
    title = f' "{chat.title}"' if chat.title else ""
    return Finding(SUBJECT, f"{where}: reachable, the {chat.type}{title}")


async def _webhook(bot: Bot, expected: str) -> Finding:
    try:
        info = await bot.get_webhook_info()
    except TelegramError as error:
        return Finding(
            SUBJECT, f"could not ask Telegram about the webhook ({error.message})", problem=True
        )
    start = "start the bot (huddlebot run): it sets the webhook as it starts"
    if not info.url:
        return Finding(SUBJECT, "no webhook is set yet", problem=True, fix=start)
    if info.url != expected:
        return Finding(
            SUBJECT,
            f"the webhook points at {info.url}, not at {expected}",
            problem=True,
            fix=start,
        )
    if info.last_error_message:
        return Finding(
            SUBJECT,
            f"the webhook is set to {expected}, but Telegram could not deliver to it lately: "
            f"{info.last_error_message}",
            problem=True,
            fix="check that the address answers over HTTPS and leads to huddlebot's web app",
        )
    return Finding(
        SUBJECT,
        f"the webhook is set to {expected} ({info.pending_update_count} update(s) waiting)",
    )


def _chat_id(chat: str) -> int | str:
    try:
        return int(chat)
    except ValueError:
        return chat

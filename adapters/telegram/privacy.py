"""What BotFather's privacy mode means for huddlebot, as `getMe` reports it
(`can_read_all_group_messages`): said in the log at start and by `huddlebot check`."""

from __future__ import annotations

from telegram import User

PRIVACY_ON = (
    "privacy mode is on (getMe: can_read_all_group_messages is false): in groups the bot "
    "receives commands, replies to its own messages and service messages, not everyday "
    "conversation. That is all huddlebot needs: its prompts and learning set rounds ask people "
    "to reply to the bot's message, or to use a command such as /learned"
)
PRIVACY_OFF = (
    "privacy mode is off (getMe: can_read_all_group_messages is true): the bot receives every "
    "message in its groups. huddlebot keeps only what is meant for it, and, in a learning set's "
    "group, what is said during a round (it stays in the set)"
)


def privacy_mode(me: User) -> str:
    """What the bot's privacy mode is and what it means, in one sentence or two."""
    return PRIVACY_OFF if me.can_read_all_group_messages else PRIVACY_ON

"""The Telegram adapter: python-telegram-bot in and out."""

"""Telegram adapter on python-telegram-bot: anonymous private chats to the dialogue engine."""

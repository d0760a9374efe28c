"""Sizes both runtimes agree on, each written once."""

from __future__ import annotations

from typing import Final

# Telegram carries at most 4,096 characters in a message (counted after HTML entities are parsed).
TELEGRAM_MAX_CHARS: Final = 4096
# A message read by the triage or relayed between a person and a volunteer is cut here: the
# relay's header ("#K7Q2 : ", the volunteer's signature) must still fit in one Telegram message.
MAX_MESSAGE_CHARS: Final = 4000

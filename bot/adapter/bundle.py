"""One turn's replies in as few Telegram messages as read well.

Telegram lets a bot send about 30 messages per second in all, and Relais answers a turn with
two to four texts (acknowledgement, step, menu): on the night two hundred people write at
once, separate messages would hit that cap long before the machine is busy. Consecutive
texts are joined into one message, a blank line apart, up to the first one that carries
buttons (buttons belong under the words they answer) and within Telegram's 4,096
characters. The order is kept: emergency contacts stay at the top of the first message.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.engine import BotMessage
from core.limits import TELEGRAM_MAX_CHARS

SEPARATOR = "\n\n"


def bundle(messages: Sequence[BotMessage], limit: int = TELEGRAM_MAX_CHARS) -> list[BotMessage]:
    """``messages`` joined into the fewest that keep buttons last and each text within ``limit``."""
    out: list[BotMessage] = []
    for message in messages:
        if not message.text.strip() and not message.buttons:
            continue  # nothing to read
        last = out[-1] if out else None
        if (
            last is not None
            and not last.buttons
            and len(last.text) + len(SEPARATOR) + len(message.text) <= limit
        ):
            out[-1] = BotMessage(last.text + SEPARATOR + message.text, list(message.buttons))
        else:
            out.append(message)
    return out

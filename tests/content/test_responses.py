"""Lint of responses/: every key the code can pick exists, fits Telegram, has no placeholder."""

from __future__ import annotations

import re

import pytest

from actions.core.labels import SITUATIONS
from actions.core.replies import CRISIS_REPLY, DEGRADED_REPLY, FALLBACK_REPLY, NONE_REPLIES
from bot.responses import load_responses

TELEGRAM_MAX_CHARS = 4096
EMERGENCY_NUMBERS = ("112", "17", "3114", "119")


def keys_the_code_can_pick() -> set[str]:
    situation_keys = {f"utter_{s}_ack" for s in SITUATIONS if s != "none"}
    return situation_keys | set(NONE_REPLIES.values()) | {CRISIS_REPLY, DEGRADED_REPLY, FALLBACK_REPLY}


@pytest.mark.parametrize("key", sorted(keys_the_code_can_pick()))
def test_every_key_the_code_uses_exists(key: str) -> None:
    assert key in load_responses()


@pytest.mark.parametrize(("key", "text"), sorted(load_responses().items()))
def test_every_text_fits_and_is_filled(key: str, text: str) -> None:
    assert 0 < len(text) <= TELEGRAM_MAX_CHARS
    assert not re.search(r"\{[a-z_]+\}", text), f"{key} has an unfilled placeholder"


def test_the_crisis_reply_carries_the_emergency_contacts() -> None:
    text = load_responses()[CRISIS_REPLY]
    for number in EMERGENCY_NUMBERS:
        assert re.search(rf"\b{number}\b", text), number


def test_the_degraded_reply_carries_emergency_numbers() -> None:
    text = load_responses()[DEGRADED_REPLY]
    assert "112" in text and "3114" in text

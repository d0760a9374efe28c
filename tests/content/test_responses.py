"""Lint of responses/: every key the code can pick exists, fits Telegram, has no placeholder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from actions.core.helplines import default_directory
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


def every_variation() -> list[tuple[str, str]]:
    """(key, text) of every variation of every response, conditional ones included."""
    pairs = []
    for path in sorted((Path(__file__).resolve().parents[2] / "responses").glob("*.yml")):
        for key, variations in (yaml.safe_load(path.read_text("utf-8")).get("responses") or {}).items():
            pairs += [(key, v["text"]) for v in variations]
    return pairs


@pytest.mark.parametrize(("key", "text"), every_variation())
@pytest.mark.parametrize("country", sorted(default_directory().countries))
def test_every_text_once_filled_fits_and_has_no_placeholder_left(key: str, text: str, country: str) -> None:
    filled = default_directory().fill(text, country)
    assert 0 < len(filled) <= TELEGRAM_MAX_CHARS
    assert "{" not in filled and "}" not in filled, f"{key} keeps a placeholder in {country}"


def test_the_crisis_reply_carries_the_emergency_contacts() -> None:
    text = load_responses()[CRISIS_REPLY]
    for number in EMERGENCY_NUMBERS:
        assert re.search(rf"\b{number}\b", text), number


def test_the_degraded_reply_carries_emergency_numbers() -> None:
    text = load_responses()[DEGRADED_REPLY]
    assert "112" in text and "3114" in text


@pytest.mark.parametrize(("key", "text"), every_variation())
def test_no_placeholder_with_a_lower_case_value_opens_a_sentence(key: str, text: str) -> None:
    # Rasa fills placeholders as they are: "le 3018" must not open a sentence.
    for match in re.finditer(r"(^|[.!?]\s+|\n)\{([a-z_]+)\}", text):
        values = [default_directory().placeholders(c)[match[2]] for c in default_directory().countries]
        assert all(v[:1].isupper() for v in values), f"{key}: {{{match[2]}}} opens a sentence"

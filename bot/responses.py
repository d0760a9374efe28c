"""Read the words of responses/*.yml for the replies the adapter sends on its own."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.content import RESPONSES_DIR, responses_by_file
from core.decide import degraded_triage
from core.helplines import default_directory
from core.replies import degraded_reply_keys
from core.replies import in_register as variant_for

_VALUE = re.compile(r"\{([a-z_]+)\}")


@lru_cache(maxsize=1)
def load_responses(directory: Path = RESPONSES_DIR) -> dict[str, str]:
    """Response key → first text variant, from every responses file."""
    return {
        key: str(variants[0]["text"])
        for responses in responses_by_file(directory).values()
        for key, variants in responses.items()
        if variants and isinstance(variants[0], dict) and "text" in variants[0]
    }


@lru_cache(maxsize=1)
def load_buttons(directory: Path = RESPONSES_DIR) -> dict[str, list[tuple[str, str]]]:
    """Response key → (title, payload) of the buttons of its first variant."""
    return {
        key: [(str(b["title"]), str(b["payload"])) for b in variants[0]["buttons"]]
        for responses in responses_by_file(directory).values()
        for key, variants in responses.items()
        if variants and isinstance(variants[0], dict) and variants[0].get("buttons")
    }


def render(key: str, country: str, **values: object) -> str:
    """A response with its helplines and the adapter's values filled, in one pass.

    Values are inserted as they are and never scanned again, so a relayed text that
    contains braces stays what the person wrote.
    """
    text = filled(key, country)
    return _VALUE.sub(lambda m: str(values[m[1]]) if m[1] in values else m[0], text)


def filled(key: str, country: str) -> str:
    """The text of one response with the helplines of ``country`` in its placeholders."""
    return default_directory().fill(text_of(key), country)


def degraded_reply(text: str, country: str) -> tuple[dict[str, Any], list[str]]:
    """Engine down: the local crisis lexicon's triage, and the texts to send (contacts first)."""
    triage = degraded_triage(text).as_dict()
    return triage, [filled(key, country) for key in degraded_reply_keys(triage)]


def in_register(key: str, audience: str | None) -> str:
    """The variant of a response for who is writing, if responses/ has one (a parent keeps the vous)."""
    return variant_for(key, audience, load_responses())


def text_of(key: str) -> str:
    """The text of one response; a missing key is a bug caught by tests/content."""
    return load_responses()[key]

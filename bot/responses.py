"""Read the words of responses/*.yml for the replies the adapter sends on its own."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from core.decide import degraded_triage
from core.helplines import default_directory
from core.replies import degraded_reply_keys
from core.replies import in_register as variant_for

RESPONSES_DIR = Path(__file__).resolve().parents[1] / "responses"
_VALUE = re.compile(r"\{([a-z_]+)\}")


@lru_cache(maxsize=1)
def load_responses(directory: Path = RESPONSES_DIR) -> dict[str, str]:
    """Response key → first text variant, from every responses file."""
    texts: dict[str, str] = {}
    for path in sorted(directory.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, variants in (data.get("responses") or {}).items():
            if variants and isinstance(variants[0], dict) and "text" in variants[0]:
                texts[key] = str(variants[0]["text"])
    return texts


@lru_cache(maxsize=1)
def load_buttons(directory: Path = RESPONSES_DIR) -> dict[str, list[tuple[str, str]]]:
    """Response key → (title, payload) of the buttons of its first variant."""
    buttons: dict[str, list[tuple[str, str]]] = {}
    for path in sorted(directory.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, variants in (data.get("responses") or {}).items():
            if variants and isinstance(variants[0], dict) and variants[0].get("buttons"):
                buttons[key] = [(str(b["title"]), str(b["payload"])) for b in variants[0]["buttons"]]
    return buttons


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

"""The triage label contract (see docs/labels.md): exact values shared by every layer."""

from __future__ import annotations

from typing import Final

SITUATIONS: Final = (
    "sextortion",
    "harassment",
    "grooming",
    "image_sharing",
    "impersonation",
    "doxxing",
    "none",
)
# Ordered from least to most urgent: comparisons use the index.
URGENCIES: Final = ("low", "medium", "high", "critical")
AUDIENCES: Final = ("victim", "parent", "witness", "unknown")

NONE: Final = "none"
CRITICAL: Final = "critical"
HIGH: Final = "high"


def situation_of_intent(intent: str | None) -> str:
    """Map an NLU intent to a situation: situation intents carry their own name, others are none."""
    if intent in SITUATIONS:
        return intent
    return NONE


def max_urgency(*levels: str) -> str:
    """The most urgent of the given levels (unknown values are ignored)."""
    known = [u for u in levels if u in URGENCIES]
    return max(known, key=URGENCIES.index) if known else "low"

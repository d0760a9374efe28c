"""Which advice step comes next: pure decisions over the response keys of the domain."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

STEP_AUDIENCES = ("victim", "parent", "witness")
# Below this situation confidence, the user confirms the situation with buttons.
CONFIRM_BELOW = 0.55


def step_audience(audience: str | None) -> str:
    """Steps exist for victims, parents and witnesses; an unknown writer gets the victim's."""
    return audience if audience in STEP_AUDIENCES else "victim"


def step_keys(responses: Mapping[str, Any], situation: str, audience: str | None) -> list[str]:
    """The ordered response keys of the steps for this situation and audience."""
    pattern = re.compile(rf"utter_{re.escape(situation)}_{step_audience(audience)}_(\d+)")
    numbered = [(int(m[1]), key) for key in responses if (m := pattern.fullmatch(key))]
    return [key for _, key in sorted(numbered)]


def age_matters(responses: Mapping[str, Any], situation: str) -> bool:
    """True when some step of the situation has a variation that depends on the age."""
    prefix = f"utter_{situation}_"
    return any(
        variation.get("condition")
        for key, variations in responses.items()
        if key.startswith(prefix)
        for variation in variations or []
    )


def minor_from_age(age: Any) -> bool | None:
    """An age entity as the `minor` slot: under 18, adult, or unknown."""
    try:
        return int(age) < 18
    except (TypeError, ValueError):
        return None


def step_text(responses: Mapping[str, Any], key: str, minor: bool | None) -> str:
    """The variation of a step for this age: the adult one only when the user is known to be 18+.

    Unknown age gets the default variation, written for minors: the safer advice.
    """
    variations = list(responses.get(key) or [])
    for variation in variations:
        for condition in variation.get("condition") or []:
            if condition.get("name") == "minor" and condition.get("value") is minor and minor is not None:
                return str(variation["text"])
    default = next((v for v in variations if not v.get("condition")), variations[0] if variations else None)
    if default is None:
        raise KeyError(key)
    return str(default["text"])

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


# A typed answer to "la personne concernée a-t-elle moins de 18 ans ?" (folded text).
_AGE_ALONE = re.compile(
    r"^(?:j ai |moi |g |il a |elle a |y a |i a |i m |im |i am |je suis |il est |elle est )?"
    r"(\d{1,2})(?: ?ans?| ?yo| years?(?: old)?)?$"
)
# "j'ai quatorze ans": ages a person may spell out.
_AGE_WORDS = {
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "treize": 13,
    "quatorze": 14,
    "quinze": 15,
    "seize": 16,
    "dix sept": 17,
    "dix huit": 18,
    "dix neuf": 19,
    "vingt": 20,
    "vingt et un": 21,
    "vingt deux": 22,
}
_AGE_SPELLED = re.compile(r"\b(" + "|".join(sorted(_AGE_WORDS, key=len, reverse=True)) + r") ans\b")
_MINOR_WORDS = re.compile(r"\b(?:mineure?s?|moins de 18|pas majeure?)\b")
_ADULT_WORDS = re.compile(r"\b(?:majeure?s?|adultes?|plus de 18|18 ans ou plus)\b")
_UNKNOWN_WORDS = re.compile(r"\b(?:je sais pas|sais pas|jsp|aucune idee|prefere pas|pas dire|je dirai pas)\b")


def typed_minor_answer(folded: str, intent: str | None, age: Any = None) -> tuple[bool, bool | None]:
    """(answered, minor) for a typed answer to the age question; (False, None) if it is not one.

    The question asks whether the person is *under* 18: "oui" means a minor, "non" an adult,
    "je sais pas" is an answer too (the default advice, written for minors, follows).
    """
    if (value := minor_from_age(age)) is not None:
        return True, value
    if match := _AGE_ALONE.match(folded.strip()):
        return True, int(match[1]) < 18
    if match := _AGE_SPELLED.search(folded):
        return True, _AGE_WORDS[match[1]] < 18
    if _MINOR_WORDS.search(folded):
        return True, True
    if _ADULT_WORDS.search(folded):
        return True, False
    if _UNKNOWN_WORDS.search(folded):
        return True, None
    if intent in ("affirm", "deny") and re.search("[a-z]", folded):  # "😭😭😭" is no "yes"
        return True, intent == "affirm"
    return False, None

"""Lint of responses/: every key the code can pick exists, fits Telegram, has no placeholder."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.responses import load_responses
from core.helplines import default_directory
from core.labels import SITUATIONS
from core.limits import TELEGRAM_MAX_CHARS
from core.replies import CRISIS_REPLY, DEGRADED_REPLY, FALLBACK_REPLY, NONE_REPLIES

EMERGENCY_NUMBERS = ("112", "17", "3114", "119")


def keys_the_code_can_pick() -> set[str]:
    situation_keys = {
        f"utter_{s}_ack{x}" for s in SITUATIONS if s != "none" for x in ("", "_parent", "_witness")
    }
    return situation_keys | set(NONE_REPLIES.values()) | {CRISIS_REPLY, DEGRADED_REPLY, FALLBACK_REPLY}


@pytest.mark.parametrize("key", sorted(keys_the_code_can_pick()))
def test_every_key_the_code_uses_exists(key: str) -> None:
    assert key in load_responses()


def every_variation() -> list[tuple[str, dict[str, Any]]]:
    """(key, variation) of every variation of every response, conditional ones included."""
    pairs = []
    for path in sorted((Path(__file__).resolve().parents[2] / "responses").glob("*.yml")):
        for key, variations in (yaml.safe_load(path.read_text("utf-8")).get("responses") or {}).items():
            pairs += [(key, v) for v in variations]
    return pairs


def action_values(variation: dict[str, Any]) -> dict[str, str]:
    """Sample values for the placeholders an action fills (templates and lists)."""
    meta = variation.get("metadata") or {}
    names = [
        *(meta.get("template") or []),
        *(meta.get("filled_by_action") or []),
        *(meta.get("filled_by_adapter") or []),
    ]
    return {name: "X" for name in names}


@pytest.mark.parametrize(
    ("key", "variation"), every_variation(), ids=lambda x: x if isinstance(x, str) else ""
)
@pytest.mark.parametrize("country", sorted(default_directory().countries))
def test_every_text_once_filled_fits_and_has_no_placeholder_left(
    key: str, variation: dict[str, Any], country: str
) -> None:
    filled = default_directory().fill(variation["text"], country)
    for name, value in action_values(variation).items():
        filled = filled.replace("{" + name + "}", value)
    assert 0 < len(filled) <= TELEGRAM_MAX_CHARS
    assert "{" not in filled and "}" not in filled, f"{key} keeps a placeholder in {country}"


@pytest.mark.parametrize(
    ("key", "variation"), every_variation(), ids=lambda x: x if isinstance(x, str) else ""
)
def test_every_placeholder_is_one_the_adapter_can_fill(key: str, variation: dict[str, Any]) -> None:
    """bot.responses.render fills {lower_case_words} only: « {p50} » would reach a volunteer as is."""
    for name in re.findall(r"\{([^{}]*)\}", variation["text"]):
        assert re.fullmatch(r"[a-z_]+", name), f"{key}: {{{name}}} is not filled by render"


def test_every_register_variant_offers_the_same_buttons_as_its_base() -> None:
    """A parent must be able to do what a teen can: « Annuler ma demande » under « Votre demande est
    dans la file » was lost once by a response inserted between the text and its buttons."""
    raw: dict[str, Any] = {}
    for path in sorted(Path("responses").glob("*.yml")):
        raw |= (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {}

    def payloads(key: str) -> list[list[str]]:
        return [[b["payload"] for b in v.get("buttons") or []] for v in raw[key]]

    for key in raw:
        for suffix in ("_parent", "_witness"):
            if key.endswith(suffix) and key.removesuffix(suffix) in raw:
                assert payloads(key) == payloads(key.removesuffix(suffix)), key


def test_the_crisis_reply_carries_the_emergency_contacts() -> None:
    text = default_directory().fill(load_responses()[CRISIS_REPLY], "FR")
    for number in EMERGENCY_NUMBERS:
        assert re.search(rf"\b{number}\b", text), number


@pytest.mark.parametrize("country", sorted(default_directory().countries))
@pytest.mark.parametrize("key", [CRISIS_REPLY, DEGRADED_REPLY])
def test_crisis_and_degraded_replies_give_the_emergency_number_of_every_country(
    key: str, country: str
) -> None:
    text = default_directory().fill(load_responses()[key], country)
    assert default_directory().placeholders(country)["emergency"] in text
    assert default_directory().placeholders(country)["suicide"] in text


@pytest.mark.parametrize(
    ("key", "variation"), every_variation(), ids=lambda x: x if isinstance(x, str) else ""
)
def test_no_placeholder_with_a_lower_case_value_opens_a_sentence(key: str, variation: dict[str, Any]) -> None:
    # Rasa fills placeholders as they are: "le 3018" must not open a sentence.
    for match in re.finditer(r"(^|[.!?]\s+|\n)\{([a-z_]+)\}", variation["text"]):
        if match[2] in action_values(variation):
            continue
        values = [default_directory().placeholders(c)[match[2]] for c in default_directory().countries]
        assert all(v[:1].isupper() for v in values), f"{key}: {{{match[2]}}} opens a sentence"


def test_every_response_key_named_in_the_actions_exists() -> None:
    named = set()
    for path in (Path(__file__).resolve().parents[2] / "actions").rglob("*.py"):
        named |= set(re.findall(r'"(utter_[a-z_]+)"', path.read_text("utf-8")))
    assert named, "the scan found no key: the test would prove nothing"
    assert named - set(load_responses()) == set()


# Tutoiement for teens and friends, vouvoiement for parents and educators (the register lint).
TU = re.compile(r"\b(?:tu|te|toi|ton|ta|tes|t'(?!y a))\b|\b\w+-toi\b", re.IGNORECASE)
VOUS = re.compile(r"\b(?:vous|votre|vos)\b|\b\w+ez\b(?<!\bchez)(?<!\bassez)(?<!\bnez)", re.IGNORECASE)
# A plural, not a vous: "demande à ton adulte de confiance… ou allez-y ensemble".
REGISTER_EXCEPTIONS = {"utter_image_sharing_victim_6"}


def register_of(key: str) -> str | None:
    if key.endswith("_parent") or "_parent_" in key:
        return "vous"
    if key.startswith(("utter_volunteer_", "utter_adapter_")) or key.endswith("_button"):
        return None  # volunteers' texts, and adapter notices said before we know who writes
    if (
        key.endswith("_witness")
        or "_witness_" in key
        or "_victim_" in key
        or key.startswith(("utter_general_", "utter_faq_", "utter_handoff_"))
    ):
        return "tu"
    return None


@pytest.mark.parametrize(
    ("key", "variation"), every_variation(), ids=lambda x: x if isinstance(x, str) else ""
)
def test_every_text_keeps_the_register_of_who_it_is_written_for(key: str, variation: dict[str, Any]) -> None:
    register = register_of(key)
    if register is None or key in REGISTER_EXCEPTIONS:
        return
    text = re.sub(r"«[^»]*»|\{[a-z_]+\}", "", variation["text"])  # quotes and filled values are not ours
    wrong = (TU if register == "vous" else VOUS).findall(text)
    assert not wrong, f"{key} is written in {register}, but says {wrong}"


def test_the_register_lint_sees_a_mismatch() -> None:
    assert TU.findall("Appelez le 3018 avec ton enfant.") == ["ton"]
    assert VOUS.findall("Parles-en à un adulte, puis contactez le 3018.") == ["contactez"]
    assert not VOUS.findall("Va chez un adulte, tu en as assez fait.")

"""The advice steps: complete for every situation and audience, sourced, and never unsafe."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from actions.core.labels import SITUATIONS
from actions.core.normalize import basic_fold

ROOT = Path(__file__).resolve().parents[2]
AUDIENCES = ("victim", "parent", "witness")
FORBIDDEN = yaml.safe_load((Path(__file__).parent / "forbidden_advice.yml").read_text("utf-8"))["patterns"]


def steps(situation: str) -> dict[str, list[dict]]:
    data = yaml.safe_load((ROOT / "responses" / f"{situation}.yml").read_text("utf-8"))["responses"]
    return {k: v for k, v in data.items() if re.fullmatch(rf"utter_{situation}_(victim|parent|witness)_\d+", k)}


def all_variations() -> list[tuple[str, dict]]:
    return [(k, v) for s in SITUATIONS if s != "none" for k, vs in steps(s).items() for v in vs]


@pytest.mark.parametrize("situation", [s for s in SITUATIONS if s != "none"])
@pytest.mark.parametrize("audience", AUDIENCES)
def test_every_situation_and_audience_has_4_to_7_ordered_steps(situation: str, audience: str) -> None:
    numbers = sorted(int(k.rsplit("_", 1)[1]) for k in steps(situation) if f"_{audience}_" in k)
    assert 4 <= len(numbers) <= 7
    assert numbers == list(range(1, len(numbers) + 1))


@pytest.mark.parametrize(("key", "variation"), all_variations(), ids=lambda x: x if isinstance(x, str) else "")
def test_every_step_has_a_source_and_its_why_and_fits(key: str, variation: dict) -> None:
    meta = variation.get("metadata") or {}
    assert meta.get("source"), key
    assert meta.get("why") and meta["why"] in variation["text"], key
    assert len(variation["text"]) <= 500, key


@pytest.mark.parametrize(("key", "variation"), all_variations(), ids=lambda x: x if isinstance(x, str) else "")
def test_no_step_gives_forbidden_advice(key: str, variation: dict) -> None:
    text = basic_fold(variation["text"])
    for name, pattern in FORBIDDEN.items():
        assert not re.search(pattern, text), f"{key}: {name}"


def test_the_forbidden_list_catches_what_it_names() -> None:
    unsafe = {
        "pay": "Paie-le pour qu'il arrête.",
        "delete_evidence": "Supprime la conversation tout de suite.",
        "blame": "Tu n'aurais pas dû envoyer cette photo.",
        "confiscate": "Confisquez son téléphone pendant un mois.",
    }
    for name, text in unsafe.items():
        assert re.search(FORBIDDEN[name], basic_fold(text)), name

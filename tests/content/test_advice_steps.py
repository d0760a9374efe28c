"""The advice steps: complete for every situation and audience, and sourced.

That no text advises what it must not is checked by tests/tools/test_advice_check.py, over every
sentence of responses/, steps included."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from core.labels import SITUATIONS

ROOT = Path(__file__).resolve().parents[2]
AUDIENCES = ("victim", "parent", "witness")


def steps(situation: str) -> dict[str, list[dict[str, Any]]]:
    data = yaml.safe_load((ROOT / "responses" / f"{situation}.yml").read_text("utf-8"))["responses"]
    return {
        k: v for k, v in data.items() if re.fullmatch(rf"utter_{situation}_(victim|parent|witness)_\d+", k)
    }


def all_variations() -> list[tuple[str, dict[str, Any]]]:
    return [(k, v) for s in SITUATIONS if s != "none" for k, vs in steps(s).items() for v in vs]


@pytest.mark.parametrize("situation", [s for s in SITUATIONS if s != "none"])
@pytest.mark.parametrize("audience", AUDIENCES)
def test_every_situation_and_audience_has_4_to_7_ordered_steps(situation: str, audience: str) -> None:
    numbers = sorted(int(k.rsplit("_", 1)[1]) for k in steps(situation) if f"_{audience}_" in k)
    assert 4 <= len(numbers) <= 7
    assert numbers == list(range(1, len(numbers) + 1))


@pytest.mark.parametrize(
    ("key", "variation"), all_variations(), ids=lambda x: x if isinstance(x, str) else ""
)
def test_every_step_has_a_source_and_its_why_and_fits(key: str, variation: dict[str, Any]) -> None:
    meta = variation.get("metadata") or {}
    assert meta.get("source"), key
    assert meta.get("why") and meta["why"] in variation["text"], key
    assert len(variation["text"]) <= 500, key

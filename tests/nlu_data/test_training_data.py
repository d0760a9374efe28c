"""Training data contract: labelled blocks, enough examples, held-out set kept apart."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from core.labels import AUDIENCES, SITUATIONS, URGENCIES, situation_of_intent
from core.normalize import fold

ROOT = Path(__file__).resolve().parents[2]
SITUATION_FILES = [s for s in SITUATIONS if s != "none"]


def training_examples() -> list[tuple[str, str, dict[str, str]]]:
    rows = []
    for path in sorted((ROOT / "nlu_data").glob("*.yml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        for block in data.get("nlu", []) if isinstance(data, dict) else []:
            for line in block["examples"].splitlines():
                if line.strip().startswith("- "):
                    rows.append((line.strip()[2:].strip(), block["intent"], block.get("metadata") or {}))
    return rows


def heldout() -> list[dict[str, str]]:
    items: list[dict[str, str]] = yaml.safe_load((ROOT / "tests" / "data" / "heldout.yml").read_text("utf-8"))
    return items


# Evaluation sets, never trained on: the team's held-out set and two sets written by separate
# authors who read only docs/labels.md (bench/eval/evaluate.py says how each is used).
EVALUATION_SETS = ("heldout", "blind", "blind_dev")


def evaluation_set(name: str) -> list[dict[str, str]]:
    items: list[dict[str, str]] = yaml.safe_load((ROOT / "tests" / "data" / f"{name}.yml").read_text("utf-8"))
    return items


def test_every_block_carries_valid_urgency_and_audience() -> None:
    for text, _, metadata in training_examples():
        assert metadata.get("urgency") in URGENCIES, text
        assert metadata.get("audience") in AUDIENCES, text


@pytest.mark.parametrize("situation", SITUATION_FILES)
def test_each_situation_has_its_file_and_at_least_80_examples(situation: str) -> None:
    counts = Counter(situation_of_intent(intent) for _, intent, _ in training_examples())
    assert (ROOT / "nlu_data" / f"{situation}.yml").exists()
    assert counts[situation] >= 80


def test_heldout_set_is_large_and_labelled_with_the_contract() -> None:
    items = heldout()
    assert len(items) >= 200
    for item in items:
        assert item["situation"] in SITUATIONS
        assert item["urgency"] in URGENCIES
        assert item["audience"] in AUDIENCES


@pytest.mark.parametrize("name", EVALUATION_SETS)
def test_no_evaluation_message_is_in_the_training_data(name: str) -> None:
    trained = {fold(text) for text, _, _ in training_examples()}
    leaked = [item["text"] for item in evaluation_set(name) if fold(item["text"]) in trained]
    assert leaked == []


@pytest.mark.parametrize("name", ["blind", "blind_dev"])
def test_blind_sets_are_large_labelled_and_mostly_about_real_danger(name: str) -> None:
    items = evaluation_set(name)
    assert len(items) >= 300
    assert sum(item["urgency"] == "critical" for item in items) >= 60
    for item in items:
        assert (item["situation"], item["urgency"], item["audience"]) in {
            (s, u, a) for s in SITUATIONS for u in URGENCIES for a in AUDIENCES
        }, item["text"]


def test_the_crisis_lexicon_flags_no_training_example_below_critical() -> None:
    from core.crisis import match_crisis

    flagged = [
        t for t, _, m in training_examples() if m["urgency"] != "critical" and match_crisis(t).is_crisis
    ]
    assert flagged == []

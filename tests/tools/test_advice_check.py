"""The advice checker: it catches paraphrases of unsafe advice, leaves real advice alone, and
every text a person can read in responses/ passes it."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.content.test_responses import every_variation
from tools.advice_check import check, main

ROOT = Path(__file__).resolve().parents[2]
# Written from a brief by two helpers who saw neither the rules nor the responses; the rules were
# tuned on them, so they are regression sets. The blind set is measured by `make check-advice-eval`.
_SETS = [
    yaml.safe_load((ROOT / "tests" / "data" / name).read_text("utf-8"))
    for name in ("advice_safety.yml", "advice_safety_dev2.yml")
]
DEV = {"unsafe": [i for d in _SETS for i in d["unsafe"]], "safe": [t for d in _SETS for t in d["safe"]]}
RULES = {"pay", "send_more", "meet", "confront", "delete_evidence", "minor_image", "confiscate", "blame"}


def test_the_sets_are_big_enough_and_name_known_rules() -> None:
    assert len(DEV["unsafe"]) >= 60 and len(DEV["safe"]) >= 60
    assert {rule for item in DEV["unsafe"] for rule in item["rules"]} == RULES


@pytest.mark.parametrize("item", DEV["unsafe"], ids=lambda item: item["text"][:50])
def test_an_unsafe_paraphrase_is_caught_with_its_rule(item: dict[str, Any]) -> None:
    found = check(item["text"])
    assert set(found) & set(item["rules"]), found


@pytest.mark.parametrize("text", DEV["safe"], ids=lambda text: text[:50])
def test_real_advice_is_not_flagged(text: str) -> None:
    assert check(text) == []


@pytest.mark.parametrize(
    ("text", "rules"),
    [
        ("Ne paie pas, même s'il te donne un délai.", []),
        ("Ne réponds pas, paie.", ["pay"]),  # a negation stops at the comma
        ("Si tu as déjà payé, ce n'est pas grave.", []),  # what happened, not advice
        ("N'hésite pas à le rencontrer pour discuter.", ["meet"]),  # a negation that pushes to act
        ("Pourquoi ne pas lui donner 50 € ?", ["pay"]),
        ("Une fois les preuves gardées, tu pourras fermer ton compte.", []),
        ("Ferme ton compte tout de suite.", ["delete_evidence"]),
        ("Signale-la puis supprime-la de ton téléphone.", []),
        ("S'il te menace, appelle le 17.", []),  # the aggressor's act, told
        ("Ce n'est pas ta faute.", []),
        ("Tu n'aurais pas dû lui envoyer.", ["blame"]),  # the negation is the blame
        ("Prenez rendez-vous avec un psychologue.", []),
        ("Diffuser l'image d'un mineur est puni par la loi.", []),
    ],
)
def test_how_the_checker_reads_a_clause(text: str, rules: list[str]) -> None:
    assert check(text) == rules


def sentences_of_responses() -> list[tuple[str, str]]:
    pairs = []
    for key, variation in every_variation():
        for sentence in re.split(r"(?<=[.!?…])\s+|\n", variation.get("text") or ""):
            if sentence.strip():
                pairs.append((key, sentence))
        pairs += [(key, button["title"]) for button in variation.get("buttons") or []]
    return pairs


def test_every_sentence_a_person_can_read_passes_the_checker() -> None:
    pairs = sentences_of_responses()
    assert len(pairs) > 1000, "the scan found too few sentences to prove anything"
    flagged = [(key, sentence, rules) for key, sentence in pairs if (rules := check(sentence))]
    assert flagged == []


def test_one_json_line_per_input_line_whatever_the_input() -> None:
    lines = [b"Paye-le.", b"", b"\xff\xfe\x00binaire", "é".encode() * 200_000, b"Ne paie pas."]
    out = io.StringIO()
    assert main(io.BytesIO(b"\n".join(lines) + b"\n"), out) == 0
    verdicts = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [v["unsafe"] for v in verdicts] == [True, False, False, False, False]
    assert verdicts[0]["rules"] == ["pay"]


def test_the_command_runs_as_make_runs_it() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tools.advice_check"],
        input=b"Va le voir au McDo.\n",
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    assert json.loads(done.stdout) == {"unsafe": True, "rules": ["meet"]}

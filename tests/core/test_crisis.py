"""The crisis net: reviewed examples must match, everyday language must not."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from core.crisis import CrisisLexicon, match_crisis

CASES = yaml.safe_load((Path(__file__).parents[1] / "data" / "crisis_cases.yml").read_text("utf-8"))

# The examples the safety net was specified with (issue #2), and their category.
SPECIFIED = {
    "jveux plus etre la": "suicidal",
    "me foutre en l'air": "suicidal",
    "j'ai pris des cachets": "overdose",
    "je me scarifie": "self_harm",
    "💊": "overdose",
    "il m'attend en bas": "meeting_now",
    "il vient me chercher dans 1h": "meeting_now",
}


@pytest.mark.parametrize(("text", "category"), SPECIFIED.items())
def test_specified_examples_match_their_category(text: str, category: str) -> None:
    assert category in match_crisis(text).categories


@pytest.mark.parametrize(
    "text",
    ["JVEUX PLUS ÊTRE LÀ", "j veux plu etre la", "Je veux plus être là…", "jveuuux plus etre la"],
)
def test_spelling_case_and_accents_do_not_matter(text: str) -> None:
    assert match_crisis(text).is_crisis


@pytest.mark.parametrize("case", CASES["must_match"], ids=lambda c: c["text"][:40])
def test_reviewed_crisis_cases_match(case: dict[str, str]) -> None:
    assert match_crisis(case["text"]).is_crisis


@pytest.mark.parametrize("case", CASES["must_not_match"], ids=lambda c: c["text"][:40])
def test_everyday_language_does_not_match(case: dict[str, str]) -> None:
    assert not match_crisis(case["text"]).is_crisis


def test_the_lexicon_is_data(tmp_path: Path) -> None:
    lexicon = tmp_path / "lexicon.yml"
    lexicon.write_text(
        "exclusions: ['faux positif']\n"
        "categories:\n"
        "  test:\n"
        "    rules:\n"
        "      - any: ['mot magique']\n"
        "      - all: [['alpha'], ['beta|gamma']]\n",
        encoding="utf-8",
    )
    loaded = CrisisLexicon.from_file(lexicon)
    assert loaded.match("le MOT MAGIQUE").categories == ("test",)
    assert loaded.match("alpha puis gamma").categories == ("test",)
    assert not loaded.match("alpha seul").is_crisis
    assert not loaded.match("faux positif magique").is_crisis


def test_empty_and_garbage_input_never_crash() -> None:
    for text in ["", " ", "\x00\x01", "🙂" * 500, "a" * 100_000, "\udcff"]:
        assert not match_crisis(text).is_crisis

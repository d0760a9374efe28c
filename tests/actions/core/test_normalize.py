"""Folding: teen spelling, accents and punctuation map to one form."""

from __future__ import annotations

import pytest

from actions.core.normalize import MAX_CHARS, basic_fold, fold


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("J'AI PEUR", "j ai peur"),
        ("jveux plus être là", "je veux plus etre la"),
        ("g pris des cachets", "j ai pris des cachets"),
        ("aideeeeez moi!!!", "aidez moi"),
        ("il m’attend en bas", "il m attend en bas"),
        ("💊💊", "💊💊"),
        ("rdv mtn", "rendez vous maintenant"),
    ],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_long_text_is_cut() -> None:
    assert len(basic_fold("a b " * 10_000)) <= MAX_CHARS

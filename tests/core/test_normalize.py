"""Folding: teen spelling, accents and punctuation map to one form."""

from __future__ import annotations

import pytest

from core.normalize import MAX_CHARS, basic_fold, fold


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


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("/ask_human", "ask_human"),
        (" \x1f/affirm", "affirm"),
        ("\xa0/ greet{}x", "greet{}x"),
        ("\n//", "?"),
        ("il a 15 ans", "il a 15 ans"),
    ],
)
def test_typed_text_never_starts_like_an_intent(typed: str, message: str) -> None:
    from core.normalize import as_message

    assert as_message(typed) == message

"""Entities that change the advice are read from the data lexicon."""

from __future__ import annotations

from core.cues import Entity, default_entities


def extract(text: str) -> set[Entity]:
    return set(default_entities().extract(text))


def test_platform_age_deadline_amount() -> None:
    found = extract("jsuis sur snap, il veut 200€ avant ce soir, j'ai 14 ans")
    assert {
        Entity("platform", "snapchat"),
        Entity("age", 14),
        Entity("deadline", "avant ce soir"),
        Entity("amount", "200€"),
    } <= found


def test_child_age_from_a_parent() -> None:
    assert Entity("age", 13) in extract("Ma fille de 13 ans reçoit des messages sur TikTok")


def test_no_entities_in_small_talk() -> None:
    assert extract("salut ça va") == set()
    assert extract("tg") == set()  # slang, not Telegram

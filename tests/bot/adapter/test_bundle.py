"""A turn's texts are joined into few Telegram messages: order kept, buttons last, within 4,096 characters."""

from __future__ import annotations

from bot.adapter.bundle import bundle
from bot.engine import BotMessage

MENU = [{"title": "Étape suivante", "payload": "/next_step"}]


def test_texts_before_a_menu_become_one_message_with_the_menu_under_them() -> None:
    turn = [
        BotMessage("Ta sécurité passe avant tout."),
        BotMessage("Étape 1."),
        BotMessage("Quand tu es prêt·e :", MENU),
    ]
    assert bundle(turn) == [
        BotMessage("Ta sécurité passe avant tout.\n\nÉtape 1.\n\nQuand tu es prêt·e :", MENU)
    ]


def test_a_message_with_buttons_ends_its_bundle() -> None:
    turn = [
        BotMessage("Une question ?", MENU),
        BotMessage("Si tu préfères en parler…"),
        BotMessage("Étape 1."),
    ]
    assert bundle(turn) == [
        BotMessage("Une question ?", MENU),
        BotMessage("Si tu préfères en parler…\n\nÉtape 1."),
    ]


def test_no_message_goes_over_telegrams_limit_and_nothing_is_dropped() -> None:
    turn = [BotMessage("a" * 3000), BotMessage("b" * 1000), BotMessage("c" * 100), BotMessage("   ")]
    out = bundle(turn)
    assert [len(m.text) for m in out] == [3000 + 2 + 1000, 100]
    assert (
        all(len(m.text) <= 4096 for m in out)
        and "".join(m.text for m in out).replace("\n", "") == "a" * 3000 + "b" * 1000 + "c" * 100
    )


def test_a_single_message_and_an_empty_turn_are_left_as_they_are() -> None:
    assert bundle([BotMessage("Merci.")]) == [BotMessage("Merci.")]
    assert bundle([]) == []

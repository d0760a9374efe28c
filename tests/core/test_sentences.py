"""A message is read sentence by sentence: a danger at the end of a calm story stands alone."""

from __future__ import annotations

from core.sentences import MAX_PIECES, split


def test_a_one_sentence_message_has_no_pieces() -> None:
    assert split("jveux plus être là") == []
    assert split("salut. ça va ?") == []  # "ça va" alone is two words; "salut" is one


def test_the_last_sentence_of_a_long_story_is_a_piece_of_its_own() -> None:
    text = "bon c'est pas grave mais il a mes photos et veut 200e. bref. de toute façon ce soir tout s'arrête"
    pieces = split(text)
    assert "de toute façon ce soir tout s'arrête" in pieces
    assert "bref" not in pieces  # a lone word says nothing


def test_clause_joints_split_and_neighbours_are_also_read_together() -> None:
    pieces = split("il m'a insulté toute la journée mais ça va. du coup il veut me voir. ce soir à la gare")
    assert "il m'a insulté toute la journée" in pieces
    assert "du coup il veut me voir ce soir à la gare" in pieces  # a pair: the danger cut by a full stop


def test_a_very_long_message_is_read_in_windows_without_dropping_anything() -> None:
    sentences = [f"phrase numéro {i} du récit" for i in range(60)]
    pieces = split(". ".join(sentences))
    windows = pieces[:MAX_PIECES]
    assert len(windows) == MAX_PIECES
    assert " ".join(windows).split() == " ".join(sentences).split()

"""The dialogue cues (nlu_data/lexicons/dialogue.yml): a person asked for, branches, FAQ questions."""

from __future__ import annotations

import pytest

from core.dialogue import default_dialogue

LEXICON = default_dialogue()


@pytest.mark.parametrize(
    "text",
    [
        "Je voudrais parler à quelqu'un, s'il vous plaît.",
        "je veux parler a un benevole, un adulte me demande des photos sur discord",
        "est-ce que je peux parler avec une vraie personne",
        "un humain svp",
        "on peut m'appeler ?",
    ],
)
def test_a_request_for_a_person_is_read_in_any_words(text: str) -> None:
    assert "ask_person" in LEXICON.fired(text)


@pytest.mark.parametrize(
    "text",
    [
        "cest un mec",
        "tu es un robot ?",
        "il veut parler a quelqu'un de ma famille",
        "j'ai parlé à quelqu'un hier",
        "je vais parler a ma mere ce soir",
    ],
)
def test_fragments_questions_and_stories_are_no_request(text: str) -> None:
    assert "ask_person" not in LEXICON.fired(text)


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("j'ai déjà payé 50 euros", "already_complied"),
        ("jlui ai deja envoyé une autre photo", "already_complied"),
        ("il m'a bloqué", "it_stopped"),
        ("il a supprimé son compte", "it_stopped"),
        ("jveux pas d'étapes jveux juste parler", "want_to_talk"),
        ("jsuis trop conne jaurais jamais du", "self_blame"),
        ("c'est de ma faute tout ça", "self_blame"),
        ("il a dit qu'il allait venir chez moi ce soir", "someone_coming"),
        ("je suis seule a la maison", "someone_coming"),
        ("il m'attend devant le collège", "someone_coming"),
        ("un des gars a dit qu'il venait chez moi ce soir pour me défoncer", "someone_coming"),
        ("ils vont me tabasser à la sortie demain", "someone_coming"),
        ("il a dit qu'il passera chez moi après les cours", "someone_coming"),
        ("il lui a donné rendez-vous ce soir au parc derrière l'école", "someone_coming"),
    ],
)
def test_branches(text: str, cue: str) -> None:
    assert cue in LEXICON.fired(text)


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("jai rien payé", "already_complied"),
        ("c'est pas ma faute", "self_blame"),
        ("je veux parler a quelqu'un", "want_to_talk"),
        ("demain le contrôle de maths va me défoncer", "someone_coming"),
        ("ce soir le match ils vont nous défoncer mdr", "someone_coming"),
        ("la police nous a donné rendez-vous demain pour la plainte", "someone_coming"),
    ],
)
def test_branch_near_misses(text: str, cue: str) -> None:
    assert cue not in LEXICON.fired(text)


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("c'est quoi le 3018 ?", "what_is_3018"),
        ("est ce que la police va me reprocher d'avoir envoyé la photo", "police_blame"),
        ("mes parents vont être prévenus ?", "parents_told"),
        ("vous allez le dire à mes parents ?", "parents_told"),
        ("comment bloquer qqn sur snap", "block_report"),
        ("c anonyme ici ?", "anonymous"),
        ("vous gardez mes messages ?", "my_words"),
        ("comment prouver que le faux compte c'est pas moi", "prove_not_me"),
        ("comment porter plainte", "complaint"),
        ("tu es un robot ?", "bot_identity"),
        ("take it down ça marche comment", "take_it_down"),
    ],
)
def test_faq_topics(text: str, topic: str) -> None:
    assert LEXICON.faq_topic(text) == topic


def test_questions_emoji_and_english() -> None:
    assert LEXICON.is_question("comment je fais") and LEXICON.is_question("il est où ?")
    assert not LEXICON.is_question("il me menace")
    assert LEXICON.emoji_distress("😭😭😭") and LEXICON.emoji_distress("💔 ...")
    assert not LEXICON.emoji_distress("😂😂") and not LEXICON.emoji_distress("ok 😭")
    assert LEXICON.is_english("he has my pictures and wants money, please help")
    assert not LEXICON.is_english("il a mes photos et il veut de l'argent")
    assert not LEXICON.is_english("help stp")


@pytest.mark.parametrize(
    ("text", "mood"),
    [
        ("un peu mieux", "better"),
        ("ça va merci", "better"),
        ("pas trop", "bad"),
        ("pas très bien", "bad"),
        ("bof", "bad"),
        ("jsp", None),
    ],
)
def test_typed_wellbeing_answers(text: str, mood: str | None) -> None:
    assert LEXICON.mood(text) == mood

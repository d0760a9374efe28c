"""The trained pipeline: the parse output carries the decided triage and the entities."""

from __future__ import annotations

import pytest

from core.crisis import match_crisis


@pytest.mark.parametrize(
    "text",
    [
        "jveux plus etre la",
        "me foutre en l'air",
        "j'ai pris des cachets",
        "je me scarifie",
        "💊",
        "il m'attend en bas",
        "il vient me chercher dans 1h",
    ],
)
async def test_specified_crisis_messages_are_critical(classifier, text: str) -> None:  # type: ignore[no-untyped-def]
    assert (await classifier.classify(text))["urgency"] == "critical"


async def test_parse_output_carries_triage_and_entities(classifier) -> None:  # type: ignore[no-untyped-def]
    parse = await classifier.agent.parse_message(
        "un mec sur snap veut 100€ sinon il poste ma video, j'ai 15 ans"
    )
    assert parse["intent"]["name"] == "sextortion"
    assert parse["triage"]["situation"] == "sextortion"
    entities = {(e["entity"], e["value"]) for e in parse["entities"]}
    assert {("platform", "snapchat"), ("age", 15), ("amount", "100€")} <= entities


@pytest.mark.parametrize(
    ("text", "situation", "audience"),
    [
        (
            "Bonjour, mon fils de 13 ans reçoit des insultes tous les jours sur un groupe de classe",
            "harassment",
            "parent",
        ),
        ("quelqu'un a créé un faux compte insta avec mon nom et mes photos", "impersonation", "victim"),
        ("ma meilleure amie a ses nudes qui tournent dans tout le lycée", "image_sharing", "witness"),
        ("merci beaucoup", "none", "unknown"),
    ],
)
async def test_typical_messages(classifier, text: str, situation: str, audience: str) -> None:  # type: ignore[no-untyped-def]
    result = await classifier.classify(text)
    assert (result["situation"], result["audience"]) == (situation, audience)


async def test_the_lexicon_only_raises(classifier) -> None:  # type: ignore[no-untyped-def]
    for text in ["merci", "on se moque de moi en classe", "salut ça va"]:
        assert not match_crisis(text).is_crisis
        assert (await classifier.classify(text))["urgency"] != "critical"

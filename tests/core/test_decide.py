"""The triage decision: crisis only raises, incidents are never `low`, small talk has no audience."""

from __future__ import annotations

import itertools

import pytest

from core.crisis import CrisisMatch
from core.cues import Entity
from core.decide import decide, degraded_triage
from core.labels import URGENCIES

CRISIS = CrisisMatch(("suicidal",))
NO_CRISIS = CrisisMatch()


def scores(best: str, labels: tuple[str, ...]) -> dict[str, float]:
    return {label: (0.9 if label == best else 0.1 / (len(labels) - 1)) for label in labels}


@pytest.mark.parametrize(
    ("intent", "urgency"), itertools.product(["sextortion", "greet", "out_of_scope"], URGENCIES)
)
def test_a_crisis_match_always_gives_critical(intent: str, urgency: str) -> None:
    triage = decide(intent, 0.9, scores(urgency, URGENCIES), {"victim": 1.0}, CRISIS)
    assert triage.urgency == "critical"
    assert triage.crisis == ("suicidal",)


@pytest.mark.parametrize("urgency", URGENCIES)
def test_without_crisis_the_model_urgency_is_kept_or_raised(urgency: str) -> None:
    triage = decide("out_of_scope", 0.9, scores(urgency, URGENCIES), {"unknown": 1.0}, NO_CRISIS)
    assert URGENCIES.index(triage.urgency) >= URGENCIES.index(urgency)


def test_an_incident_is_at_least_medium() -> None:
    triage = decide("harassment", 0.8, scores("low", URGENCIES), {"victim": 1.0}, NO_CRISIS)
    assert (triage.situation, triage.urgency) == ("harassment", "medium")


def test_blackmail_with_a_deadline_is_at_least_high() -> None:
    deadline = [Entity("deadline", "avant ce soir")]
    triage = decide("sextortion", 0.8, scores("medium", URGENCIES), {"victim": 1.0}, NO_CRISIS, deadline)
    assert triage.urgency == "high"


def test_small_talk_has_no_audience() -> None:
    triage = decide("greet", 0.99, scores("low", URGENCIES), {"victim": 0.7, "unknown": 0.3}, NO_CRISIS)
    assert (triage.situation, triage.audience) == ("none", "unknown")


def test_non_situation_intents_map_to_none_and_confidence_is_bounded() -> None:
    triage = decide("ask_info", 1.7, scores("low", URGENCIES), {"parent": 1.0}, NO_CRISIS)
    assert triage.situation == "none"
    assert triage.audience == "parent"
    assert triage.confidence == 1.0


def test_degraded_triage_uses_only_the_lexicon() -> None:
    assert degraded_triage("jveux plus etre la").urgency == "critical"
    calm = degraded_triage("on m'insulte sur insta")
    assert (calm.situation, calm.urgency, calm.confidence) == ("none", "low", 0.0)


def test_the_audience_follows_the_guides_words() -> None:
    from core.decide import audience_by_the_guide

    # "je" and an incident: the writer speaks about themself.
    assert (
        audience_by_the_guide("il me menace de publier mes photos", False, "sextortion", "high", "unknown")
        == "victim"
    )
    # ...unless it is about someone of theirs.
    assert (
        audience_by_the_guide("ma fille recoit des messages", False, "grooming", "high", "unknown")
        == "unknown"
    )
    # A general question, nobody says "je".
    assert (
        audience_by_the_guide("comment on signale un compte sur insta", True, "none", "low", "victim")
        == "unknown"
    )
    # A message pasted as received.
    assert (
        audience_by_the_guide("t es qu une merde va pleurer", False, "harassment", "medium", "victim")
        == "unknown"
    )
    # Otherwise the model's reading stands.
    assert (
        audience_by_the_guide("mon pote se fait insulter", False, "harassment", "medium", "witness")
        == "witness"
    )

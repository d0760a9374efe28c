"""The conversation's incident (core/track.py): a story told in pieces, and when it switches."""

from __future__ import annotations

from core.track import DECIDED_AT, accumulate, decided, situation_scores, switches


def ranking(**scores: float) -> list[dict[str, object]]:
    return [{"name": name, "confidence": value} for name, value in scores.items()]


def test_only_situations_count() -> None:
    assert situation_scores(ranking(sextortion=0.4, greet=0.5, none=0.1)) == {"sextortion": 0.4}


def test_a_story_in_pieces_adds_up_to_one_situation() -> None:
    evidence: dict[str, float] = {}
    for piece in (
        ranking(grooming=0.3, harassment=0.2),
        ranking(sextortion=0.4, grooming=0.1),
        ranking(sextortion=0.5),
    ):
        assert decided(evidence) is None
        evidence = accumulate(evidence, situation_scores(piece))
    assert decided(evidence) == "sextortion"


def test_two_readings_that_compete_stay_open() -> None:
    evidence = accumulate({}, {"harassment": DECIDED_AT, "doxxing": DECIDED_AT * 0.8})
    assert decided(evidence) is None


def test_old_evidence_fades() -> None:
    evidence = accumulate({"grooming": 0.8}, {})
    assert evidence["grooming"] < 0.8


def test_a_more_serious_incident_switches_the_track() -> None:
    assert switches("harassment", "sextortion") and switches("image_sharing", "sextortion")
    assert not switches("sextortion", "harassment")  # a detail of the same story
    assert not switches("grooming", "grooming") and not switches("grooming", "none")

"""Turn the NLU signals of one message into the three triage labels.

This is the single place where the triage is decided: the Rasa NLU component calls it
for every message (so ``make classify``, the action server and the bot all see the same
result), and the Telegram adapter's degraded mode calls ``degraded_triage`` when the
engine is down. Rules here are safety rules written down, not tuning:

* the crisis detector (the model's sentence-level risk-to-life score, at the threshold
  chosen for recall at training time) decides ``critical``; the urgency head then only
  chooses among the other levels;
* a crisis-lexicon match raises urgency to ``critical`` and nothing lowers it;
* an incident (situation other than ``none``) is at least ``medium``;
* blackmail with a deadline or an amount is at least ``high``;
* small talk (greetings, yes/no, thanks) has no audience.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from actions.core.crisis import CrisisMatch, match_crisis
from actions.core.cues import Entity
from actions.core.labels import CRITICAL, NONE, URGENCIES, max_urgency, situation_of_intent

SMALL_TALK_INTENTS = frozenset({"greet", "goodbye", "thanks", "affirm", "deny"})


@dataclass(frozen=True)
class Triage:
    """What is happening, how urgent it is, who is writing, and how sure we are."""

    situation: str
    urgency: str
    audience: str
    confidence: float
    crisis: tuple[str, ...] = field(default=())
    critical_score: float = 0.0
    critical_threshold: float = 1.0

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["crisis"] = list(self.crisis)
        return data


def _argmax(scores: Mapping[str, float], default: str) -> str:
    return max(scores, key=lambda k: scores[k]) if scores else default


def decide(
    intent: str | None,
    intent_confidence: float,
    urgency_scores: Mapping[str, float],
    audience_scores: Mapping[str, float],
    crisis: CrisisMatch,
    entities: Iterable[Entity] = (),
    critical_score: float | None = None,
    critical_threshold: float = 1.0,
) -> Triage:
    """Combine the model's scores with the safety rules (see module docstring).

    ``critical_score`` is the crisis detector's; ``None`` (a model without one) leaves the
    choice of ``critical`` to the urgency head.
    """
    situation = situation_of_intent(intent)
    if critical_score is not None:
        urgency_scores = {k: v for k, v in urgency_scores.items() if k != CRITICAL}
    urgency = _argmax(urgency_scores, "low")
    if critical_score is not None and critical_score >= critical_threshold:
        urgency = CRITICAL
    audience = _argmax(audience_scores, "unknown")
    kinds = {e.entity for e in entities}

    if situation != NONE:
        urgency = max_urgency(urgency, "medium")
    if situation == "sextortion" and kinds & {"deadline", "amount"}:
        urgency = max_urgency(urgency, "high")
    if situation == NONE and intent in SMALL_TALK_INTENTS and urgency != CRITICAL:
        audience = "unknown"
    if crisis.is_crisis:
        urgency = CRITICAL
    return Triage(
        situation=situation,
        urgency=urgency if urgency in URGENCIES else "low",
        audience=audience,
        confidence=round(float(min(max(intent_confidence, 0.0), 1.0)), 4),
        crisis=crisis.categories,
        critical_score=round(float(critical_score or 0.0), 4),
        critical_threshold=round(float(critical_threshold), 4),
    )


def degraded_triage(text: str) -> Triage:
    """Triage without any model (engine down): only the crisis lexicon can speak."""
    crisis = match_crisis(text)
    return Triage(
        situation=NONE,
        urgency=CRITICAL if crisis.is_crisis else "low",
        audience="unknown",
        confidence=0.0,
        crisis=crisis.categories,
    )

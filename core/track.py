"""The conversation's incident: which situation a story told in pieces is about, and when it changes.

Pure decisions over the NLU's intent ranking of each message, kept in the ``evidence`` slot.
A story told in three to six short messages ("y a un gars sur snap", "il a des photos de
moi", "il veut 100 balles") adds up to the same situation as the whole story in one message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from core.labels import NONE, SITUATIONS

# docs/labels.md: when a message fits several situations, the first of this order wins.
PRECEDENCE = ("sextortion", "grooming", "image_sharing", "doxxing", "impersonation", "harassment")
# A situation is decided once the (fading) confidences of the conversation's messages add up
# to this: two fragments read at ~0.45 each ("il a mes photos", "il veut 100 balles"); one
# message alone decides from CONFIRM_BELOW (0.55, core/steps.py)...
DECIDED_AT = 0.75
# ...and to this many times the next situation's (two readings that compete stay open).
MARGIN = 1.5
# Evidence of older messages fades: one stray reading five messages ago no longer decides.
FADE = 0.7


def situation_scores(ranking: Iterable[Mapping[str, Any]]) -> dict[str, float]:
    """The confidence of each situation intent in a message's intent ranking."""
    return {
        str(item["name"]): float(item.get("confidence") or 0.0)
        for item in ranking
        if item.get("name") in SITUATIONS and item.get("name") != NONE
    }


def accumulate(evidence: Mapping[str, float] | None, scores: Mapping[str, float]) -> dict[str, float]:
    """The conversation's evidence after one more message."""
    merged = {k: v * FADE for k, v in (evidence or {}).items()}
    for situation, score in scores.items():
        merged[situation] = merged.get(situation, 0.0) + score
    return {k: round(v, 4) for k, v in merged.items() if v >= 0.01}


def decided(evidence: Mapping[str, float]) -> str | None:
    """The situation the evidence points to, once it is enough and ahead of the others."""
    ordered = sorted(evidence.items(), key=lambda kv: kv[1], reverse=True)
    if not ordered or ordered[0][1] < DECIDED_AT:
        return None
    runner_up = ordered[1][1] if len(ordered) > 1 else 0.0
    return ordered[0][0] if ordered[0][1] >= MARGIN * runner_up else None


def switches(current: str, new: str) -> bool:
    """Whether a different situation told mid-incident becomes the conversation's track.

    Only a more serious one does ("il a mes photos", then "il veut 100 balles": the leak is
    blackmail). A less serious reading of a later message is a detail of the same story: the
    advice for the more serious situation is never dropped for it.
    """
    if new in (NONE, current):
        return False
    return current not in PRECEDENCE or PRECEDENCE.index(new) < PRECEDENCE.index(current)

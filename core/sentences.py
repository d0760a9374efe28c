"""Cut a message into the sentences and clauses a listener would weigh one by one.

A danger said in one sentence at the end of a long, calm story ("bref c'est pas grave.
de toute façon ce soir tout s'arrête") is drowned when the whole message is scored at
once: the crisis detector scores each piece and keeps the highest (actions/nlu/triage_model.py).
Pure standard library, so the adapter's degraded mode could use it too.
"""

from __future__ import annotations

import re

# Sentence ends, line breaks, and the clause joints after which French speakers change
# subject most often ("…mais…", "…bref…", "…du coup…"). Splitting too often is cheap (each
# piece is also scored inside the whole message); missing a joint drowns a sentence.
_BOUNDARY = re.compile(
    r"(?:[.!?…;:]+|\n+|\s[-–—]\s"
    r"|\s(?=(?:mais|bref|enfin bref|du coup|de toute fa[cç]on|sauf que|et puis|et l[aà]|"
    r"alors que|pourtant|en plus|apr[eè]s [cç]a)\s))",
    re.IGNORECASE,
)
MIN_WORDS = 2  # a lone word ("bref", "voilà") says nothing on its own
MAX_PIECES = (
    10  # a 5,000-character story is read in 10 windows (+ 9 pairs) at most: latency, docs/benchmark.md
)


def _windows(pieces: list[str], limit: int) -> list[str]:
    """Join neighbouring pieces so that at most ``limit`` remain, none dropped."""
    size = -(-len(pieces) // limit)  # ceiling division
    return [" ".join(pieces[i : i + size]) for i in range(0, len(pieces), size)]


def split(text: str, limit: int = MAX_PIECES) -> list[str]:
    """The message's sentences and clauses, then each pair of neighbours, in order.

    Empty for a one-piece message (the whole message is scored anyway). Pairs catch a
    danger cut by a joint ("il veut me voir" / "ce soir à la gare").
    """
    pieces = [p.strip(" ,-–—\t\r") for p in _BOUNDARY.split(text)]
    pieces = [p for p in pieces if len(p.split()) >= MIN_WORDS]
    if len(pieces) <= 1:
        return []
    if len(pieces) > limit:
        pieces = _windows(pieces, limit)
    pairs = [f"{a} {b}" for a, b in zip(pieces, pieces[1:], strict=False)] if len(pieces) > 2 else []
    return pieces + pairs

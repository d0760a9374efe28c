"""The learned part of the triage: three linear heads over shared text features.

Features, all computed on the folded text (actions/core/normalize.py) so that teen
spelling and missing accents map to the same columns:

* word uni- and bigrams (TF-IDF), char 2–5-grams inside words (TF-IDF): robust to typos;
* the spaCy ``fr_core_news_md`` sentence vector given by Rasa's SpacyFeaturizer, when the
  pipeline provides it: it carries meaning to words never seen in training;
* audience cue counts and crisis / entity flags (actions/core), so the model can weigh
  reviewed lexicon knowledge instead of relearning it.

Heads: intent (→ situation), urgency and audience, each a class-balanced logistic
regression. Linear models are used on purpose: ~1,500 examples, predictions in well
under a millisecond, probabilities that behave as confidences.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from actions.core.audience_cues import default_audience_cues
from actions.core.crisis import CrisisMatch, default_lexicon
from actions.core.cues import Entity, default_entities
from actions.core.normalize import fold

HEADS = ("intent", "urgency", "audience")


@dataclass(frozen=True)
class Signals:
    """What the reviewed lexicons read in one message, computed once per message."""

    folded: str
    crisis: CrisisMatch
    entities: tuple[Entity, ...]

    @classmethod
    def read(cls, text: str) -> Signals:
        return cls(fold(text), default_lexicon().match(text), tuple(default_entities().extract(text)))


@dataclass
class Example:
    """One message as the model sees it."""

    text: str
    vector: np.ndarray | None = None
    signals: Signals | None = None

    def read(self) -> Signals:
        if self.signals is None:
            self.signals = Signals.read(self.text)
        return self.signals


def _flags(signals: Signals) -> list[float]:
    """Reviewed-lexicon signals: crisis categories, entity kinds, audience cues, length."""
    kinds = {e.entity for e in signals.entities}
    flags = [1.0 if c in signals.crisis.categories else 0.0 for c in default_lexicon().categories]
    flags += [1.0 if k in kinds else 0.0 for k in ("platform", "age", "deadline", "amount")]
    flags += default_audience_cues().counts(signals.folded)
    flags.append(min(len(signals.folded.split()), 60) / 60.0)
    return flags


class TriageModel:
    """Vectorizers plus one logistic regression per head."""

    def __init__(self, c: float = 8.0, vector_weight: float = 1.0, flag_weight: float = 1.0) -> None:
        self.c = c
        self.vector_weight = vector_weight
        self.flag_weight = flag_weight
        self.words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)
        self.heads: dict[str, LogisticRegression] = {}
        self.vector_size = 0

    def _features(self, examples: Sequence[Example], fit: bool = False) -> csr_matrix:
        signals = [e.read() for e in examples]
        folded = [sig.folded for sig in signals]
        if fit:
            self.words.fit(folded)
            self.chars.fit(folded)
            for vectorizer in (self.words, self.chars):  # words cut by min_df: not needed, not kept
                vectorizer.stop_words_ = set()
            self.vector_size = next((len(e.vector) for e in examples if e.vector is not None), 0)
        blocks = [self.words.transform(folded), self.chars.transform(folded)]
        if self.vector_size:
            vectors = np.zeros((len(examples), self.vector_size), dtype=np.float32)
            for i, e in enumerate(examples):
                if e.vector is not None and len(e.vector) == self.vector_size:
                    norm = float(np.linalg.norm(e.vector))
                    vectors[i] = e.vector / norm if norm else 0.0
            blocks.append(csr_matrix(vectors * self.vector_weight))
        flags = np.array([_flags(sig) for sig in signals], dtype=np.float32)
        blocks.append(csr_matrix(flags * self.flag_weight))
        return hstack(blocks).tocsr()

    def fit(self, examples: Sequence[Example], labels: dict[str, Sequence[str]]) -> TriageModel:
        """Train every head present in ``labels`` on the same features."""
        x = self._features(examples, fit=True)
        for head, y in labels.items():
            clf = LogisticRegression(C=self.c, max_iter=3000, class_weight="balanced")
            self.heads[head] = clf.fit(x, list(y))
        return self

    def predict(self, examples: Sequence[Example]) -> list[dict[str, dict[str, float]]]:
        """For each example, every head's probability per label."""
        x = self._features(examples)
        out: list[dict[str, dict[str, float]]] = [{} for _ in examples]
        for head, clf in self.heads.items():
            if not clf.coef_.flags.f_contiguous:  # x @ coef_.T would copy the whole matrix on every call
                clf.coef_ = np.asfortranarray(clf.coef_)  # same values, read in place
            probs = clf.predict_proba(x)
            for i, row in enumerate(probs):
                out[i][head] = {str(label): float(p) for label, p in zip(clf.classes_, row, strict=False)}
        return out

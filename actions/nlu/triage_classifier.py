"""Rasa NLU component that gives every message its three triage labels.

Placed last in the pipeline (config.yml). For each message it:

1. predicts the intent (which carries the situation), the urgency and the audience with
   the linear heads of ``TriageModel``, trained on ``nlu_data/`` where each block's
   ``metadata`` gives urgency and audience;
2. runs the reviewed crisis lexicon and the entity lexicon (core), once per
   message: the same signals feed the model and the safety rules;
3. lets ``core.decide.decide`` apply the safety rules, and writes the result to
   the parse output as ``triage`` (plus ``intent``, ``intent_ranking`` and entities).

Everything that reads a triage — the action server, ``make classify``, the Telegram
adapter — therefore reads this one decision.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from actions.nlu.triage_model import Example, Prediction, Signals, TriageModel
from core.decide import decide
from core.paths import CRISIS_LEXICON, LEXICON_DIR, PROJECT_ROOT

logger = logging.getLogger(__name__)

TRIAGE = "triage"
EXTRACTOR = "TriageClassifier"
MODEL_FILE = "triage_model.pkl"


def labels_of(message: Message) -> tuple[str | None, str | None]:
    """Urgency and audience of a training example: example metadata overrides its block's."""
    metadata = message.get("metadata") or {}
    merged = {**(metadata.get("intent") or {}), **(metadata.get("example") or {})}
    return merged.get("urgency"), merged.get("audience")


def _example(message: Message) -> Example:
    """The text and, when the pipeline has a spaCy featurizer, its sentence vector."""
    _, sentence = message.get_dense_features(TEXT)
    vector = None if sentence is None else np.asarray(sentence.features, dtype=np.float32).reshape(-1)
    return Example(message.get(TEXT) or "", vector)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class TriageClassifier(GraphComponent, IntentClassifier):
    """Situation (via intent), urgency and audience for every message, with the crisis net."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # intent_from_pipeline: keep the intent of an earlier classifier (e.g. DIET, for
        # comparisons in docs/triage.md) instead of this component's own intent head.
        return {
            "C": 100.0,
            "vector_weight": 1.0,
            "flag_weight": 1.0,
            # Universal Sentence Encoder embedding (0 leaves it out).
            "embedding_weight": 1.0,
            # The crisis detector: its regularisation, and the recall its threshold must
            # reach in 5-fold cross-validation on nlu_data/ (docs/triage.md).
            "critical_C": 4.0,
            "critical_recall": 0.98,
            "ranking_length": 5,
            "intent_from_pipeline": False,
        }

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """What Rasa's training cache must also key on: the code and lexicons this component
        trains with. Without it, a change to the model's code or to a lexicon reused the cached
        component of the last training on the same data and config (seen: a new solver tolerance
        trained nothing)."""
        sources = sorted(
            [
                *(PROJECT_ROOT / "actions" / "nlu").glob("*.py"),
                *(PROJECT_ROOT / "core").glob("*.py"),
                *LEXICON_DIR.glob("*.yml"),
                CRISIS_LEXICON,
            ]
        )
        digest = hashlib.sha256()
        for path in sources:
            digest.update(str(path.relative_to(PROJECT_ROOT)).encode() + path.read_bytes())
        return digest.hexdigest()

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: TriageModel | None = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.model = model

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TriageClassifier:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Fit the three heads on every intent example that carries its labels."""
        messages = [m for m in training_data.intent_examples if m.get(TEXT) and m.get(INTENT)]
        labelled = [(m, *labels_of(m)) for m in messages]
        missing = [m.get(TEXT) for m, u, a in labelled if u is None or a is None]
        if missing:
            raise ValueError(
                f"{len(missing)} training examples lack urgency/audience metadata, "
                f"e.g. {missing[0]!r}: add `metadata: {{urgency: ..., audience: ...}}` to their block."
            )
        model = TriageModel(
            c=float(self.config["C"]),
            vector_weight=float(self.config["vector_weight"]),
            flag_weight=float(self.config["flag_weight"]),
            embedding_weight=float(self.config["embedding_weight"]),
            critical_c=float(self.config["critical_C"]),
            critical_recall=float(self.config["critical_recall"]),
        )
        model.fit(
            [_example(m) for m, _, _ in labelled],
            {
                "intent": [str(m.get(INTENT)) for m, _, _ in labelled],
                "urgency": [str(u) for _, u, _ in labelled],
                "audience": [str(a) for _, _, a in labelled],
            },
        )
        self.model = model
        with (
            self._model_storage.write_to(self._resource) as directory,
            (directory / MODEL_FILE).open("wb") as handle,
        ):
            pickle.dump(model, handle)
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> TriageClassifier:
        """Load the heads written by ``train`` (our own pickle, inside our own model archive)."""
        try:
            with (
                model_storage.read_from(resource) as directory,
                (directory / MODEL_FILE).open("rb") as handle,
            ):
                model = pickle.load(handle)  # noqa: S301 - file written by train() above
        except (ValueError, FileNotFoundError):
            logger.warning("triage_model_missing resource=%s", resource.name)
            model = None
        return cls(config, model_storage, resource, model)

    def process(self, messages: list[Message]) -> list[Message]:
        """Write intent, ranking, entities and the decided triage on each message."""
        if self.model is None or not messages:
            return messages
        examples = [_example(m) for m in messages]
        predictions = self.model.predict(examples)
        for message, example, scores in zip(messages, examples, predictions, strict=True):
            self._annotate(message, example.read(), scores)
        return messages

    def _annotate(self, message: Message, signals: Signals, scores: Prediction) -> None:
        has_critical_head = self.model is not None and self.model.critical_head is not None
        ranking: list[dict[str, Any]] = sorted(
            ({"name": name, "confidence": p} for name, p in scores["intent"].items()),
            key=lambda item: -item["confidence"],
        )
        if self.config["intent_from_pipeline"] and message.get(INTENT):
            ranking = message.get(INTENT_RANKING_KEY) or [message.get(INTENT)]
        best = ranking[0]
        entities = signals.entities
        triage = decide(
            intent=best["name"],
            intent_confidence=best["confidence"],
            urgency_scores=scores["urgency"],
            audience_scores=scores["audience"],
            crisis=signals.crisis,
            entities=entities,
            critical_score=scores.critical_score if has_critical_head else None,
            critical_threshold=scores.critical_threshold,
            text=message.get(TEXT) or "",
        )
        message.set(INTENT, best, add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking[: int(self.config["ranking_length"])], add_to_output=True)
        found = [
            {"entity": e.entity, "value": e.value, "extractor": EXTRACTOR, "confidence_entity": 1.0}
            for e in entities
        ]
        message.set(ENTITIES, (message.get(ENTITIES) or []) + found, add_to_output=True)
        message.set(TRIAGE, triage.as_dict(), add_to_output=True)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

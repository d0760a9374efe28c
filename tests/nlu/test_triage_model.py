"""The linear heads give the same probabilities whatever the memory order of their weights."""

from __future__ import annotations

import numpy as np

from actions.nlu.triage_model import Example, TriageModel, recall_threshold

TEXTS = [
    "il menace de publier ma photo",
    "on m'insulte sur le groupe",
    "merci",
    "il veut de l'argent sinon il poste",
    "ils se moquent de moi en classe",
    "ok bonne journée",
]
SITUATIONS = ["sextortion", "harassment", "none", "sextortion", "harassment", "none"]


def test_predictions_do_not_depend_on_the_weights_memory_order() -> None:
    model = TriageModel(c=1.0).fit([Example(t) for t in TEXTS], {"situation": SITUATIONS})
    clf = model.heads["situation"]
    clf.coef_ = np.ascontiguousarray(clf.coef_)  # as pickled models come back
    before = clf.predict_proba(model._features([Example("il menace de poster ma photo")]))[0]
    after = model.predict([Example("il menace de poster ma photo")])[0]["situation"]
    assert clf.coef_.flags.f_contiguous  # read in place from now on
    assert np.allclose([after[str(label)] for label in clf.classes_], before)
    assert max(after, key=lambda label: after[label]) == "sextortion"


def test_recall_threshold_keeps_the_asked_share_of_positives() -> None:
    scores = [0.9, 0.8, 0.7, 0.6, 0.1, 0.05]
    positive = [True, True, True, True, False, False]
    assert recall_threshold(scores, positive, 1.0) == 0.6
    assert recall_threshold(scores, positive, 0.75) == 0.7
    assert recall_threshold(scores, [False] * 6, 0.98) == 1.0  # nothing to find: never fires


CALM = [
    "on se moque de moi en classe depuis la rentrée",
    "ils ont fait un groupe snap sur moi",
    "merci pour les conseils",
    "mon compte insta a été piraté",
    "salut ça va",
    "quelqu'un a mis une fausse photo de moi",
    "on rigole bien au foot",
    "ils m'insultent sur le jeu",
    "j'ai eu une bonne note",
    "il a publié mon numéro",
]
DANGER = [
    "je veux plus vivre",
    "je vais en finir ce soir",
    "j'ai pris toutes les pilules",
    "je veux mourir",
    "ce soir je saute du pont",
    "j'ai écrit ma lettre d'adieu",
    "je vais me tuer",
    "plus envie de vivre",
    "je suis sur le toit et je vais sauter",
    "je veux disparaître pour toujours",
]


def test_the_crisis_detector_hears_one_sentence_of_danger_at_the_end_of_a_calm_story() -> None:
    texts = CALM + DANGER
    urgency = ["medium"] * len(CALM) + ["critical"] * len(DANGER)
    model = TriageModel(c=1.0, critical_c=10.0, folds=2).fit(
        [Example(t) for t in texts], {"urgency": urgency}
    )
    story = (
        "bon c'est pas grave, on se moque de moi en classe depuis la rentrée, ils ont fait un groupe snap, "
        "ils m'insultent sur le jeu et ils ont publié mon numéro. bref. je veux plus vivre"
    )
    assert model.critical_head is not None
    whole_only = model.critical_head.predict_proba(model._features([Example(story)], spacy=False))[0, 1]
    read = model.predict([Example(story), Example("on rigole bien au foot")])
    assert read[0].critical_score > whole_only  # the last sentence, read alone, weighs more
    assert read[0].critical_score > read[1].critical_score
    assert 0.0 < model.critical_threshold < 1.0

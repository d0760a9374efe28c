"""The linear heads give the same probabilities whatever the memory order of their weights."""

from __future__ import annotations

import numpy as np

from actions.nlu.triage_model import Example, TriageModel

TEXTS = ["il menace de publier ma photo", "on m'insulte sur le groupe", "merci", "il veut de l'argent sinon il poste",
         "ils se moquent de moi en classe", "ok bonne journée"]
SITUATIONS = ["sextortion", "harassment", "none", "sextortion", "harassment", "none"]


def test_predictions_do_not_depend_on_the_weights_memory_order() -> None:
    model = TriageModel(c=1.0).fit([Example(t) for t in TEXTS], {"situation": SITUATIONS})
    clf = model.heads["situation"]
    clf.coef_ = np.ascontiguousarray(clf.coef_)  # as pickled models come back
    before = clf.predict_proba(model._features([Example("il menace de poster ma photo")]))[0]
    after = model.predict([Example("il menace de poster ma photo")])[0]["situation"]
    assert clf.coef_.flags.f_contiguous  # read in place from now on
    assert np.allclose([after[str(label)] for label in clf.classes_], before)
    assert max(after, key=after.get) == "sextortion"

"""The Rasa entry point's compiled validator accepts and refuses what Rasa's own check does."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from actions.nlu.rasa_run import _validate_action_result

GOOD = {"events": [{"event": "slot", "name": "step", "value": 1.0}], "responses": [{"response": "utter_general_welcome"}]}
BAD = {"events": [{"name": "step"}], "responses": "not a list"}
ACTION = RemoteAction.__new__(RemoteAction)  # the checks use no state of the action


def test_a_valid_reply_passes_like_with_rasa() -> None:
    assert ACTION._validate_action_result(GOOD)
    assert _validate_action_result(ACTION, GOOD)


def test_an_invalid_reply_is_refused_with_the_same_error() -> None:
    with pytest.raises(ValidationError) as original:
        ACTION._validate_action_result(BAD)
    with pytest.raises(ValidationError) as compiled:
        _validate_action_result(ACTION, BAD)
    assert compiled.value.message == original.value.message and "Failed to validate Action server response" in compiled.value.message

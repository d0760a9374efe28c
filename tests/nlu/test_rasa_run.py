"""The Rasa entry point's compiled validator accepts and refuses what Rasa's own check does."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from runtime.rasa_run import _validate_action_result

GOOD = {
    "events": [{"event": "slot", "name": "step", "value": 1.0}],
    "responses": [{"response": "utter_general_welcome"}],
}
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
    assert (
        compiled.value.message == original.value.message
        and "Failed to validate Action server response" in compiled.value.message
    )


def test_event_types_resolve_to_the_same_classes_as_with_rasa() -> None:
    import rasa.shared.utils.common
    from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered

    from runtime.rasa_run import patch

    names = {cls.type_name for cls in rasa.shared.utils.common.all_subclasses(Event)}
    patch()
    for _ in range(2):  # the second pass is answered from what the first remembered
        for name in names:
            assert Event.resolve_by_type(name).type_name == name
    assert Event.resolve_by_type("user") is UserUttered and Event.resolve_by_type("slot") is SlotSet
    assert Event.resolve_by_type("no_such_event", ActionExecuted) is ActionExecuted
    assert Event.resolve_by_type("topic") is None
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
    event = Event.from_parameters({"event": "slot", "name": "step", "value": 2})
    assert isinstance(event, SlotSet) and event.value == 2


def test_redis_trackers_merge_to_the_same_events_as_with_rasa() -> None:
    from rasa.core.tracker_store import RedisTrackerStore
    from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from runtime.rasa_run import _ORIGINALS, _merge_trackers, patch

    patch()
    rasa_merge = _ORIGINALS["merge_trackers"]
    assert RedisTrackerStore._merge_trackers is _merge_trackers and rasa_merge is not _merge_trackers

    def tracker(events: list) -> DialogueStateTracker:  # type: ignore[type-arg]
        t = DialogueStateTracker("someone", [])
        for event in events:
            t.update(event)
        return t

    stored = [
        ActionExecuted("action_session_start", timestamp=1.0),
        SessionStarted(timestamp=1.0),
        UserUttered("a", timestamp=2.0),
        SlotSet("step", 1.0, timestamp=3.0),
        ActionExecuted("action_listen", timestamp=4.0),
    ]
    # The replica's copy lost the first events (another session) and added new ones, one of them twice.
    current = [
        stored[2],
        SlotSet("step", 1.0, timestamp=3.0),
        UserUttered("b", timestamp=5.0),
        SlotSet("step", 2.0, timestamp=6.0),
        SlotSet("step", 2.0, timestamp=6.0),
        SlotSet("step", 3.0, timestamp=4.0),
    ]
    expected = rasa_merge(tracker(stored), tracker(current))
    merged = _merge_trackers(tracker(stored), tracker(current))
    assert [e.as_dict() for e in merged.events] == [e.as_dict() for e in expected.events]
    assert len(merged.events) == len(stored) + 3  # "b", step 2 once, step 3
    same = tracker(stored)
    assert _merge_trackers(tracker(stored), same) is same  # nothing new: Rasa's fast path, kept


def test_the_action_server_gets_rasas_state_with_the_current_turns_events() -> None:
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from runtime.rasa_run import _ORIGINALS, patch

    patch()
    tracker = DialogueStateTracker("someone", [])
    for event in [
        ActionExecuted("action_listen"),
        UserUttered("avant", {"name": "greet"}),
        SlotSet("step", 1.0),
        BotUttered("bonjour"),
        ActionExecuted("action_listen"),
        UserUttered("il me menace", {"name": "sextortion"}),
        SlotSet("situation", "sextortion"),
    ]:
        tracker.update(event)
    action = RemoteAction("action_triage_message", None)
    domain = Domain.empty()
    ours, rasas = (
        action._action_call_format(tracker, domain),
        _ORIGINALS["action_call_format"](action, tracker, domain),
    )
    turn = rasas["tracker"].pop("events")[-2:]
    assert [e["event"] for e in turn] == ["user", "slot"] and turn[0]["text"] == "il me menace"
    assert ours["tracker"].pop("events") == turn  # from the latest user message on
    assert ours == rasas  # everything else is Rasa's own: slots, latest message, latest action, domain


def test_starts_only_on_the_rasa_the_patches_were_written_for() -> None:
    import rasa

    from runtime.rasa_run import RASA_VERSION, check_version

    check_version(rasa.__version__)  # the locked release passes
    with pytest.raises(SystemExit, match=RASA_VERSION):
        check_version("3.7.0")

"""`python -m runtime.rasa_run run ...`: Rasa's own command line, with two fixes for speed.

Rasa 3.6 checks every action server reply with ``jsonschema.validate``, which validates
the *schema itself* again on each call (jsonschema 4.17 pinned by Rasa): under load this
took about 60 % of the Rasa server's CPU (py-spy, docs/performance.md). The schema never
changes, so the validator is built once; replies are still validated exactly as before.

Rasa also reads every stored event back through ``Event.resolve_by_type``, which walks the
whole tree of ``Event`` subclasses (with ``inspect.isabstract`` on each) for every event of
every tracker, on every turn: about 15 % of its CPU under load. The class found for a type
name is remembered; names not found still take Rasa's own path (and its error).

With Redis, ``RedisTrackerStore._merge_trackers`` compares every new event with every stored
one (``as_dict`` each time), quadratic in the conversation's length: about 30 % of each
replica's CPU in the scaled load test. The same comparison is made only between events of
the same type and time, which is the same result in linear time.

Rasa sends the action server the whole tracker, every event of the conversation, on every
action call: encoding it grows with the conversation (about 6 % of Rasa's CPU after two
minutes of load, plus the action server's decoding). Relais's actions read the slots and
the latest message, never the event history (actions/, docs/performance.md), so the call
carries the events of the current turn only, from the latest user message on; the rest of
the state (slots, latest message, latest action, active loop) is Rasa's own.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once, as jsonschema.validate would on every call
    return cls(schema)


def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
    """RemoteAction._validate_action_result with the compiled validator (same errors)."""
    from jsonschema import ValidationError, exceptions
    from rasa.shared.constants import DOCS_BASE_URL

    error = exceptions.best_match(_validator().iter_errors(result))
    if error is None:
        return True
    assert isinstance(error, ValidationError)
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from the "
        f"Action endpoint is valid. For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


_EVENT_CLASSES: dict[str, Any] = {}


def _resolve_by_type(type_name: str, default: Any = None) -> Any:
    """Event.resolve_by_type, remembering the class found for each type name."""
    found = _EVENT_CLASSES.get(type_name)
    if found is None:
        found = _ORIGINALS["resolve_by_type"](type_name, default)  # Rasa's own answer, or its error
        if found is not None and found is not default and getattr(found, "type_name", None) == type_name:
            _EVENT_CLASSES[type_name] = found
    return found


_ORIGINALS: dict[str, Any] = {}  # Rasa's own functions, kept when patch() replaces them


def _action_call_format(self: Any, tracker: Any, domain: Any) -> dict[str, Any]:
    """RemoteAction._action_call_format (Rasa 3.6.21), with the events of the current turn only."""
    import rasa
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import EventVerbosity

    state = tracker.current_state(EventVerbosity.NONE)
    turn: list[Any] = []
    for event in reversed(tracker.events):  # back to the latest user message, included
        turn.append(event)
        if isinstance(event, UserUttered):
            break
    state["events"] = [event.as_dict() for event in reversed(turn)]
    result = {
        "next_action": self._name,
        "sender_id": tracker.sender_id,
        "tracker": state,
        "version": rasa.__version__,
    }
    if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(
        self.name()
    ):
        result["domain"] = domain.as_dict()
    return result


def _merge_trackers(prior_tracker: Any, tracker: Any) -> Any:
    """RedisTrackerStore._merge_trackers (Rasa 3.6.21), with the as_dict comparison bucketed.

    Two events whose ``as_dict`` are equal have the same ``event`` and ``timestamp``, so a new
    event only needs comparing with stored events of that type and time.
    """
    if not prior_tracker.events:
        return tracker
    last_event_timestamp = prior_tracker.events[-1].timestamp
    past_tracker = tracker.travel_back_in_time(target_time=last_event_timestamp)
    if past_tracker.events == prior_tracker.events:
        return tracker
    merged = tracker.init_copy()
    merged.update_with_events(list(prior_tracker.events), override_timestamp=False, domain=None)
    known: dict[tuple[Any, Any], list[dict[str, Any]]] = {}
    for event in merged.events:
        as_dict = event.as_dict()
        known.setdefault((as_dict.get("event"), as_dict.get("timestamp")), []).append(as_dict)
    for new_event in tracker.events:
        as_dict = new_event.as_dict()
        same_kind = known.setdefault((as_dict.get("event"), as_dict.get("timestamp")), [])
        if all(as_dict != existing for existing in same_kind):
            merged.update(new_event)
            same_kind.append(as_dict)
    return merged


def patch() -> None:
    # Seen from the bot environment, where mypy runs, Rasa is untyped: the assignments below need
    # no `type: ignore`.
    import rasa.telemetry
    from rasa.core.actions.action import RemoteAction
    from rasa.core.tracker_store import RedisTrackerStore
    from rasa.shared.core.events import Event

    if not _ORIGINALS:
        _ORIGINALS["validate_action_result"] = RemoteAction._validate_action_result
        _ORIGINALS["resolve_by_type"] = Event.resolve_by_type
        _ORIGINALS["merge_trackers"] = RedisTrackerStore._merge_trackers
        _ORIGINALS["action_call_format"] = RemoteAction._action_call_format
        RemoteAction._action_call_format = _action_call_format
        RemoteAction._validate_action_result = _validate_action_result
        Event.resolve_by_type = staticmethod(_resolve_by_type)
        RedisTrackerStore._merge_trackers = staticmethod(_merge_trackers)
    # Rasa 3.6 sends uncaught exceptions to its own Sentry project on every start, whatever
    # RASA_TELEMETRY_ENABLED says; an exception message can quote what a person wrote.
    rasa.telemetry.initialize_error_reporting = lambda: None


# The patches above replace private methods of this exact Rasa release (tests/nlu/test_rasa_run.py
# checks them against Rasa's originals): another version must be re-checked before it runs.
RASA_VERSION = "3.6.21"


def check_version(found: str) -> None:
    """Refuse to start on a Rasa the patches were not written for, with what to do."""
    if found != RASA_VERSION:
        raise SystemExit(
            f"runtime.rasa_run is written for Rasa {RASA_VERSION} (requirements/rasa.lock) and found "
            f"Rasa {found}: rebuild the environment with `make install`, or re-check the patches in "
            "runtime/rasa_run.py against the new release and update RASA_VERSION."
        )


def main() -> None:
    import rasa

    check_version(rasa.__version__)
    patch()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()

"""`python -m actions.nlu.rasa_run run ...`: Rasa's own command line, with two fixes for speed.

Rasa 3.6 checks every action server reply with ``jsonschema.validate``, which validates
the *schema itself* again on each call (jsonschema 4.17 pinned by Rasa): under load this
took about 60 % of the Rasa server's CPU (py-spy, docs/performance.md). The schema never
changes, so the validator is built once; replies are still validated exactly as before.

Rasa also reads every stored event back through ``Event.resolve_by_type``, which walks the
whole tree of ``Event`` subclasses (with ``inspect.isabstract`` on each) for every event of
every tracker, on every turn: about 15 % of its CPU under load. The class found for a type
name is remembered; names not found still take Rasa's own path (and its error).
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
        f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


_EVENT_CLASSES: dict[str, Any] = {}


def _resolve_by_type(type_name: str, default: Any = None) -> Any:
    """Event.resolve_by_type, remembering the class found for each type name."""
    found = _EVENT_CLASSES.get(type_name)
    if found is None:
        found = _ORIGINAL_RESOLVE[0](type_name, default)  # Rasa's own answer, or its error
        if found is not None and found is not default and getattr(found, "type_name", None) == type_name:
            _EVENT_CLASSES[type_name] = found
    return found


_ORIGINAL_RESOLVE: list[Any] = []


def patch() -> None:
    import rasa.telemetry
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import Event

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    if not _ORIGINAL_RESOLVE:
        _ORIGINAL_RESOLVE.append(Event.resolve_by_type)
        Event.resolve_by_type = staticmethod(_resolve_by_type)  # type: ignore[method-assign,assignment]
    # Rasa 3.6 sends uncaught exceptions to its own Sentry project on every start, whatever
    # RASA_TELEMETRY_ENABLED says; an exception message can quote what a person wrote.
    rasa.telemetry.initialize_error_reporting = lambda: None


def main() -> None:
    patch()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()

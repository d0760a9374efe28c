"""`python -m actions.nlu.rasa_run run ...`: Rasa's own command line, with one fix for speed.

Rasa 3.6 checks every action server reply with ``jsonschema.validate``, which validates
the *schema itself* again on each call (jsonschema 4.17 pinned by Rasa): under load this
took about 60 % of the Rasa server's CPU (py-spy, docs/performance.md). The schema never
changes, so the validator is built once; replies are still validated exactly as before.
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


def patch() -> None:
    import rasa.telemetry
    from rasa.core.actions.action import RemoteAction

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
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

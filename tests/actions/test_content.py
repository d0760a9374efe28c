"""The actions' own copy of the responses is the domain's, variant for variant."""

from __future__ import annotations

from typing import Any

from core.content import repository_responses, responses_of


def test_the_repository_responses_are_the_domains(domain: dict[str, Any]) -> None:
    expected = {k: v for k, v in domain["responses"].items()}
    assert repository_responses() == expected
    assert responses_of({}) == expected and responses_of({"responses": {"x": []}}) == {"x": []}

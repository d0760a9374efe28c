"""Shared helpers of the action tests: the real domain, and trackers built inline."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml

if TYPE_CHECKING:  # tests/core run in the bot environment, without rasa_sdk
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    """domain.yml merged with responses/*.yml, as the action server receives it."""
    merged: dict[str, Any] = yaml.safe_load((ROOT / "domain.yml").read_text("utf-8"))
    merged["responses"] = {}
    for path in sorted((ROOT / "responses").glob("*.yml")):
        merged["responses"].update(yaml.safe_load(path.read_text("utf-8")).get("responses") or {})
    return merged


def make_tracker(
    intent: str,
    triage: dict[str, Any] | None = None,
    slots: dict[str, Any] | None = None,
    entities: list[dict[str, Any]] | None = None,
    metadata: dict[str, Any] | None = None,
) -> Tracker:
    from rasa_sdk import Tracker

    latest = {
        "text": "…",
        "intent": {"name": intent, "confidence": 1.0},
        "entities": entities or [],
        "metadata": metadata or {},
    }
    if triage is not None:
        latest["triage"] = triage
    return Tracker("pseudo", slots or {}, latest, [], False, None, {}, "action_listen")


def responses_of(dispatcher: CollectingDispatcher) -> list[str]:
    """Response keys sent, in order ("text" for a step sent as text)."""
    return [m.get("response") or ("text" if m.get("text") else "custom") for m in dispatcher.messages]

"""The single-machine tracker store answers as Rasa's in-memory store does, without re-encoding."""

from __future__ import annotations

from rasa.core.tracker_store import InMemoryTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from runtime.tracker_store import LiveTrackerStore

DOMAIN = Domain.empty()


def two_sessions() -> DialogueStateTracker:
    tracker = DialogueStateTracker("someone", [])
    for event in [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered("hier"),
        SlotSet("step", 1.0),
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered("aujourd'hui"),
    ]:
        tracker.update(event)
    return tracker


async def test_it_answers_like_rasas_in_memory_store() -> None:
    ours, rasas = LiveTrackerStore(DOMAIN), InMemoryTrackerStore(DOMAIN)
    tracker = two_sessions()
    for store in (ours, rasas):
        await store.save(tracker)
    latest, full = await ours.retrieve("someone"), await ours.retrieve_full_tracker("someone")
    expected_latest, expected_full = (
        await rasas.retrieve("someone"),
        await rasas.retrieve_full_tracker("someone"),
    )
    assert (
        latest is not None and full is not None and expected_latest is not None and expected_full is not None
    )
    assert [e.as_dict() for e in latest.events] == [
        e.as_dict() for e in expected_latest.events
    ]  # the latest session only
    assert [e.as_dict() for e in full.events] == [e.as_dict() for e in expected_full.events]
    assert list(await ours.keys()) == list(await rasas.keys()) == ["someone"]
    assert await ours.retrieve("nobody") is None


async def test_a_turn_is_saved_without_encoding_and_a_save_replaces_the_tracker() -> None:
    store = LiveTrackerStore(DOMAIN)
    tracker = DialogueStateTracker("someone", [])
    tracker.update(UserUttered("salut"))
    await store.save(tracker)
    assert await store.retrieve("someone") is tracker  # the object itself: nothing decoded
    await store.save(DialogueStateTracker("someone", []))  # what /oubli's PUT of no events does
    forgotten = await store.retrieve("someone")
    assert forgotten is not None and list(forgotten.events) == []


def test_rasa_builds_it_from_the_endpoints_file() -> None:
    store = TrackerStore.create(EndpointConfig(type="runtime.tracker_store.LiveTrackerStore"), DOMAIN)
    assert isinstance(store, LiveTrackerStore)

"""The single-machine tracker store: Rasa's in-memory store, without a JSON round trip per turn.

Rasa's ``InMemoryTrackerStore`` keeps each conversation as JSON text: every turn it decodes
the whole conversation (every event rebuilt) and encodes it again. After two minutes of the
load test that was about a fifth of the Rasa server's CPU (py-spy, docs/performance.md).
This store keeps the tracker object itself and answers exactly as Rasa's does: the latest
session for a turn, every session for the HTTP API, and a save replaces what was held.

Used by the default single-process layout only (devstack/launcher.py): the scaled layout shares
trackers between replicas through Redis, which must serialise. A conversation is processed
by one request at a time (Rasa's lock store), so handing out the stored object is safe.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.trackers import DialogueStateTracker, get_trackers_for_conversation_sessions


class LiveTrackerStore(TrackerStore):
    """Trackers held as objects in this process's memory (gone when it stops, as with Rasa's)."""

    def __init__(self, domain: Any, event_broker: Any = None, **kwargs: Any) -> None:
        if (
            event_broker is not None
        ):  # the broker diff compares the stored tracker with the saved one: same object here
            raise ValueError(
                "LiveTrackerStore cannot stream to an event broker: use Rasa's InMemoryTrackerStore"
            )
        self.store: dict[str, DialogueStateTracker] = {}
        super().__init__(domain, event_broker, **kwargs)

    async def save(self, tracker: DialogueStateTracker) -> None:
        self.store[tracker.sender_id] = tracker

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The latest conversation session, as InMemoryTrackerStore.retrieve returns it."""
        tracker = self.store.get(sender_id)
        if tracker is None:
            return None
        sessions = get_trackers_for_conversation_sessions(tracker)
        return tracker if len(sessions) <= 1 else sessions[-1]

    async def retrieve_full_tracker(self, sender_id: str) -> DialogueStateTracker | None:
        return self.store.get(sender_id)

    async def keys(self) -> Iterable[str]:
        return self.store.keys()

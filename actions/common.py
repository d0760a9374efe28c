"""What every Relais action does first: the crisis check, and the helpline placeholders."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.core.content import responses_of
from actions.core.helplines import default_directory
from actions.core.labels import CRITICAL, max_urgency
from actions.core.replies import CRISIS_REPLY

CRISIS_OFFER = "utter_general_crisis_offer"


def handoff_payload(tracker: Tracker) -> dict[str, Any]:
    """What a volunteer needs to help — never the user's own words."""
    return {
        "situation": tracker.get_slot("situation") or "none",
        "urgency": tracker.get_slot("urgency") or "low",
        "audience": tracker.get_slot("audience") or "unknown",
        "minor": tracker.get_slot("minor"),
        "platform": tracker.get_slot("platform"),
        "steps_given": list(tracker.get_slot("steps_given") or []),
    }


def alert_a_human(dispatcher: CollectingDispatcher, tracker: Tracker, situation: str | None = None) -> None:
    """A critical message asks the adapter for a volunteer at once, without waiting to be asked."""
    payload = {**handoff_payload(tracker), "urgency": CRITICAL, "trigger": "critical"}
    if situation and situation != "none":
        payload["situation"] = situation
    dispatcher.utter_message(json_message={"handoff": payload})


def country_of(tracker: Tracker) -> str:
    """The user's country: message metadata first, then the slot, else the default."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    return str(metadata.get("country") or tracker.get_slot("country") or default_directory().default_country)


def say(dispatcher: CollectingDispatcher, tracker: Tracker, key: str, **values: Any) -> None:
    """Send a response with the helpline placeholders of the user's country filled."""
    dispatcher.utter_message(response=key, **{**default_directory().placeholders(country_of(tracker)), **values})


def in_register(domain: dict[str, Any], key: str, audience: str | None) -> str:
    """The parents' variant of a general response (vouvoiement), when there is one."""
    parent_key = f"{key}_parent"
    return parent_key if audience == "parent" and parent_key in responses_of(domain) else key


def turn_triage(tracker: Tracker) -> dict[str, Any]:
    """The triage the NLU component wrote for this message (empty for a button payload)."""
    return dict((tracker.latest_message or {}).get("triage") or {})


def crisis_turn(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Emergency contacts first, then the offer to talk now or resume later."""
    dispatcher.utter_message(json_message={"triage": turn_triage(tracker), "conversation_urgency": CRITICAL})
    say(dispatcher, tracker, CRISIS_REPLY)
    say(dispatcher, tracker, CRISIS_OFFER)
    alert_a_human(dispatcher, tracker, turn_triage(tracker).get("situation"))
    return [SlotSet("urgency", CRITICAL)]


class RelaisAction(Action, ABC):
    """Base of the dialogue actions: a critical message interrupts whatever was going on."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if turn_triage(tracker).get("urgency") == CRITICAL:
            return crisis_turn(dispatcher, tracker)
        return await self.act(dispatcher, tracker, domain)

    @abstractmethod
    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """What the action does when the message is not a crisis."""


def conversation_urgency(tracker: Tracker, triage: dict[str, Any]) -> str:
    """The conversation's urgency never goes down (it orders the hand-off queue)."""
    return max_urgency(triage.get("urgency", "low"), tracker.get_slot("urgency") or "low")

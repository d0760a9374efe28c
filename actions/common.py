"""What every Relais action does first: the crisis check, and the helpline placeholders."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from core import replies
from core.content import responses_of
from core.dialogue import default_dialogue
from core.helplines import default_directory
from core.labels import CRITICAL, HIGH, NONE, max_urgency
from core.replies import CRISIS_REPLY

CRISIS_OFFER = "utter_general_crisis_offer"
STOP_CHECK = "utter_general_stop_check"
# The crisis reply that puts the police first: someone is coming, waiting or on the way.
DANGER_REPLY = "utter_general_crisis_danger"
DANGER_CATEGORIES = frozenset({"meeting_now", "physical_danger"})  # of nlu_data/crisis_lexicon.yml

# Read in context, the same words weigh more: once a conversation holds an incident (a
# blackmail, a leak, a threat) or has been urgent, a message whose crisis score reaches
# this share of the detector's threshold is treated as critical. Scores of the learned
# detector are spread between ~0.01 (calm) and ~0.99 (explicit); at 0.5 × the threshold
# a message must still be far closer to the crisis examples than to the calm ones.
IN_INCIDENT_FACTOR = 0.5
# Ending words ("jpeux plus", "j'arrête tout") are never read as a goodbye when the crisis
# score reaches this share of the threshold: the person is asked what they mean, with
# the contacts, before anything is closed.
STOP_CHECK_FACTOR = 0.15
# An unambiguous farewell ("merci, au revoir", "bonne nuit") scores 0.3-0.6 of the threshold
# on its own (farewell notes are crisis examples): it gets the stop check only near the
# threshold itself.
FAREWELL_FACTOR = 0.75


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


def alert_a_human(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    situation: str | None = None,
    audience: str | None = None,
) -> None:
    """A critical message asks the adapter for a volunteer at once, without waiting to be asked.

    The situation and the audience read on this very message are on the card (the slots are
    only set once the action returns).
    """
    payload = {**handoff_payload(tracker), "urgency": CRITICAL, "trigger": "critical"}
    if situation and situation != "none":
        payload["situation"] = situation
    if audience and audience != "unknown":
        payload["audience"] = audience
    dispatcher.utter_message(json_message={"handoff": payload})


def country_of(tracker: Tracker) -> str:
    """The user's country: message metadata first, then the slot, else the default."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    return str(metadata.get("country") or tracker.get_slot("country") or default_directory().default_country)


def say(dispatcher: CollectingDispatcher, tracker: Tracker, key: str, **values: Any) -> None:
    """Send a response with the helpline placeholders of the user's country filled."""
    dispatcher.utter_message(
        response=key, **{**default_directory().placeholders(country_of(tracker)), **values}
    )


def in_register(domain: dict[str, Any], key: str, audience: str | None) -> str:
    """The variant of a response for who is writing (parents: vouvoiement), if the domain has one."""
    return replies.in_register(key, audience, responses_of(domain))


def turn_triage(tracker: Tracker) -> dict[str, Any]:
    """The triage the NLU component wrote for this message (empty for a button payload)."""
    return dict((tracker.latest_message or {}).get("triage") or {})


def audience_of(tracker: Tracker, triage: dict[str, Any]) -> str | None:
    """Who is writing, remembered: what the conversation already knows, unless this message
    reads as a parent's (an adult who says so), else this message's reading.

    A parent relaying "elle m'a dit qu'elle ne voulait plus se réveiller" reads like a friend
    on that message alone; they stay a parent, and keep the vous.
    """
    known = tracker.get_slot("audience")
    reading = triage.get("audience")
    if known in (None, "unknown") or reading == "parent":
        return str(reading) if reading not in (None, "unknown") else known
    return str(known)


def crisis_share(triage: dict[str, Any]) -> float:
    """The message's crisis score as a share of the detector's threshold (1.0: critical alone)."""
    threshold = float(triage.get("critical_threshold") or 0.0)
    return float(triage.get("critical_score") or 0.0) / threshold if threshold > 0 else 0.0


def in_incident(tracker: Tracker) -> bool:
    """The conversation already holds an incident or has been urgent."""
    return (tracker.get_slot("situation") or NONE) != NONE or tracker.get_slot("urgency") in (HIGH, CRITICAL)


def is_critical(tracker: Tracker, triage: dict[str, Any]) -> bool:
    """Critical on its own, or critical in the context of an incident (IN_INCIDENT_FACTOR).

    In an incident, "someone is coming / waiting / I am alone at home" is a danger now
    ("il a dit qu'il venait ce soir", then "je suis seule à la maison").
    """
    if triage.get("urgency") == CRITICAL:
        return True
    if in_incident(tracker) and crisis_share(triage) >= IN_INCIDENT_FACTOR:
        return True
    return (in_incident(tracker) or triage.get("situation", NONE) != NONE) and is_danger(tracker, triage)


def ends_with_distress(triage: dict[str, Any], factor: float = STOP_CHECK_FACTOR) -> bool:
    """Typed ending words ("jpeux plus") with a trace of crisis score (STOP_CHECK_FACTOR)."""
    return triage.get("urgency") != CRITICAL and crisis_share(triage) >= factor


def is_danger(tracker: Tracker, triage: dict[str, Any]) -> bool:
    """Someone is coming, waiting or on the way (lexicon category or the dialogue cue)."""
    text = str((tracker.latest_message or {}).get("text") or "")
    return bool(
        DANGER_CATEGORIES & set(triage.get("crisis") or ())
    ) or "someone_coming" in default_dialogue().fired(text)


def crisis_key(domain: dict[str, Any], tracker: Tracker, triage: dict[str, Any]) -> str:
    """The crisis reply for this message: the police first when someone is coming, in the writer's
    register."""
    return in_register(
        domain, DANGER_REPLY if is_danger(tracker, triage) else CRISIS_REPLY, triage.get("audience")
    )


def crisis_turn(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
) -> list[EventType]:
    """Emergency contacts first, in the writer's register, then the offer to talk now or resume later."""
    triage = {**turn_triage(tracker), "urgency": CRITICAL}
    triage["audience"] = audience_of(tracker, triage) or triage.get("audience", "unknown")
    dispatcher.utter_message(json_message={"triage": triage, "conversation_urgency": CRITICAL})
    say(dispatcher, tracker, crisis_key(domain, tracker, triage))
    say(dispatcher, tracker, in_register(domain, CRISIS_OFFER, triage["audience"]))
    alert_a_human(dispatcher, tracker, triage.get("situation"), triage.get("audience"))
    events: list[EventType] = [SlotSet("urgency", CRITICAL)]
    if triage.get("audience") not in (None, "unknown"):
        events.append(SlotSet("audience", triage["audience"]))
    return events


class RelaisAction(Action, ABC):
    """Base of the dialogue actions: a critical message interrupts whatever was going on.

    For action authors: ``tracker.events`` holds **the current turn only** (from the latest user
    message on), not the conversation's history: runtime/rasa_run.py trims what Rasa sends to keep
    each call small. Read what you need from the slots and ``tracker.latest_message``; to remember
    something across turns, set a slot (domain.yml).
    """

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if is_critical(tracker, turn_triage(tracker)):
            return crisis_turn(dispatcher, tracker, domain)
        return await self.act(dispatcher, tracker, domain)

    @abstractmethod
    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """What the action does when the message is not a crisis."""


def conversation_urgency(tracker: Tracker, triage: dict[str, Any]) -> str:
    """The conversation's urgency never goes down (it orders the hand-off queue)."""
    return max_urgency(triage.get("urgency", "low"), tracker.get_slot("urgency") or "low")

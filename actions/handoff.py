"""Hand-off request: a structured payload for the adapter, and who is open while waiting."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    RelaisAction,
    audience_of,
    country_of,
    handoff_payload,
    in_register,
    say,
    turn_triage,
)
from actions.helplines import open_now_list
from actions.steps import begin_steps
from core.dialogue import default_dialogue
from core.labels import NONE
from core.replies import ack_key
from core.track import situation_scores


def request_person(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any], audience: str | None
) -> None:
    """Ask the adapter for a volunteer, and show who can be reached right now meanwhile."""
    payload = handoff_payload(tracker)
    if audience not in (None, "unknown"):
        payload["audience"] = audience  # read on this very message: the card and the reply know it
    dispatcher.utter_message(json_message={"handoff": payload})
    key = in_register(domain, "utter_general_handoff_requested", audience)
    say(dispatcher, tracker, key, open_now=open_now_list(domain, country_of(tracker)))


class ActionRequestHandoff(RelaisAction):
    """Asks the adapter for a human, and shows who can be reached right now meanwhile."""

    def name(self) -> str:
        return "action_request_handoff"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text = str((tracker.latest_message or {}).get("text") or "")
        audience = audience_of(tracker, turn_triage(tracker))
        lexicon = default_dialogue()
        if (
            text
            and lexicon.is_question(text)
            and lexicon.faq_topic(text) == "bot_identity"
            and "ask_person" not in lexicon.fired(text)
        ):
            # "tu es un robot ?" is a question to the bot, not a request: an honest answer.
            say(dispatcher, tracker, in_register(domain, "utter_faq_bot_identity", audience))
            return []
        if text and "want_to_talk" in lexicon.fired(text) and "ask_person" not in lexicon.fired(text):
            # "je veux pas d'étapes, je veux juste parler": listened to, a person offered.
            say(dispatcher, tracker, in_register(domain, "utter_general_listen", audience))
            return []
        request_person(dispatcher, tracker, domain, audience)
        return advice_too(dispatcher, tracker, domain, audience)


# A typed request that also tells an incident ("je veux parler à un bénévole, un adulte me
# demande des photos") is read as a request; the incident is its runner-up reading, and
# its advice follows when the model gives it at least this confidence.
RUNNER_UP_FLOOR = 0.2
TOLD_WORDS = 6  # "je veux parler a quelqu'un svp" tells no incident


def advice_too(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any], audience: str | None
) -> list[EventType]:
    """The request *and* the advice, when the request also told an incident and none is followed yet."""
    message = tracker.latest_message or {}
    text = str(message.get("text") or "")
    current = tracker.get_slot("situation") or NONE
    if text.startswith("/") or len(text.split()) < TOLD_WORDS or current != NONE:
        return []
    scores = situation_scores(message.get("intent_ranking") or [])
    best = max(scores, key=scores.__getitem__) if scores else None
    if best is None or scores[best] < RUNNER_UP_FLOOR:
        return []
    say(dispatcher, tracker, ack_key(best, audience))
    events: list[EventType] = [SlotSet("situation", best), SlotSet("step", 0.0)]
    if audience not in (None, "unknown"):
        events.append(SlotSet("audience", audience))
    minor = tracker.get_slot("minor")
    return events + begin_steps(
        dispatcher, tracker, domain, best, audience, minor if isinstance(minor, bool) else None
    )

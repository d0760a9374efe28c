"""Triage action: read the NLU decision, keep it in slots, decide the first reply."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    CRISIS_OFFER,
    STOP_CHECK,
    alert_a_human,
    audience_of,
    conversation_urgency,
    ends_with_distress,
    in_register,
    is_critical,
    say,
    turn_triage,
)
from actions.core.labels import CRITICAL, HIGH, NONE
from actions.core.normalize import fold
from actions.core.replies import CRISIS_REPLY, FALLBACK_REPLY, NONE_REPLIES, reply_keys
from actions.core.steps import CONFIRM_BELOW, minor_from_age, typed_minor_answer
from actions.steps import begin_steps, show_step

MISUNDERSTOOD_OFFER_AFTER = 2
SHORT_ANSWER_WORDS = 4  # "j'ai 14 ans", "je suis majeure", "oui jcrois"


class ActionTriageMessage(Action):
    """Decides the reply to a free-text message from the triage the NLU component wrote."""

    def name(self) -> str:
        return "action_triage_message"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        message = tracker.latest_message or {}
        triage = turn_triage(tracker)
        intent = (message.get("intent") or {}).get("name")
        if not triage and intent == "express_distress":
            # The "Je n'en peux plus" button of the stop check: the person said it.
            triage = {"situation": NONE, "urgency": CRITICAL, "audience": "victim", "confidence": 1.0}
        if is_critical(tracker, triage):
            triage = {**triage, "urgency": CRITICAL}  # in context (actions/common.py)
        if triage and (register := audience_of(tracker, triage)):
            triage = {**triage, "audience": register}  # who is writing is remembered
        urgency = conversation_urgency(tracker, triage)
        dispatcher.utter_message(json_message={"triage": triage, "conversation_urgency": urgency})
        if tracker.get_slot("asked") == "minor" and triage.get("urgency") != CRITICAL:
            # A typed answer to the age question does exactly what its button does. A short
            # answer is one whatever the model reads in it ("jai 14 ans" alone looks like the
            # start of a grooming story); a longer message must describe no incident.
            folded = fold(message.get("text") or "")
            age = next(tracker.get_latest_entity_values("age"), None)
            answered, minor = typed_minor_answer(folded, intent, age)
            if answered and (triage.get("situation", NONE) == NONE or len(folded.split()) <= SHORT_ANSWER_WORDS):
                return [SlotSet("urgency", urgency), SlotSet("minor", minor), SlotSet("asked", None),
                        *show_step(dispatcher, tracker, domain, 1, None, None, minor)]
        if intent == "goodbye" and ends_with_distress(triage):
            # An ending word with a trace of distress is never read as a goodbye.
            say(dispatcher, tracker, STOP_CHECK)
            return [SlotSet("urgency", urgency)]
        keys = reply_keys(triage, intent)
        register = triage.get("audience")
        for key in keys:  # emergency contacts first when critical, in the writer's register
            say(dispatcher, tracker, in_register(domain, key, register) if key in (CRISIS_REPLY, *NONE_REPLIES.values()) else key)

        events: list[EventType] = [SlotSet("urgency", urgency)]
        # Two misunderstandings in a row: offer a person rather than a third "rephrase".
        before = int(tracker.get_slot("misunderstood") or 0)
        misunderstood = before + 1 if keys == [FALLBACK_REPLY] else 0
        if misunderstood >= MISUNDERSTOOD_OFFER_AFTER:
            say(dispatcher, tracker, "utter_general_handoff_offer_misunderstood")
            misunderstood = 0
        if misunderstood != before:
            events.append(SlotSet("misunderstood", float(misunderstood)))
        situation = triage.get("situation", NONE)
        audience = triage.get("audience")
        minor = minor_from_age(next(tracker.get_latest_entity_values("age"), None))
        if minor is None:
            minor = tracker.get_slot("minor")
        else:
            events.append(SlotSet("minor", minor))
        if situation != NONE:
            # A new situation restarts the steps (the user may change situation at any time).
            events += [SlotSet("situation", situation), SlotSet("step", 0.0)]
        if audience not in (None, "unknown"):
            events.append(SlotSet("audience", audience))

        if triage.get("urgency") == CRITICAL:
            # The steps wait: they resume only if the user asks (button in the offer).
            say(dispatcher, tracker, in_register(domain, CRISIS_OFFER, register))
            alert_a_human(dispatcher, tracker, situation)
            return events
        if situation == NONE:
            return events
        if triage.get("urgency") == HIGH:
            say(dispatcher, tracker, in_register(domain, "utter_general_handoff_offer", register))  # a person, if accepted
        if float(triage.get("confidence", 0.0)) < CONFIRM_BELOW:
            say(dispatcher, tracker, "utter_general_confirm_situation")
            return events
        return events + begin_steps(dispatcher, tracker, domain, situation, register, minor)

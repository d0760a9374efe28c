"""Step-by-step advice: start, next, previous, resume; the wellbeing check at the end."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    STOP_CHECK,
    RelaisAction,
    country_of,
    crisis_turn,
    ends_with_distress,
    in_incident,
    in_register,
    say,
    turn_triage,
)
from core.content import responses_of
from core.helplines import default_directory
from core.labels import NONE
from core.steps import age_matters, step_keys, step_text

STEP_MENU = "utter_general_step_menu"


def show_step(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    domain: dict[str, Any],
    number: int,
    situation: str | None = None,
    audience: str | None = None,
    minor: bool | None = None,
) -> list[EventType]:
    """Send step ``number`` (1-based) with its menu, or the wellbeing check after the last one."""
    situation = situation or tracker.get_slot("situation")
    audience = audience or tracker.get_slot("audience")
    minor = minor if minor is not None else tracker.get_slot("minor")
    responses = responses_of(domain)
    keys = step_keys(responses, situation or NONE, audience)
    if not situation or situation == NONE or not keys:
        say(dispatcher, tracker, "utter_general_no_steps_yet")
        return []
    if number > len(keys):
        say(dispatcher, tracker, in_register(domain, "utter_general_wellbeing", audience))
        return [SlotSet("step", float(len(keys) + 1)), SlotSet("asked", "wellbeing")]
    key = keys[number - 1]
    text = default_directory().fill(step_text(responses, key, minor), country_of(tracker))
    dispatcher.utter_message(text=text)
    step_menu(dispatcher, tracker, domain, audience)
    given = list(tracker.get_slot("steps_given") or [])
    return [
        SlotSet("step", float(number)),
        SlotSet("steps_given", [*given, key] if key not in given else given),
    ]


def step_menu(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any], audience: str | None
) -> None:
    """The step buttons (next, a question, a person, the numbers), in the writer's register."""
    say(dispatcher, tracker, in_register(domain, STEP_MENU, audience or tracker.get_slot("audience")))


def begin_steps(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    domain: dict[str, Any],
    situation: str,
    audience: str | None,
    minor: bool | None,
) -> list[EventType]:
    """Ask the age only when it changes this situation's advice, else show step 1."""
    if minor is None and age_matters(responses_of(domain), situation):
        say(dispatcher, tracker, "utter_general_ask_minor")
        return [SlotSet("step", 0.0), SlotSet("asked", "minor")]
    return show_step(dispatcher, tracker, domain, 1, situation, audience, minor)


def _entity(tracker: Tracker, name: str) -> Any:
    return next(tracker.get_latest_entity_values(name), None)


class ActionStartSteps(RelaisAction):
    """Decides what follows a confirmed situation or an answered age question."""

    def name(self) -> str:
        return "action_start_steps"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        situation = tracker.get_slot("situation")
        events: list[EventType] = []
        if intent == "choose_situation":
            situation = _entity(tracker, "situation") or NONE
            events += [SlotSet("situation", situation), SlotSet("asked", None), SlotSet("evidence", None)]
        if not situation or situation == NONE:
            say(
                dispatcher,
                tracker,
                in_register(domain, "utter_general_ask_what_happens", tracker.get_slot("audience")),
            )
            return [*events, SlotSet("asked", None)]
        if intent == "set_minor":
            # Answered or declined, the age is not asked again; unknown age gets the
            # default advice, written for minors.
            value = _entity(tracker, "minor")
            minor = value if isinstance(value, bool) else None
            return [
                *events,
                SlotSet("minor", minor),
                SlotSet("asked", None),
                *show_step(dispatcher, tracker, domain, 1, situation, None, minor),
            ]
        minor = tracker.get_slot("minor")
        return events + begin_steps(
            dispatcher, tracker, domain, situation, tracker.get_slot("audience"), minor
        )


class ActionNextStep(RelaisAction):
    """Decides the next step (or the wellbeing check after the last one)."""

    def name(self) -> str:
        return "action_next_step"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return show_step(dispatcher, tracker, domain, int(tracker.get_slot("step") or 0) + 1)


class ActionPreviousStep(RelaisAction):
    """Decides to show the previous step again, if there is one."""

    def name(self) -> str:
        return "action_previous_step"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        current = int(tracker.get_slot("step") or 0)
        if current <= 1:
            say(dispatcher, tracker, "utter_general_no_previous_step")
            return []
        return show_step(dispatcher, tracker, domain, current - 1)


class ActionResumeSteps(RelaisAction):
    """After an interruption, shows the current step again (or the first one)."""

    def name(self) -> str:
        return "action_resume_steps"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return show_step(dispatcher, tracker, domain, max(int(tracker.get_slot("step") or 0), 1))


class ActionAnswerQuestion(RelaisAction):
    """Invites the question in the user's own words (it will be triaged like any message)."""

    def name(self) -> str:
        return "action_answer_question"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        say(dispatcher, tracker, in_register(domain, "utter_general_question", tracker.get_slot("audience")))
        return [SlotSet("asked", "question")]


class ActionCheckWellbeing(RelaisAction):
    """Answers the wellbeing check: resources, and a person to talk to when it is hard."""

    def name(self) -> str:
        return "action_check_wellbeing"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        better = _entity(tracker, "mood") == "better"
        key = "utter_general_wellbeing_better" if better else "utter_general_wellbeing_bad"
        say(dispatcher, tracker, in_register(domain, key, tracker.get_slot("audience")))
        return [SlotSet("asked", None)]


class ActionStopConversation(RelaisAction):
    """Stops the steps at the user's request, leaving the resources."""

    def name(self) -> str:
        return "action_stop_conversation"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        # The button and the command stop at once; typed words with a trace of distress
        # ("jpeux plus", "j'arrête tout") first get the question and the contacts.
        audience = tracker.get_slot("audience")
        if in_incident(tracker) and ends_with_distress(turn_triage(tracker)):
            # After a blackmail story, "jpeux plus" weighs more: the contacts first.
            return crisis_turn(dispatcher, tracker, domain)
        if ends_with_distress(turn_triage(tracker)):
            say(dispatcher, tracker, in_register(domain, STOP_CHECK, audience))
            return []
        say(dispatcher, tracker, in_register(domain, "utter_general_stopped", audience))
        return [SlotSet("asked", None)]

"""Step actions: order, age question, menu, wellbeing check, crisis interruption."""

from __future__ import annotations

from typing import Any

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.steps import ActionNextStep, ActionPreviousStep, ActionResumeSteps, ActionStartSteps
from core.helplines import default_directory
from core.steps import step_keys, step_text
from tests.actions.conftest import make_tracker, responses_of

CRITICAL = {"situation": "none", "urgency": "critical", "audience": "victim", "confidence": 0.9}


async def run(action: Any, tracker: Any, domain: dict[str, Any]) -> tuple[CollectingDispatcher, list[Any]]:
    dispatcher = CollectingDispatcher()
    return dispatcher, await action.run(dispatcher, tracker, domain)


async def test_next_step_sends_the_following_step_with_its_menu(domain: dict[str, Any]) -> None:
    slots = {"situation": "harassment", "audience": "parent", "step": 2.0, "steps_given": ["a", "b"]}
    dispatcher, events = await run(ActionNextStep(), make_tracker("next_step", slots=slots), domain)
    third = step_keys(domain["responses"], "harassment", "parent")[2]
    assert dispatcher.messages[0]["text"] == default_directory().fill(
        step_text(domain["responses"], third, None), "FR"
    )
    assert responses_of(dispatcher) == ["text", "utter_general_step_menu_parent"]  # vouvoiement for parents
    assert SlotSet("step", 3.0) in events
    assert SlotSet("steps_given", ["a", "b", third]) in events


async def test_after_the_last_step_comes_the_wellbeing_check(domain: dict[str, Any]) -> None:
    last = len(step_keys(domain["responses"], "doxxing", "victim"))
    tracker = make_tracker("next_step", slots={"situation": "doxxing", "step": float(last)})
    dispatcher, events = await run(ActionNextStep(), tracker, domain)
    assert responses_of(dispatcher) == ["utter_general_wellbeing"]


async def test_previous_step_and_its_limit(domain: dict[str, Any]) -> None:
    def at(step: float) -> Any:
        return make_tracker("previous_step", slots={"situation": "grooming", "step": step})

    dispatcher, events = await run(ActionPreviousStep(), at(3.0), domain)
    assert SlotSet("step", 2.0) in events
    dispatcher, events = await run(ActionPreviousStep(), at(1.0), domain)
    assert responses_of(dispatcher) == ["utter_general_no_previous_step"] and events == []


async def test_no_steps_before_a_situation_is_known(domain: dict[str, Any]) -> None:
    dispatcher, _ = await run(ActionNextStep(), make_tracker("next_step"), domain)
    assert responses_of(dispatcher) == ["utter_general_no_steps_yet"]


async def test_a_chosen_situation_asks_the_age_when_it_changes_the_advice(domain: dict[str, Any]) -> None:
    entities = [{"entity": "situation", "value": "sextortion"}]
    dispatcher, events = await run(
        ActionStartSteps(), make_tracker("choose_situation", entities=entities), domain
    )
    assert responses_of(dispatcher) == ["utter_general_ask_minor"]
    assert SlotSet("situation", "sextortion") in events


async def test_an_adult_gets_the_adult_variation(domain: dict[str, Any]) -> None:
    responses = domain["responses"]
    key = next(k for k in step_keys(responses, "sextortion", "victim") if len(responses[k]) > 1)
    number = step_keys(responses, "sextortion", "victim").index(key) + 1
    tracker = make_tracker(
        "next_step", slots={"situation": "sextortion", "step": float(number - 1), "minor": False}
    )
    dispatcher, _ = await run(ActionNextStep(), tracker, domain)
    assert dispatcher.messages[0]["text"] == default_directory().fill(step_text(responses, key, False), "FR")
    assert step_text(responses, key, False) != step_text(responses, key, None)


async def test_answering_the_age_shows_step_one(domain: dict[str, Any]) -> None:
    tracker = make_tracker(
        "set_minor", slots={"situation": "image_sharing"}, entities=[{"entity": "minor", "value": True}]
    )
    dispatcher, events = await run(ActionStartSteps(), tracker, domain)
    assert SlotSet("minor", True) in events and SlotSet("step", 1.0) in events
    assert responses_of(dispatcher) == ["text", "utter_general_step_menu"]


async def test_a_crisis_message_interrupts_the_steps(domain: dict[str, Any]) -> None:
    tracker = make_tracker("next_step", triage=CRITICAL, slots={"situation": "harassment", "step": 2.0})
    dispatcher, events = await run(ActionNextStep(), tracker, domain)
    assert responses_of(dispatcher) == [
        "custom",
        "utter_general_crisis",
        "utter_general_crisis_offer",
        "custom",
    ]
    assert dispatcher.messages[-1]["custom"]["handoff"]["trigger"] == "critical"  # a volunteer is alerted
    assert events == [
        SlotSet("urgency", "critical"),
        SlotSet("audience", "victim"),
    ]  # the step is not advanced


async def test_resume_shows_the_current_step_again(domain: dict[str, Any]) -> None:
    tracker = make_tracker("resume_steps", slots={"situation": "harassment", "step": 2.0})
    dispatcher, events = await run(ActionResumeSteps(), tracker, domain)
    assert SlotSet("step", 2.0) in events


async def test_without_the_domain_the_actions_read_the_same_responses(domain: dict[str, Any]) -> None:
    # Selective domain: Rasa sends no domain; the steps must be the same as with it.
    slots = {"situation": "harassment", "audience": "parent", "step": 1.0, "steps_given": []}
    with_domain, _ = await run(ActionNextStep(), make_tracker("next_step", slots=slots), domain)
    without, events = await run(ActionNextStep(), make_tracker("next_step", slots=slots), {})
    assert without.messages == with_domain.messages and SlotSet("step", 2.0) in events


async def test_typed_stop_words_with_distress_get_the_question_and_the_contacts(
    domain: dict[str, Any],
) -> None:
    from actions.steps import ActionStopConversation

    distress = {
        "situation": "none",
        "urgency": "low",
        "audience": "unknown",
        "confidence": 0.9,
        "critical_score": 0.3,
        "critical_threshold": 0.9,
    }
    dispatcher, _ = await run(ActionStopConversation(), make_tracker("stop", triage=distress), domain)
    assert responses_of(dispatcher) == ["utter_general_stop_check"]
    dispatcher, _ = await run(ActionStopConversation(), make_tracker("stop"), domain)  # the button
    assert responses_of(dispatcher) == ["utter_general_stopped"]

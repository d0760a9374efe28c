"""The triage action in the conversation's context (issue #12): answers, questions, branches."""

from __future__ import annotations

from typing import Any

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionRequestHandoff
from actions.triage import ActionTriageMessage
from tests.actions.conftest import make_tracker, responses_of

IN_STEPS = {"situation": "sextortion", "step": 2.0, "urgency": "high", "audience": "victim"}


def triage(
    situation: str = "none", urgency: str = "low", audience: str = "victim", score: float = 0.0
) -> dict[str, Any]:
    return {
        "situation": situation,
        "urgency": urgency,
        "audience": audience,
        "confidence": 0.9,
        "critical_score": score,
        "critical_threshold": 0.3,
    }


def said(intent: str, text: str, slots: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    tracker = make_tracker(intent, triage(**kwargs), slots)
    tracker.latest_message["text"] = text
    return tracker


async def run(tracker: Any, domain: dict[str, Any], action: Any = None) -> tuple[list[str], list[Any]]:
    dispatcher = CollectingDispatcher()
    events = await (action or ActionTriageMessage()).run(dispatcher, tracker, domain)
    return responses_of(dispatcher), events


async def test_a_question_mid_steps_gets_its_answer_then_the_step_buttons(domain: dict[str, Any]) -> None:
    keys, _ = await run(said("ask_info", "comment on bloque quelqu'un sur snap ?", IN_STEPS), domain)
    assert keys[1:] == ["utter_faq_block_report", "utter_general_step_menu"]


async def test_a_question_the_faq_does_not_hold_is_answered_honestly(domain: dict[str, Any]) -> None:
    keys, _ = await run(said("ask_info", "c'est quoi le meilleur antivirus ?"), domain)
    assert keys[1:] == ["utter_general_no_answer"]


async def test_are_you_a_robot_gets_an_honest_answer_and_no_request(domain: dict[str, Any]) -> None:
    keys, _ = await run(said("ask_bot", "tu es un robot ?"), domain)
    assert keys[1:] == ["utter_faq_bot_identity"]
    dispatcher = CollectingDispatcher()
    await ActionRequestHandoff().run(dispatcher, said("ask_human", "t'es un robot ?"), domain)
    assert not any("handoff" in (m.get("custom") or {}) for m in dispatcher.messages)


async def test_a_request_for_a_person_with_an_incident_gets_both(domain: dict[str, Any]) -> None:
    tracker = said(
        "grooming",
        "je veux parler a un benevole, un adulte me demande des photos sur discord",
        situation="grooming",
        urgency="high",
    )
    keys, _ = await run(tracker, domain)
    assert keys[1:3] == ["custom", "utter_general_handoff_requested"]  # the request...
    assert "utter_grooming_ack" in keys  # ...and the advice


async def test_someone_coming_in_an_incident_gets_the_police_first(domain: dict[str, Any]) -> None:
    tracker = said("out_of_scope", "je suis seule a la maison", {"situation": "doxxing", "step": 1.0})
    keys, events = await run(tracker, domain)
    assert keys[1] == "utter_general_crisis_danger"
    assert SlotSet("urgency", "critical") in events


async def test_hopelessness_after_a_blackmail_story_is_a_crisis(domain: dict[str, Any]) -> None:
    keys, _ = await run(
        said("express_distress", "de toute façon à quoi bon", IN_STEPS, urgency="medium"), domain
    )
    assert keys[1] == "utter_general_crisis"


async def test_ending_words_mid_incident_get_the_contacts_first(domain: dict[str, Any]) -> None:
    keys, _ = await run(said("goodbye", "jpeux plus", IN_STEPS, score=0.1), domain)
    assert keys[1] == "utter_general_crisis"


async def test_a_clear_farewell_is_a_goodbye(domain: dict[str, Any]) -> None:
    keys, _ = await run(said("thanks", "merci, bonne nuit", score=0.15), domain)
    assert keys[1:] == ["utter_general_goodbye"]


async def test_emoji_distress_is_never_a_yes(domain: dict[str, Any]) -> None:
    keys, _ = await run(said("affirm", "😭😭😭", {**IN_STEPS, "asked": "minor"}), domain)
    assert keys[1:] == ["utter_general_distress", "utter_general_step_menu"]


async def test_branches_already_paid_and_self_blame(domain: dict[str, Any]) -> None:
    keys, _ = await run(
        said(
            "sextortion", "jlui ai deja envoyé 50 balles et jsuis trop con", IN_STEPS, situation="sextortion"
        ),
        domain,
    )
    assert keys[1:] == [
        "utter_general_not_your_fault",
        "utter_general_already_complied",
        "utter_general_step_menu",
    ]


async def test_i_just_want_to_talk_gets_listened_to(domain: dict[str, Any]) -> None:
    keys, _ = await run(said("out_of_scope", "jveux pas d'étapes jveux juste parler", IN_STEPS), domain)
    assert keys[1:] == ["utter_general_listen"]


async def test_english_gets_an_english_answer_and_stays_english(domain: dict[str, Any]) -> None:
    keys, events = await run(
        said("grooming", "a man i met online wants to meet me tonight please help", situation="grooming"),
        domain,
    )
    assert keys[1:] == ["utter_general_english"] and SlotSet("language", "en") in events
    keys, _ = await run(said("affirm", "im 13", {"language": "en"}), domain)
    assert keys[1:] == ["utter_general_english"]


async def test_a_typed_wellbeing_answer_does_what_its_button_does(domain: dict[str, Any]) -> None:
    keys, events = await run(
        said("deny", "pas trop", {**IN_STEPS, "asked": "wellbeing", "step": 8.0}), domain
    )
    assert keys[1:] == ["utter_general_wellbeing_bad"] and SlotSet("asked", None) in events


async def test_a_parent_who_says_so_is_answered_with_vous(domain: dict[str, Any]) -> None:
    keys, events = await run(
        said("out_of_scope", "Bonjour, c'est le papa de Nathan.", audience="victim"), domain
    )
    assert keys[1:] == ["utter_general_ask_what_happens_parent"] and SlotSet("audience", "parent") in events


async def test_more_of_the_same_story_is_noted_once(domain: dict[str, Any]) -> None:
    keys, _ = await run(
        said("sextortion", "et il m'a donné jusqu'à ce soir", IN_STEPS, situation="sextortion"), domain
    )
    assert keys[1:] == ["utter_general_noted", "utter_general_step_menu"]


async def test_a_country_told_gives_that_countrys_numbers_at_once(domain: dict[str, Any]) -> None:
    tracker = said("out_of_scope", "je suis en Belgique")
    tracker.latest_message["metadata"] = {"country": "FR"}
    dispatcher = CollectingDispatcher()
    events = await ActionTriageMessage().run(dispatcher, tracker, domain)
    assert responses_of(dispatcher)[1:] == ["utter_general_country_noted"]
    assert dispatcher.messages[1]["emergency"] == "le 101 (police) ou le 112"  # Belgium's, this very reply
    assert dispatcher.messages[0]["custom"]["triage"]["country"] == "BE"  # the adapter keeps it
    assert SlotSet("country", "BE") in events


async def test_a_hesitant_opener_is_invited_to_tell(domain: dict[str, Any]) -> None:
    keys, _ = await run(said("out_of_scope", "mdr jsp si ca compte"), domain)
    assert keys[1:] == ["utter_general_ask_what_happens"]


async def test_the_volunteers_card_says_a_parent_wrote_from_the_first_message(domain: dict[str, Any]) -> None:
    tracker = said(
        "express_distress",
        "ma fille m'a dit qu'elle voulait plus vivre",
        urgency="critical",
        audience="parent",
    )
    dispatcher = CollectingDispatcher()
    await ActionTriageMessage().run(dispatcher, tracker, domain)
    card = next(m["custom"]["handoff"] for m in dispatcher.messages if "handoff" in (m.get("custom") or {}))
    assert card["audience"] == "parent" and card["urgency"] == "critical"

"""Triage action: read the NLU decision in the conversation's context, keep it in slots, reply.

The order is the order of what matters (docs/dialogue.md):
1. a crisis, read in context, gets the emergency contacts first — whatever was asked;
2. a message in English gets the English answer (numbers included);
3. an answer to the question the bot just asked does what its button does;
4. ending words with distress, emoji-only distress: never a goodbye;
5. a question gets its FAQ answer, then the person is back where they were;
6. a request for a person, wherever it is said (with an incident: the request *and* the advice);
7. the branches people take (already paid, it stopped, just want to talk, self-blame);
8. the incident: told whole or in pieces, acknowledged once, switched when a new one is told.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    CRISIS_OFFER,
    FAREWELL_FACTOR,
    STOP_CHECK,
    STOP_CHECK_FACTOR,
    alert_a_human,
    audience_of,
    conversation_urgency,
    crisis_key,
    ends_with_distress,
    in_incident,
    in_register,
    is_critical,
    say,
    turn_triage,
)
from actions.handoff import request_person
from actions.steps import begin_steps, show_step, step_menu
from core.dialogue import default_dialogue
from core.labels import CRITICAL, HIGH, NONE
from core.normalize import fold
from core.replies import FALLBACK_REPLY, NONE_REPLIES, ack_key
from core.steps import CONFIRM_BELOW, minor_from_age, typed_minor_answer
from core.track import accumulate, decided, situation_scores, switches

MISUNDERSTOOD_OFFER_AFTER = 2
SHORT_ANSWER_WORDS = 4  # "j'ai 14 ans", "je suis majeure", "oui jcrois"
# A typed answer to the situation menu names its situation with at least this confidence.
TYPED_SITUATION_FLOOR = 0.25
# Branches that answer only inside an incident about images or blackmail.
COMPLIED_SITUATIONS = frozenset({"sextortion", "grooming", "image_sharing"})
SMALL_TALK = frozenset({"affirm", "deny", "thanks", "greet"})
# A parent's "il a 13 ans" is the child's age (in a teen's message it may be the aggressor's).
CHILD_AGE = re.compile(r"\b(\d{1,2}) ?ans\b")
ADULT = 18
# A message of a few words that mentions an age ("il a 13 ans comme moi") tells an age, not an incident.
AGE_MENTION = re.compile(r"\b\d{1,2} ?ans\b")
AGE_MESSAGE_WORDS = 6
# A more serious situation switches the track only when the model is at least this sure
# ("sur un groupe telegram avec ma photo" after a doxxing story is no leak of intimate images).
SWITCH_CONFIDENCE = 0.75
# A fragment this short switches only to blackmail: "sur un groupe telegram avec ma photo"
# after a doxxing story is a detail of it, even if read as a leak of intimate images.
FRAGMENT_WORDS = 8


class ActionTriageMessage(Action):
    """Decides the reply to a free-text message from the triage the NLU component wrote."""

    def name(self) -> str:
        return "action_triage_message"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        turn = Turn(dispatcher, tracker, domain)
        return turn.decide()


class Turn:
    """One free-text message: its triage in context, and the events that keep it."""

    def __init__(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> None:
        self.dispatcher, self.tracker, self.domain = dispatcher, tracker, domain
        message = tracker.latest_message or {}
        self.text = str(message.get("text") or "")
        self.folded = fold(self.text)
        self.intent = (message.get("intent") or {}).get("name")
        self.ranking = list(message.get("intent_ranking") or [])
        self.lexicon = default_dialogue()
        self.cues = self.lexicon.fired(self.text)
        triage = turn_triage(tracker)
        if not triage and self.intent == "express_distress":
            # The "Je n'en peux plus" button of the stop check: the person said it.
            triage = {"situation": NONE, "urgency": CRITICAL, "audience": "victim", "confidence": 1.0}
        alone = triage.get("urgency") == CRITICAL
        in_context = is_critical(tracker, triage) or self.still_in_crisis(triage)
        if alone or (in_context and not self.service_question()):
            triage = {**triage, "urgency": CRITICAL}  # in context (actions/common.py)
        if triage and (register := audience_of(tracker, triage)):
            triage = {**triage, "audience": register}  # who is writing is remembered
        if triage and (said := self.says_who(triage.get("audience"))):
            triage = {**triage, "audience": said}  # "c'est le papa de Nathan", "c'est pour ma pote"
        if triage and (told := self.lexicon.country(self.text)):
            # "je suis en Belgique": that country's helplines from this very reply on (the
            # adapter keeps it, as if chosen with /pays).
            triage = {**triage, "country": told}
            metadata = message.setdefault("metadata", {}) if isinstance(message, dict) else {}
            metadata["country"] = told
        self.triage = triage
        self.register = triage.get("audience")
        self.urgency = conversation_urgency(tracker, triage)
        self.events: list[EventType] = [SlotSet("urgency", self.urgency)]
        if self.register not in (None, "unknown"):
            self.events.append(SlotSet("audience", self.register))
        if "country" in triage:
            self.events.append(SlotSet("country", triage["country"]))

    # -- helpers ---------------------------------------------------------------------------
    def still_in_crisis(self, triage: dict[str, Any]) -> bool:
        """After a crisis or a blackmail story, "il répond plus" or "jpeux plus" is the crisis going on."""
        if not in_incident(self.tracker):
            return False
        if "no_answer" in self.cues and self.tracker.get_slot("urgency") == CRITICAL:
            return True
        if "hopeless" in self.cues:
            return True  # "à quoi bon" after a blackmail story
        # Ending words without a farewell ("jpeux plus", "j'arrête tout"); a farewell in an
        # incident is critical from IN_INCIDENT_FACTOR, like any message (is_critical).
        return (
            self.intent in ("goodbye", "stop") and "farewell" not in self.cues and ends_with_distress(triage)
        )

    def service_question(self) -> bool:
        """A question about a service ("Take It Down, ça marche pour ma fille ?"): context alone does not make
        it a crisis."""
        return self.lexicon.is_question(self.text) and self.lexicon.faq_topic(self.text) not in (
            None,
            "bot_identity",
        )

    def says_who(self, reading: str | None) -> str | None:
        """Who the writer says they are, when they say it: a parent stays a parent."""
        if "parent_says_so" in self.cues:
            return "parent"
        if (
            "witness_says_so" in self.cues
            and reading != "parent"
            and self.tracker.get_slot("audience") != "parent"
        ):
            return "witness"
        return None

    def say(self, key: str, **values: Any) -> None:
        say(self.dispatcher, self.tracker, in_register(self.domain, key, self.register), **values)

    @property
    def situation(self) -> str:
        """The conversation's incident so far."""
        return str(self.tracker.get_slot("situation") or NONE)

    @property
    def step(self) -> int:
        return int(self.tracker.get_slot("step") or 0)

    def minor(self) -> bool | None:
        age = next(self.tracker.get_latest_entity_values("age"), None)
        if age is None and self.register == "parent":
            # "je suis la maman de Lucas, il a 13 ans", "une jeune de 15 ans que j'accompagne":
            # an age under 18 in a parent's message is the child's (an adult's would be 18+).
            under = [int(a) for a in CHILD_AGE.findall(self.folded) if int(a) < ADULT]
            age = under[0] if under else None
        minor = minor_from_age(age)
        if minor is not None:
            self.events.append(SlotSet("minor", minor))
            return minor
        value = self.tracker.get_slot("minor")
        return value if isinstance(value, bool) else None

    def back_to_steps(self) -> None:
        """The step buttons again, when steps are under way: the person is back where they were."""
        if self.situation != NONE and self.step >= 1:
            step_menu(self.dispatcher, self.tracker, self.domain, self.register)

    # -- the decision ----------------------------------------------------------------------
    def decide(self) -> list[EventType]:
        self.dispatcher.utter_message(
            json_message={"triage": self.triage, "conversation_urgency": self.urgency}
        )
        for handled in (self.english, self.crisis, self.answer, self.distress, self.question, self.where):
            if handled():
                return self.events
        if "ask_person" in self.cues and self.intent != "ask_human":
            request_person(self.dispatcher, self.tracker, self.domain, self.register)
        if self.branches():
            return self.events
        self.incident()
        return self.events

    def english(self) -> bool:
        # Once the conversation is in English, a short "im 13" stays in English.
        short_ok = self.tracker.get_slot("language") == "en" and self.lexicon.is_english(
            self.text, min_words=1
        )
        if not (self.lexicon.is_english(self.text) or short_ok):
            return False
        say(self.dispatcher, self.tracker, "utter_general_english")  # numbers first, in English
        self.events.append(SlotSet("language", "en"))
        if self.triage.get("urgency") == CRITICAL:
            alert_a_human(self.dispatcher, self.tracker, self.triage.get("situation"), self.register)
        return True

    def crisis(self) -> bool:
        if self.triage.get("urgency") != CRITICAL:
            return False
        say(self.dispatcher, self.tracker, crisis_key(self.domain, self.tracker, self.triage))
        situation = self.triage.get("situation", NONE)
        if situation != NONE and self.situation == NONE:
            # The most urgent part first, then what the rest of the message told: the
            # acknowledgement; the steps wait until the person asks (button in the offer).
            say(self.dispatcher, self.tracker, ack_key(situation, self.register))
            self.events += [SlotSet("situation", situation), SlotSet("step", 0.0), SlotSet("evidence", None)]
        if "self_blame" in self.cues:
            self.say("utter_general_not_your_fault")  # after the contacts, what was asked for
        if self.lexicon.is_question(self.text) and (topic := self.lexicon.faq_topic(self.text)):
            self.say(f"utter_faq_{topic}")
        self.say("utter_general_listen" if "want_to_talk" in self.cues else CRISIS_OFFER)
        alert_a_human(self.dispatcher, self.tracker, situation, self.register)
        return True

    def answer(self) -> bool:
        """A typed answer to the question the bot asked does exactly what its button does."""
        asked = self.tracker.get_slot("asked")
        short = len(self.folded.split()) <= SHORT_ANSWER_WORDS
        if asked == "minor":
            # A short answer is one whatever the model reads in it ("jai 14 ans" alone looks
            # like the start of a grooming story); a longer one must describe no incident.
            age = next(self.tracker.get_latest_entity_values("age"), None)
            answered, minor = typed_minor_answer(self.folded, self.intent, age)
            if answered and (self.triage.get("situation", NONE) == NONE or short):
                self.events += [
                    SlotSet("minor", minor),
                    SlotSet("asked", None),
                    *show_step(self.dispatcher, self.tracker, self.domain, 1, None, self.register, minor),
                ]
                return True
        if asked == "situation":
            scores = situation_scores(self.ranking)
            best = max(scores, key=scores.__getitem__) if scores else None
            if best and scores[best] >= TYPED_SITUATION_FLOOR:
                self.events += [
                    SlotSet("situation", best),
                    SlotSet("asked", None),
                    SlotSet("evidence", None),
                    *begin_steps(
                        self.dispatcher, self.tracker, self.domain, best, self.register, self.minor()
                    ),
                ]
                return True
            if self.intent == "deny" or "autre" in self.folded.split():
                self.events.append(SlotSet("asked", None))
                self.say("utter_general_ask_what_happens")
                return True
        if (
            asked == "wellbeing"
            and (short or self.intent in SMALL_TALK)
            and (mood := self.lexicon.mood(self.text))
        ):
            self.events.append(SlotSet("asked", None))
            self.say("utter_general_wellbeing_better" if mood == "better" else "utter_general_wellbeing_bad")
            return True
        return False

    def distress(self) -> bool:
        """Ending words with a trace of distress, or emoji-only distress: asked gently, never closed."""
        factor = FAREWELL_FACTOR if "farewell" in self.cues else STOP_CHECK_FACTOR
        if (self.intent in ("goodbye", "stop") or "farewell" in self.cues) and ends_with_distress(
            self.triage, factor
        ):
            self.say(STOP_CHECK)
            return True
        if self.lexicon.emoji_distress(self.text):
            self.say("utter_general_distress")
            self.back_to_steps()
            return True
        return False

    def question(self) -> bool:
        """A question with a FAQ answer: two or three sentences, then back where the person was."""
        asked_question = self.tracker.get_slot("asked") == "question"
        if not (
            self.lexicon.is_question(self.text) or asked_question or self.intent in ("ask_info", "ask_bot")
        ):
            return False
        topic = self.lexicon.faq_topic(self.text)
        if topic is None and self.intent == "ask_bot":
            topic = "bot_identity"
        new_incident = self.triage.get("situation", NONE) != NONE and self.situation == NONE
        if topic is None:
            if self.intent == "ask_info" and not new_incident:
                self.say("utter_general_no_answer")
                self.back_to_steps()
                self.events.append(SlotSet("asked", None))
                return True
            return False
        self.say(f"utter_faq_{topic}")
        if asked_question:
            self.events.append(SlotSet("asked", None))
        if new_incident and float(self.triage.get("confidence", 0.0)) >= CONFIRM_BELOW:
            return False  # "comment bloquer le mec qui me fait chanter ?": the advice follows
        self.back_to_steps()
        return True

    def where(self) -> bool:
        """Only a country told ("je suis en Belgique"): noted, with that country's emergency number."""
        if "country" not in self.triage or self.triage.get("situation", NONE) != NONE:
            return False
        self.say("utter_general_country_noted")
        self.back_to_steps()
        return True

    def branches(self) -> bool:
        """Already paid or sent, it stopped, just want to talk, self-blame. True when the reply is
        complete."""
        situation = self.triage.get("situation", NONE)
        incident = situation if situation != NONE else self.situation
        if "want_to_talk" in self.cues and "ask_person" not in self.cues:
            self.say("utter_general_listen")
            return True
        if "self_blame" in self.cues:
            self.say("utter_general_not_your_fault")
        if "already_complied" in self.cues and incident in COMPLIED_SITUATIONS:
            self.say("utter_general_already_complied")
        elif "it_stopped" in self.cues and incident != NONE and self.urgency != CRITICAL:
            self.say("utter_general_it_stopped")
        said = bool(self.cues & {"self_blame", "already_complied", "it_stopped"})
        if said and (situation == NONE or situation == self.situation):
            self.back_to_steps()  # details of the same story: the steps go on
            return True
        return False

    def incident(self) -> None:
        """The conversation's incident: begun, continued, switched, or still being told."""
        situation = self.triage.get("situation", NONE)
        confidence = float(self.triage.get("confidence", 0.0))
        evidence = accumulate(self.tracker.get_slot("evidence"), situation_scores(self.ranking))
        current = self.situation
        words = len(self.folded.split())
        age_only, minor = (
            typed_minor_answer(self.folded, None, None) if words <= SHORT_ANSWER_WORDS else (False, None)
        )
        if not age_only and words <= AGE_MESSAGE_WORDS and (mention := AGE_MENTION.search(self.folded)):
            age_only, minor = True, minor_from_age(mention[0].split()[0].replace("ans", ""))
        if age_only and minor is not None:
            # "il a 16 ans" alone tells an age, not an incident.
            self.events.append(SlotSet("minor", minor))
            if current == NONE:
                self.say("utter_general_ask_what_happens")
            elif self.step >= 1 and minor is not False:
                # The steps already shown are the default ones, written for minors: no repeat.
                self.say("utter_general_noted")
                self.back_to_steps()
            else:
                self.events += show_step(
                    self.dispatcher, self.tracker, self.domain, max(self.step, 1), None, self.register, minor
                )
            return
        if current == NONE:
            told = situation if situation != NONE and confidence >= CONFIRM_BELOW else decided(evidence)
            if told is not None:
                self.events.append(SlotSet("evidence", None))
                self.begin(told)
                return
            if evidence or self.tracker.get_slot("evidence"):
                self.events.append(SlotSet("evidence", evidence))
            self.not_yet_told(situation)
            return
        fragment = (
            words < FRAGMENT_WORDS and situation != "sextortion"
        )  # "il veut 100 balles" is blackmail told
        if (
            situation != NONE
            and confidence >= SWITCH_CONFIDENCE
            and not fragment
            and switches(current, situation)
        ):
            self.say("utter_general_switch")
            self.begin(situation)
            return
        if self.intent == "ask_help":
            # "du coup je fais quoi ?": the steps, where the person is.
            self.events += show_step(
                self.dispatcher,
                self.tracker,
                self.domain,
                max(self.step, 1),
                None,
                self.register,
                self.minor(),
            )
            return
        if situation != NONE or self.intent == "out_of_scope" or "platform" in self.entity_names():
            # More of the same story: noted once, no second acknowledgement, no step 1 again.
            self.say("utter_general_noted")
            if self.step >= 1:
                self.back_to_steps()
            elif self.tracker.get_slot("asked") == "minor":
                # The age question was already asked: the default advice (written for minors)
                # rather than the same question again.
                self.events += [
                    SlotSet("asked", None),
                    *show_step(
                        self.dispatcher, self.tracker, self.domain, 1, None, self.register, self.minor()
                    ),
                ]
            else:
                self.events += begin_steps(
                    self.dispatcher, self.tracker, self.domain, current, self.register, self.minor()
                )
            return
        self.small_talk()

    def entity_names(self) -> set[str]:
        return {str(e.get("entity")) for e in (self.tracker.latest_message or {}).get("entities") or []}

    def begin(self, situation: str) -> None:
        """Acknowledge the incident once, offer a person when urgent, then the steps."""
        say(self.dispatcher, self.tracker, ack_key(situation, self.register))
        self.events += [SlotSet("situation", situation), SlotSet("step", 0.0), SlotSet("misunderstood", 0.0)]
        if self.triage.get("urgency") == HIGH and "ask_person" not in self.cues:
            self.say("utter_general_handoff_offer")  # a person, if accepted
        self.events += begin_steps(
            self.dispatcher, self.tracker, self.domain, situation, self.register, self.minor()
        )

    def not_yet_told(self, situation: str) -> None:
        """No incident decided yet: a fragment invites the rest, a vague message the menu."""
        if situation != NONE:
            if len(self.folded.split()) <= 8 and self.intent not in ("ask_help",):
                self.say("utter_general_go_on")  # "y a un gars sur snap": the story goes on
                return
            self.say("utter_general_confirm_situation")
            self.events.append(SlotSet("asked", "situation"))
            return
        self.small_talk()

    def small_talk(self) -> None:
        """No incident in this message: the general reply, and the steps' buttons if under way."""
        if self.intent in SMALL_TALK - {"thanks"} and self.situation != NONE and self.step >= 1:
            self.back_to_steps()  # "ok", "non" mid-steps: the buttons again, not "what happens?"
            return
        key = NONE_REPLIES.get(self.intent or "", FALLBACK_REPLY)
        if self.intent == "ask_bot":
            key = "utter_faq_bot_identity"
        elif self.intent in ("thanks", "affirm") and "farewell" in self.cues:
            key = NONE_REPLIES["goodbye"]  # "merci, bonne nuit"
        elif self.intent == "out_of_scope" and self.register in ("parent", "witness"):
            key = NONE_REPLIES["ask_help"]  # "c'est pour ma pote": what happens to them?
        elif key in (FALLBACK_REPLY, NONE_REPLIES["out_of_scope"]) and "hesitant" in self.cues:
            key = NONE_REPLIES["ask_help"]  # "jsp si ça compte": invited to tell
        self.say(key)
        before = int(self.tracker.get_slot("misunderstood") or 0)
        misunderstood = before + 1 if key == FALLBACK_REPLY else 0
        if misunderstood >= MISUNDERSTOOD_OFFER_AFTER:
            # Two misunderstandings in a row: offer a person rather than a third "rephrase".
            self.say("utter_general_handoff_offer_misunderstood")
            misunderstood = 0
        if misunderstood != before:
            self.events.append(SlotSet("misunderstood", float(misunderstood)))
        if key != NONE_REPLIES["goodbye"]:
            self.back_to_steps()

"""The conversation suite: tests/data/conversations.yml played through the real engine and adapter.

The conversations were written by an author who read only docs/labels.md and the product's
promises (docs/dialogue.md), never the code or the training data: teens, parents and friends,
in buttons and in words, with danger appearing mid-conversation. Each turn's expectations are
tags checked on what the person reads (the tag vocabulary is ``CHECKS`` below). A conversation
still read wrongly is marked ``known_failure`` in the file, with why: it runs, and passes
only if it fails (strict xfail), so a fix is noticed and the mark removed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.responses import filled, load_responses
from core.helplines import default_directory
from tests.bot.e2e.conftest import Reply, World

# `make conversations-blind` points this at tests/data/conversations_blind.yml: a second author's
# set, played to measure, never read to fix (a conversation read is no longer blind).
SUITE = Path(
    os.environ.get("RELAIS_SUITE") or Path(__file__).resolve().parents[2] / "data" / "conversations.yml"
)
COUNTRY_BUTTONS = {code: country.name for code, country in default_directory().countries.items()}
SITUATIONS = ("sextortion", "harassment", "grooming", "image_sharing", "impersonation", "doxxing")
TUTOIEMENT = re.compile(r"\b(tu|te|toi|ton|ta|tes)\b|\bt['’]", re.IGNORECASE)
VOUVOIEMENT = re.compile(r"\b(vous|votre|vos)\b", re.IGNORECASE)
NOT_YOUR_FAULT = re.compile(
    r"(pas|jamais) (de )?(ta|votre|sa|leur) faute|le (seul )?(coupable|responsable)", re.IGNORECASE
)
ENDINGS = ("utter_general_goodbye", "utter_general_stopped")
CRISIS = ("utter_general_crisis", "utter_general_crisis_danger")
HANDOFF = (
    "utter_general_handoff_requested",
    "utter_handoff_queued",
    "utter_handoff_already_queued",
    "utter_handoff_nobody",
    "utter_handoff_no_team",
    "utter_handoff_already_claimed",
)
NOT_UNDERSTOOD = (
    "utter_general_fallback",
    "utter_general_out_of_scope",
    "utter_general_handoff_offer_misunderstood",
)
LISTENING = (
    "utter_general_listen",
    "utter_general_go_on",
    "utter_general_distress",
    "utter_general_ask_what_happens",
    "utter_general_crisis_offer",
    "utter_general_stop_check",
    "utter_general_wellbeing_bad",
)
STEP_MENUS = ("utter_general_step_menu",)
FAQ_ALIASES = {"3018": "what_is_3018"}  # the suite's tag -> the topic of responses/faq.yml


def _load() -> list[dict[str, Any]]:
    return list(yaml.safe_load(SUITE.read_text(encoding="utf-8"))["conversations"])


def _variants(*keys: str) -> list[str]:
    """The keys and their register variants (_parent, _witness) that exist."""
    responses = load_responses()
    return [k for key in keys for k in (key, f"{key}_parent", f"{key}_witness") if k in responses]


def _head(key: str, country: str) -> str:
    """The part of a response the person surely reads: its text up to the first value filled by an action."""
    return filled(key, country).split("{", 1)[0].strip()[:120]


@dataclass
class Conversation:
    """What the person has read so far, to check one turn against."""

    country: str
    last_ack: str | None = None
    read: list[Reply] = field(default_factory=list)  # every message so far (old buttons can be pressed)
    begun: set[str] = field(default_factory=set)  # acknowledgements and first steps already read

    def shows(self, replies: list[Reply], *keys: str) -> bool:
        text = "\n\n".join(r.text for r in replies)
        return any(_head(k, self.country) in text for k in _variants(*keys))

    def first_is(self, replies: list[Reply], *keys: str) -> bool:
        return bool(replies) and any(
            replies[0].text.startswith(_head(k, self.country)) for k in _variants(*keys)
        )

    def situation_shown(self, replies: list[Reply]) -> str | None:
        for situation in SITUATIONS:
            keys = [k for k in load_responses() if k.startswith(f"utter_{situation}_")]
            if self.shows(replies, *keys):
                return situation
        return None


def _texts(replies: list[Reply]) -> str:
    return "\n\n".join(r.text for r in replies)


def _steps_shown(c: Conversation, r: list[Reply]) -> bool:
    return c.shows(r, *STEP_MENUS)


def _firsts() -> list[str]:
    """The acknowledgements and first steps: what a conversation reads once per incident."""
    return [
        k
        for k in load_responses()
        if re.fullmatch(r"utter_[a-z_]+_(ack(_parent|_witness)?|(victim|parent|witness)_1)", k)
    ]


def _restart(c: Conversation, r: list[Reply]) -> bool:
    """The reply goes back to an acknowledgement or a step 1 already read in this conversation."""
    return any(c.shows(r, k) for k in c.begun)


def _advice(c: Conversation, r: list[Reply], situation: str) -> bool:
    """This turn is about that situation: its words, or the age question, a note or the step
    buttons while that situation is the one being followed (details of the same story)."""
    shown = c.situation_shown(r)
    continuing = c.shows(r, "utter_general_ask_minor", "utter_general_noted", *STEP_MENUS)
    return shown == situation or (shown is None and continuing and c.last_ack == situation)


def _police(c: Conversation, r: list[Reply]) -> bool:
    return default_directory().placeholders(c.country)["emergency"] in _texts(r)


CHECKS: dict[str, Callable[[Conversation, list[Reply]], bool]] = {
    "crisis": lambda c, r: c.first_is(r, *CRISIS, "utter_general_english"),
    "no_crisis": lambda c, r: not c.shows(r, *CRISIS),
    "police": _police,
    # The register holds when nothing is said in the other one (many replies address nobody).
    "vous": lambda c, r: not TUTOIEMENT.search(_texts(r)),
    "tu": lambda c, r: not VOUVOIEMENT.search(_texts(r)),
    "asks_age": lambda c, r: c.shows(r, "utter_general_ask_minor"),
    "step": _steps_shown,
    "no_step_restart": lambda c, r: not _restart(c, r),
    "handoff": lambda c, r: c.shows(r, *HANDOFF),
    "no_handoff": lambda c, r: not c.shows(r, *HANDOFF),
    "no_goodbye": lambda c, r: not c.shows(r, *ENDINGS),
    "goodbye": lambda c, r: c.shows(r, *ENDINGS),
    "understood": lambda c, r: not c.shows(r, *NOT_UNDERSTOOD),
    "english": lambda c, r: c.shows(r, "utter_general_english"),
    "not_your_fault": lambda c, r: bool(NOT_YOUR_FAULT.search(_texts(r))),
    "listens": lambda c, r: c.shows(r, *LISTENING) and not _steps_shown(c, r),
}


def check(conversation: Conversation, replies: list[Reply], tag: str) -> bool:
    """One expectation tag on one turn's replies."""
    name, _, value = tag.partition(":")
    if name == "advice":
        return _advice(conversation, replies, value)
    if name == "faq":
        return conversation.shows(replies, f"utter_faq_{FAQ_ALIASES.get(value, value)}")
    return CHECKS[name](conversation, replies)


def test_the_suite_is_well_formed() -> None:
    """Every tag is known, every conversation has turns, and the suite keeps its size (issue #12: ≥ 80)."""
    conversations = _load()
    assert len(conversations) >= (80 if SUITE.name == "conversations.yml" else 40)
    assert len({c["name"] for c in conversations}) == len(conversations)
    for conversation in conversations:
        assert conversation["who"] in ("victim", "parent", "witness")
        assert conversation.get("country", "FR") in COUNTRY_BUTTONS
        for turn in conversation["turns"]:
            assert ("say" in turn) != ("press" in turn), turn
            for tag in turn.get("expect") or []:
                name, _, value = tag.partition(":")
                assert name in (*CHECKS, "advice", "faq"), tag
                if name == "advice":
                    assert value in SITUATIONS, tag
                if name == "faq":
                    assert f"utter_faq_{FAQ_ALIASES.get(value, value)}" in load_responses(), tag


def _cases() -> list[Any]:
    return [
        pytest.param(
            c,
            id=c["name"],
            marks=[pytest.mark.xfail(reason=c["known_failure"], strict=True)]
            if c.get("known_failure")
            else [],
        )
        for c in _load()
    ]


@pytest.mark.parametrize("spec", _cases())
async def test_conversation(world: World, spec: dict[str, Any]) -> None:
    country = spec.get("country", "FR")
    conversation = Conversation(country)
    if country != "FR":
        [menu] = await world.say("/pays")
        await world.press(menu, COUNTRY_BUTTONS[country])
    transcript: list[str] = []
    failures: list[str] = []
    for number, turn in enumerate(spec["turns"], 1):
        if "say" in turn:
            replies = await world.say(str(turn["say"]))
            transcript.append(f"> {turn['say']}")
        else:
            title = str(turn["press"])
            holder = next((r for r in reversed(conversation.read) if title in r.buttons), None)
            if holder is None:
                failures.append(f"turn {number}: no button {title!r} offered")
                transcript.append(f"> [{title}] (not offered)")
                break
            replies = await world.press(holder, title)
            transcript.append(f"> [{title}]")
        transcript += [f"  < {r.text}" + (f"  {list(r.buttons)}" if r.buttons else "") for r in replies]
        failures += [
            f"turn {number}: {tag}"
            for tag in turn.get("expect") or []
            if not check(conversation, replies, tag)
        ]
        conversation.read += replies
        conversation.begun |= {k for k in _firsts() if conversation.shows(replies, k)}
        conversation.last_ack = conversation.situation_shown(replies) or conversation.last_ack
    if out := os.environ.get(
        "RELAIS_SUITE_TRANSCRIPTS"
    ):  # a folder: one transcript per conversation, for reading
        Path(out).mkdir(parents=True, exist_ok=True)
        (Path(out) / f"{re.sub(r'[^a-z0-9]+', '-', spec['name'].lower())}.txt").write_text(
            "\n".join(transcript), "utf-8"
        )
    assert not failures, "\n".join(failures + ["", *transcript])

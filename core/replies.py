"""Which responses answer a triaged message: crisis contacts always come first.

Pure decisions shared by the triage action and the Telegram adapter's degraded mode;
the words themselves live in responses/*.yml.
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from typing import Any

from core.labels import CRITICAL, NONE

CRISIS_REPLY = "utter_general_crisis"
REGISTERS = (
    "parent",
    "witness",
)  # who has variants of their own: parents in vous, friends about their friend


def in_register(key: str, audience: str | None, known: Container[str]) -> str:
    """The variant of ``key`` for who is writing (``key_parent``, ``key_witness``) when it exists, else
    ``key``."""
    return f"{key}_{audience}" if audience in REGISTERS and f"{key}_{audience}" in known else key


DEGRADED_REPLY = "utter_general_degraded"
FALLBACK_REPLY = "utter_general_fallback"

# The general response that answers a message describing no incident, by intent.
NONE_REPLIES: Mapping[str, str] = {
    "greet": "utter_general_welcome",
    "goodbye": "utter_general_goodbye",
    "thanks": "utter_general_thanks",
    "ask_help": "utter_general_ask_what_happens",
    "affirm": "utter_general_ask_what_happens",
    "deny": "utter_general_ask_what_happens",
    "ask_info": "utter_general_info",
    "out_of_scope": "utter_general_out_of_scope",
    "express_distress": "utter_general_distress",
}


def ack_key(situation: str, audience: str | None) -> str:
    """The acknowledgement of a situation, in the register of who is writing."""
    suffix = {"parent": "_parent", "witness": "_witness"}.get(audience or "", "")
    return f"utter_{situation}_ack{suffix}"


def reply_keys(triage: Mapping[str, Any], intent: str | None) -> list[str]:
    """Response keys for a triaged turn, emergency contacts first when critical."""
    critical = triage.get("urgency") == CRITICAL
    keys = [CRISIS_REPLY] if critical else []
    situation = triage.get("situation", NONE)
    if situation != NONE:
        keys.append(ack_key(situation, triage.get("audience")))
    elif not critical:
        keys.append(NONE_REPLIES.get(intent or "", FALLBACK_REPLY))
    return keys


def degraded_reply_keys(triage: Mapping[str, Any]) -> list[str]:
    """Engine down: emergency contacts first if the lexicon saw a crisis, then "try again"."""
    keys = [CRISIS_REPLY] if triage.get("urgency") == CRITICAL else []
    return keys + [DEGRADED_REPLY]

"""Reply selection: emergency contacts always come first."""

from __future__ import annotations

from core.replies import CRISIS_REPLY, DEGRADED_REPLY, degraded_reply_keys, reply_keys


def test_critical_situation_starts_with_crisis_contacts() -> None:
    keys = reply_keys({"situation": "grooming", "urgency": "critical"}, "grooming")
    assert keys == [CRISIS_REPLY, "utter_grooming_ack"]


def test_critical_without_situation_is_only_the_crisis_reply() -> None:
    assert reply_keys({"situation": "none", "urgency": "critical"}, "express_distress") == [CRISIS_REPLY]


def test_small_talk_and_unknown_intents() -> None:
    assert reply_keys({"situation": "none", "urgency": "low"}, "greet") == ["utter_general_welcome"]
    assert reply_keys({"situation": "none", "urgency": "low"}, None) == ["utter_general_fallback"]


def test_degraded_mode() -> None:
    assert degraded_reply_keys({"urgency": "critical"}) == [CRISIS_REPLY, DEGRADED_REPLY]
    assert degraded_reply_keys({"urgency": "low"}) == [DEGRADED_REPLY]


def test_the_acknowledgement_follows_who_is_writing() -> None:
    assert reply_keys({"situation": "grooming", "urgency": "high", "audience": "parent"}, "grooming") == [
        "utter_grooming_ack_parent"
    ]
    assert reply_keys({"situation": "doxxing", "urgency": "high", "audience": "witness"}, "doxxing") == [
        "utter_doxxing_ack_witness"
    ]

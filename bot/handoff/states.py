"""The words the hand-off stores: statuses, triggers and outcomes, each spelled once.

They are ``StrEnum`` members, so they compare equal to the strings in the database and in
callback data; the columns of ``bot.storage.models.Handoff`` load them back as members.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Final

from core.labels import URGENCIES


class Status(StrEnum):
    """Where a request is: waiting, with a volunteer, or over."""

    QUEUED = "queued"
    CLAIMED = "claimed"
    CLOSED = "closed"  # by the volunteer (/fin) or the person (/stop, a tap on the relay's end button)
    CANCELLED = "cancelled"  # before anyone claimed it, or no team is configured


OPEN: Final = (Status.QUEUED, Status.CLAIMED)


class Trigger(StrEnum):
    """Why the request was made."""

    ASKED = "asked"  # the person asked for a human
    CRITICAL = "critical"  # a life-threatening message: the team is alerted without being asked


class Outcome(StrEnum):
    """How a chat ended. The first six are the volunteer's choice after /fin (their buttons)."""

    ADVICE = "advice"
    REFERRED_3018 = "referred_3018"
    PLATFORM_REPORT = "platform_report"
    POLICE_REPORT = "police_report"
    EMERGENCY = "emergency"
    OTHER = "other"
    NO_TEAM = "no_team"  # set by the service: no volunteers' group configured
    BLOCKED = "blocked"  # set by the service: the volunteer blocked the person


VOLUNTEER_OUTCOMES: Final = (
    Outcome.ADVICE,
    Outcome.REFERRED_3018,
    Outcome.PLATFORM_REPORT,
    Outcome.POLICE_REPORT,
    Outcome.EMERGENCY,
    Outcome.OTHER,
)

# Why a volunteer blocks someone: a category, never free text (the volunteers' buttons), and for how
# many days: a block keeps a person from the volunteers, never from the emergency numbers, so it
# lasts only as long as the abuse warrants (a spam burst a week; sexual messages to volunteers 90 days,
# the longest any block lasts).
BLOCK_REASONS: Final[Mapping[str, int]] = {"spam": 7, "abuse": 30, "sexual": 90, "other": 30}

# The queue's order: most urgent first (0), from the label contract's order (core/labels.py).
URGENCY_RANK: Final[Mapping[str, int]] = {u: len(URGENCIES) - 1 - i for i, u in enumerate(URGENCIES)}

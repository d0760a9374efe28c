"""Staffed hours: parsing, the helpline's time zone, and how they read to a person."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.handoff.hours import StaffedHours
from bot.responses import text_of

DAYS, CLOSED = text_of("utter_hours_days").split(), text_of("utter_hours_none")


def test_hours_read_grouped_in_words() -> None:
    hours = StaffedHours.parse("mon-fri 14:00-22:00; sat 10:00-24:00; sun 10:00-12:00; sun 14:00-18:30")
    assert hours.describe(DAYS, CLOSED) == "lun-ven 14h-22h, sam 10h-24h, dim 10h-12h/14h-18h30"


def test_no_hours_read_as_such() -> None:
    assert StaffedHours.parse("").describe(DAYS, CLOSED) == "aucun horaire"


def test_midnight_ends_the_day_and_the_zone_is_the_helplines() -> None:
    hours = StaffedHours.parse("sat 22:00-24:00", "America/Toronto")
    assert hours.is_open(datetime(2026, 11, 29, 4, 30, tzinfo=UTC))  # Saturday 23:30 in Toronto
    assert not hours.is_open(datetime(2026, 11, 29, 5, 30, tzinfo=UTC))  # Sunday 00:30 there


@pytest.mark.parametrize(
    ("text", "zone", "message"),
    [
        ("mon-fri 22:00-14:00", "Europe/Paris", "HELPLINE_HOURS"),
        ("lundi 10:00-12:00", "Europe/Paris", "HELPLINE_HOURS"),
        ("mon 25:00-26:00", "Europe/Paris", "HELPLINE_HOURS"),
        ("fri-mon 10:00-12:00", "Europe/Paris", "HELPLINE_HOURS"),
        ("mon 10:00-12:00", "Europe/Pariss", "HELPLINE_TIMEZONE"),
    ],
)
def test_mistakes_are_named(text: str, zone: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        StaffedHours.parse(text, zone)

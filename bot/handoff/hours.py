"""Staffed hours of the helpline, per weekday, in the helpline's time zone.

Written like ``mon-fri 14:00-22:00; sat 14:00-20:00`` (HELPLINE_HOURS); a day not listed
is closed. ``24:00`` ends a day at midnight.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.helplines import DAYS

DEFAULT_HOURS = "mon-sun 09:00-23:00"
DEFAULT_TIMEZONE = "Europe/Paris"


def _clock(text: str) -> time:
    hours, minutes = (int(part) for part in text.split(":"))
    if not (0 <= hours <= 24 and 0 <= minutes < 60) or (hours == 24 and minutes):
        raise ValueError(f"not a time of day: {text!r}")
    return time.max if hours == 24 else time(hours, minutes)


def _days(text: str) -> list[int]:
    first, _, last = text.partition("-")
    start, end = DAYS.index(first), DAYS.index(last or first)
    if end < start:
        raise ValueError(f"days go from the first to the last: {text!r}")
    return list(range(start, end + 1))


@dataclass(frozen=True)
class StaffedHours:
    """When volunteers are on duty: weekday (0 = Monday) → list of (start, end)."""

    spans: dict[int, list[tuple[time, time]]]
    zone: ZoneInfo

    @classmethod
    def parse(cls, text: str, zone: str = DEFAULT_TIMEZONE) -> StaffedHours:
        """Read ``mon-fri 14:00-22:00; sat 14:00-20:00``; raise ValueError with what is wrong."""
        spans: dict[int, list[tuple[time, time]]] = {}
        try:
            for part in filter(None, (p.strip().lower() for p in text.split(";"))):
                days, hours = part.split()
                start, end = (_clock(t) for t in hours.split("-"))
                if end <= start:
                    raise ValueError(f"a span must end after it starts: {part!r}")
                for day in _days(days):
                    spans.setdefault(day, []).append((start, end))
        except (ValueError, KeyError) as error:
            example = "mon-fri 14:00-22:00; sat 14:00-20:00"
            raise ValueError(
                f"HELPLINE_HOURS: cannot read {text!r} ({error}); write e.g. '{example}'"
            ) from error
        try:
            return cls(spans, ZoneInfo(zone))
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(
                f"HELPLINE_TIMEZONE: unknown time zone {zone!r} (e.g. Europe/Paris, America/Toronto)"
            ) from error

    def is_open(self, when: datetime) -> bool:
        local = when.astimezone(self.zone)
        return any(start <= local.time() < end for start, end in self.spans.get(local.weekday(), []))

    def describe(self, names: Sequence[str], closed: str) -> str:
        """The hours in words for users, e.g. 'lun-ven 14h-22h, sam 14h-20h', with the days'
        ``names`` (Monday first) and the words for no hours at all, both from responses/."""

        def clock(t: time) -> str:
            return "24h" if t == time.max else f"{t.hour}h{t.minute:02d}".replace("h00", "h")

        # Consecutive days with the same hours are grouped: "lun-ven 14h-22h, sam 14h-20h".
        groups: list[tuple[int, int, str]] = []
        for day, spans in sorted(self.spans.items()):
            hours = "/".join(f"{clock(a)}-{clock(b)}" for a, b in spans)
            if groups and groups[-1][1] == day - 1 and groups[-1][2] == hours:
                groups[-1] = (groups[-1][0], day, hours)
            else:
                groups.append((day, day, hours))
        parts = [f"{names[a]}{'-' + names[b] if b != a else ''} {hours}" for a, b, hours in groups]
        return ", ".join(parts) or closed

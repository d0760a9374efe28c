"""Helplines as data (responses/helplines.yml): roles per country, who is open now."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from core.paths import PROJECT_ROOT

HELPLINES_FILE = PROJECT_ROOT / "responses" / "helplines.yml"
# What responses/*.yml may name in braces; the meaning of each is in responses/helplines.yml.
ROLES = (
    "emergency",
    "medical",
    "suicide",
    "child_protection",
    "listen_youth",
    "listen_adult",
    "cyber_help",
    "exploitation_help",
    "report_csam",
    "report_illegal_content",
    "remove_minor_image",
    "removal_help_minor",
    "remove_adult_image",
    "victim_support",
    "police_non_urgent",
    "data_protection",
    "school_staff",
)
# Read in a crisis reply, at any hour: every service they name must answer 24h/24.
CRISIS_ROLES = ("emergency", "suicide", "child_protection")
# A role's status is its weakest service's; from strongest to weakest.
STATUSES = ("verified", "verified_press", "partly", "not_in_reference")
# A placeholder, with what opens a sentence before it (if anything) in group 1.
_PLACEHOLDER = re.compile(r"([.!?]\s+|\n)?\{([a-z_]+)\}")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Helpline:
    """One service: what it is, for whom, when it answers."""

    id: str
    name: str
    number: str | None
    audience: str
    hours: str
    open: Any  # "always", None (hours not verified) or {days, from, to}
    url: str | None
    source: str
    status: str
    free: bool | None = None  # None: the reference does not say

    def is_open(self, when: datetime) -> bool:
        """True when verified hours say it answers at ``when`` (already in the country's zone)."""
        if self.open == "always":
            return True
        if not isinstance(self.open, dict):
            return False  # unverified hours: never announced as open
        if DAYS[when.weekday()] not in self.open["days"]:
            return False
        start = time.fromisoformat(self.open["from"])
        end = self.open["to"]
        now = when.time()
        return now >= start and (end == "24:00" or now < time.fromisoformat(end))


@dataclass(frozen=True)
class Role:
    """What one role says in a country, and the services it names (none: a true sentence)."""

    say: str
    uses: tuple[str, ...]
    status: str | None = None  # for a role that names no service: what the reference says of it


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    tz: str
    roles: dict[str, Role]
    helplines: tuple[Helpline, ...]


def _helpline(data: dict[str, Any]) -> Helpline:
    return Helpline(
        id=data["id"],
        name=data["name"],
        number=data.get("number"),
        audience=data["for"],
        hours=data["hours"],
        open=data.get("open"),
        url=data.get("url"),
        source=data["source"],
        status=data["status"],
        free=data.get("free"),
    )


@dataclass(frozen=True)
class Directory:
    """Every country's helplines and the international removal services."""

    default_country: str
    countries: dict[str, Country]
    international: tuple[Helpline, ...]

    @classmethod
    def from_file(cls, path: Path = HELPLINES_FILE) -> Directory:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        countries = {
            code: Country(
                code=code,
                name=spec["name"],
                tz=spec["tz"],
                roles={
                    name: Role(role["say"], tuple(role["uses"]), role.get("status"))
                    for name, role in spec["roles"].items()
                },
                helplines=tuple(_helpline(h) for h in spec["helplines"]),
            )
            for code, spec in data["countries"].items()
        }
        return cls(data["default_country"], countries, tuple(_helpline(h) for h in data["international"]))

    def country(self, code: str | None) -> Country:
        """The country's data; unknown codes fall back to the default country."""
        return self.countries.get((code or "").upper(), self.countries[self.default_country])

    def placeholders(self, code: str | None) -> dict[str, str]:
        """What each role says in that country, for the braces of responses/*.yml."""
        return {name: role.say for name, role in self.country(code).roles.items()}

    def services(self, code: str | None, role: str) -> list[Helpline]:
        """The services a role names in that country (its own and the international ones)."""
        country = self.country(code)
        known = {h.id: h for h in (*country.helplines, *self.international)}
        return [known[i] for i in country.roles[role].uses]

    def status(self, code: str | None, role: str) -> str:
        """The weakest status of the services a role names; "sentence" when it names none."""
        found = [h.status for h in self.services(code, role)]
        return (
            max(found, key=STATUSES.index) if found else self.country(code).roles[role].status or "sentence"
        )

    def fill(self, text: str, code: str | None) -> str:
        """Replace the helpline placeholders of ``text``; a value opening a sentence gets a capital."""
        roles = self.placeholders(code)

        def value(match: re.Match[str]) -> str:
            found = roles.get(match[2])
            if found is None:  # not a helpline: left for the caller to fill, prefix untouched
                return match[0]
            opens_sentence = match.start() == 0 or bool(match[1])
            return (match[1] or "") + (found[:1].upper() + found[1:] if opens_sentence else found)

        return _PLACEHOLDER.sub(value, text)

    def open_now(self, code: str | None, now: datetime) -> list[Helpline]:
        """The country's services that answer at ``now`` (an aware datetime)."""
        country = self.country(code)
        local = now.astimezone(ZoneInfo(country.tz))
        return [h for h in country.helplines if h.number and h.is_open(local)]


@lru_cache(maxsize=1)
def default_directory() -> Directory:
    """The project's helplines, read once per process."""
    return Directory.from_file()

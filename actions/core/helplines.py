"""Helplines as data (responses/helplines.yml): placeholders per country, who is open now."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from actions.core.paths import PROJECT_ROOT

HELPLINES_FILE = PROJECT_ROOT / "responses" / "helplines.yml"
ROLES = (
    "numero_urgence",
    "ligne_suicide",
    "ligne_enfance",
    "ligne_cyber",
    "ligne_victimes",
    "signalement_public",
    "retrait_mineur",
    "retrait_majeur",
)
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
class Country:
    code: str
    name: str
    tz: str
    roles: dict[str, str]
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
                roles=dict(spec["roles"]),
                helplines=tuple(_helpline(h) for h in spec["helplines"]),
            )
            for code, spec in data["countries"].items()
        }
        return cls(data["default_country"], countries, tuple(_helpline(h) for h in data["international"]))

    def country(self, code: str | None) -> Country:
        """The country's data; unknown codes fall back to the default country."""
        return self.countries.get((code or "").upper(), self.countries[self.default_country])

    def placeholders(self, code: str | None) -> dict[str, str]:
        """Values for the helpline placeholders of responses/*.yml in that country."""
        return dict(self.country(code).roles)

    def fill(self, text: str, code: str | None) -> str:
        """Replace the helpline placeholders of ``text``; a value opening a sentence gets a capital."""
        roles = self.country(code).roles

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

"""Entities that change the advice, read deterministically from a message.

Platform, age, deadline and amount come from ``nlu_data/lexicons/entities.yml`` (data,
reviewed with the crisis lexicon). Deterministic extraction is used instead of a learned
entity model because these values are few, well known and must never be invented.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from core.normalize import fold
from core.paths import LEXICON_DIR


@dataclass(frozen=True)
class Entity:
    """One extracted value, with its character span in the folded text."""

    entity: str
    value: str | int


@dataclass(frozen=True)
class EntityLexicon:
    """Compiled platform names and patterns for age, deadline and amount."""

    platforms: tuple[tuple[str, re.Pattern[str]], ...]
    age: tuple[re.Pattern[str], ...]
    deadline: tuple[re.Pattern[str], ...]
    amount: tuple[re.Pattern[str], ...]

    @classmethod
    def from_file(cls, path: Path = LEXICON_DIR / "entities.yml") -> EntityLexicon:
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)

        def words(names: list[str]) -> re.Pattern[str]:
            alternation = "|".join(re.escape(n) for n in names)
            return re.compile(rf"(?<![a-z0-9])(?:{alternation})(?![a-z0-9])")

        return cls(
            platforms=tuple((name, words(list(forms))) for name, forms in data["platforms"].items()),
            age=tuple(re.compile(p) for p in data["age_patterns"]),
            deadline=tuple(re.compile(p) for p in data["deadline_patterns"]),
            amount=tuple(re.compile(p) for p in data["amount_patterns"]),
        )

    def extract(self, text: str) -> list[Entity]:
        """Entities found in ``text``: each platform once, first age/deadline/amount."""
        folded = fold(text)
        found = [Entity("platform", name) for name, rx in self.platforms if rx.search(folded)]
        age = _first(self.age, folded)
        if age is not None and 5 <= int(age.group(1)) <= 99:
            found.append(Entity("age", int(age.group(1))))
        for entity, patterns in (("deadline", self.deadline), ("amount", self.amount)):
            hit = _first(patterns, folded)
            if hit is not None:
                found.append(Entity(entity, hit.group(0).strip()))
        return found


def _first(patterns: tuple[re.Pattern[str], ...], text: str) -> re.Match[str] | None:
    for pattern in patterns:
        hit = pattern.search(text)
        if hit:
            return hit
    return None


@lru_cache(maxsize=1)
def default_entities() -> EntityLexicon:
    """The project's entity lexicon, compiled once per process."""
    return EntityLexicon.from_file()

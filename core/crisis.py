"""Deterministic crisis matcher: the safety net applied to every message.

It reads the reviewed lexicon in ``nlu_data/crisis_lexicon.yml`` (data, not code) and
needs nothing but the standard library and PyYAML, so it keeps working when the NLU
engine is down. A match can only raise urgency to ``critical``; callers never use it
to lower anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from core.normalize import fold
from core.paths import CRISIS_LEXICON
from core.sentences import split


def _compile(patterns: list[str]) -> re.Pattern[str]:
    """One regex matching any of the patterns as whole words of the folded text."""
    alternation = "|".join(f"(?:{p})" for p in patterns)
    return re.compile(rf"(?<![a-z0-9])(?:{alternation})(?![a-z0-9])")


@dataclass(frozen=True)
class Rule:
    """Matches when every group has a hit (a single group for an ``any`` rule)."""

    groups: tuple[re.Pattern[str], ...]

    def matches(self, folded: str) -> bool:
        return all(group.search(folded) for group in self.groups)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Rule:
        if "any" in data:
            return cls((_compile(list(data["any"])),))
        return cls(tuple(_compile(list(group)) for group in data["all"]))


@dataclass(frozen=True)
class CrisisMatch:
    """The crisis categories found in one message (empty: no crisis signal)."""

    categories: tuple[str, ...] = ()

    @property
    def is_crisis(self) -> bool:
        return bool(self.categories)


@dataclass(frozen=True)
class CrisisLexicon:
    """Compiled crisis lexicon: exclusions first, then one list of rules per category."""

    exclusions: re.Pattern[str] | None
    categories: dict[str, tuple[Rule, ...]]

    @classmethod
    def from_file(cls, path: Path = CRISIS_LEXICON) -> CrisisLexicon:
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
        exclusions = list(data.get("exclusions") or [])
        return cls(
            exclusions=_compile(exclusions) if exclusions else None,
            categories={
                name: tuple(Rule.from_data(rule) for rule in spec["rules"])
                for name, spec in data["categories"].items()
            },
        )

    def _clean(self, text: str) -> str:
        folded = fold(text)
        return self.exclusions.sub(" ", folded) if self.exclusions is not None else folded

    def match(self, text: str) -> CrisisMatch:
        """Crisis categories signalled by ``text``, whatever its spelling.

        An ``all`` rule (who + what + now) must find its groups within one sentence or two
        neighbouring ones: in a long story, "un homme de 30 ans", "veut la rencontrer" and
        "ce soir" three sentences apart are not a meeting tonight (92 training messages
        labelled high were read critical that way). Short messages are read whole.
        """
        folded = self._clean(text)
        pieces = split(text)
        windows = [self._clean(p) for p in pieces] if len(pieces) > 2 else [folded]
        found = tuple(
            name
            for name, rules in self.categories.items()
            if any(
                rule.matches(folded) if len(rule.groups) == 1 else any(rule.matches(w) for w in windows)
                for rule in rules
            )
        )
        return CrisisMatch(found)


@lru_cache(maxsize=1)
def default_lexicon() -> CrisisLexicon:
    """The project's reviewed lexicon, compiled once per process."""
    return CrisisLexicon.from_file()


def match_crisis(text: str) -> CrisisMatch:
    """Shortcut: match ``text`` against the project's lexicon."""
    return default_lexicon().match(text)

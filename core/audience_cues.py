"""Cues of who is writing (parent, witness, self), counted as model features."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from core.paths import LEXICON_DIR


@dataclass(frozen=True)
class AudienceCues:
    """Compiled cue patterns per audience; ``counts`` reads a folded text."""

    patterns: tuple[tuple[str, re.Pattern[str]], ...]

    @classmethod
    def from_file(cls, path: Path = LEXICON_DIR / "audience.yml") -> AudienceCues:
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)["cues"]
        return cls(
            tuple(
                (name, re.compile(rf"(?<![a-z0-9])(?:{pattern})(?![a-z0-9])"))
                for name, patterns in data.items()
                for pattern in patterns
            )
        )

    def counts(self, folded: str) -> list[float]:
        """One count per cue pattern, in file order (capped so one long text does not dominate)."""
        return [float(min(len(rx.findall(folded)), 3)) for _, rx in self.patterns]


@lru_cache(maxsize=1)
def default_audience_cues() -> AudienceCues:
    """The project's audience cues, compiled once per process."""
    return AudienceCues.from_file()

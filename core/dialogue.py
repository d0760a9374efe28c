"""Cues of the conversation: asking for a person, the branches people take, FAQ questions.

Read from ``nlu_data/lexicons/dialogue.yml`` (data, reviewed like the crisis lexicon) on the
folded text. These cues choose *which* reply comes, never how urgent a message is: the
crisis detector and the lexicon decide that before any cue is read (actions/common.py).
They are patterns rather than learned intents because they cut across the situations:
"je veux parler à un bénévole, un adulte me demande des photos" is grooming *and* a
request for a person, and a learned intent can only be one of the two.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from core.normalize import fold
from core.paths import LEXICON_DIR

ENGLISH_SHARE = 0.4  # of the words; "help me please he has my pictures" is 7 of 7
ENGLISH_MIN_WORDS = 3  # "ok", "yes", "help" alone are typed by French teens too


@dataclass(frozen=True)
class Cue:
    """Fires when one ``any`` pattern matches and no ``unless`` pattern does."""

    any: tuple[re.Pattern[str], ...]
    unless: tuple[re.Pattern[str], ...] = ()

    def fires(self, folded: str) -> bool:
        return any(p.search(folded) for p in self.any) and not any(p.search(folded) for p in self.unless)


@dataclass(frozen=True)
class DialogueLexicon:
    """The compiled cues, FAQ topics, question openers, distress emoji and English words."""

    cues: dict[str, Cue]
    faq: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]
    openers: re.Pattern[str]
    distress_emoji: frozenset[str]
    english_words: frozenset[str]
    moods: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...] = ()
    countries: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...] = ()

    @classmethod
    def from_file(cls, path: Path = LEXICON_DIR / "dialogue.yml") -> DialogueLexicon:
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)

        def compiled(patterns: list[str] | None) -> tuple[re.Pattern[str], ...]:
            return tuple(re.compile(p) for p in patterns or [])

        openers = "|".join(re.escape(o) for o in sorted(data["question_openers"], key=len, reverse=True))
        return cls(
            cues={
                name: Cue(compiled(c["any"]), compiled(c.get("unless"))) for name, c in data["cues"].items()
            },
            faq=tuple((topic, compiled(patterns)) for topic, patterns in data["faq"].items()),
            openers=re.compile(rf"^(?:{openers})\b"),
            distress_emoji=frozenset(data["distress_emoji"]),
            english_words=frozenset(str(w) for w in data["english_words"]),
            moods=tuple((mood, compiled(patterns)) for mood, patterns in data["mood"].items()),
            countries=tuple((code, compiled(patterns)) for code, patterns in data["countries"].items()),
        )

    def fired(self, text: str) -> frozenset[str]:
        """Names of the cues the message fires."""
        folded = fold(text)
        return frozenset(name for name, cue in self.cues.items() if cue.fires(folded))

    def is_question(self, text: str) -> bool:
        """Holds a question mark, or opens like a question ("comment", "est-ce que"…)."""
        return "?" in text or bool(self.openers.match(fold(text)))

    def faq_topic(self, text: str) -> str | None:
        """The FAQ topic a question is about, if any (first match in the file's order)."""
        folded = fold(text)
        return next((topic for topic, patterns in self.faq if any(p.search(folded) for p in patterns)), None)

    def emoji_distress(self, text: str) -> bool:
        """Only emoji and punctuation, one of them a distress emoji ("😭😭😭")."""
        stripped = text.strip()
        if not stripped or any(c.isalnum() for c in stripped):
            return False
        return any(e in stripped for e in self.distress_emoji)

    def mood(self, text: str) -> str | None:
        """A typed answer to the wellbeing check: "bad" first (an answer with both is not better)."""
        folded = fold(text)
        return next((mood for mood, patterns in self.moods if any(p.search(folded) for p in patterns)), None)

    def country(self, text: str) -> str | None:
        """The country the person says they are in, if they say it."""
        folded = fold(text)
        return next(
            (code for code, patterns in self.countries if any(p.search(folded) for p in patterns)), None
        )

    def is_english(self, text: str, min_words: int = ENGLISH_MIN_WORDS) -> bool:
        """Most words are common English words ("he has my pictures, help")."""
        words = re.findall(r"[a-z]+", fold(text))
        if len(words) < min_words:
            return False
        return sum(w in self.english_words for w in words) / len(words) >= ENGLISH_SHARE


@lru_cache(maxsize=1)
def default_dialogue() -> DialogueLexicon:
    """The project's dialogue lexicon, compiled once per process."""
    return DialogueLexicon.from_file()

"""Fold a message into a canonical form that tolerates teen spelling.

The folded text is lower-case, without accents, with one kind of apostrophe turned
into a space, runs of 3+ identical letters shortened, and common SMS spellings
expanded from ``nlu_data/lexicons/sms.yml`` ("jveux" → "je veux"). Emojis are kept:
some of them are crisis signals.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import yaml

from core.limits import MAX_MESSAGE_CHARS
from core.paths import LEXICON_DIR

MAX_CHARS = MAX_MESSAGE_CHARS  # longer input is cut: a message is read, not a book

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})
_REPEATS = re.compile(r"([a-z])\1{2,}")
_SPACES = re.compile(r"\s+")


def strip_accents(text: str) -> str:
    """Remove diacritics: "été" → "ete"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=4)
def load_sms_lexicon(path: Path = LEXICON_DIR / "sms.yml") -> dict[str, str]:
    """Map of SMS spelling → expanded form, keys and values already folded."""
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    return {basic_fold(k): basic_fold(v) for k, v in (data.get("expansions") or {}).items()}


def _prefold(text: str) -> str:
    """Lower case, no accents, one apostrophe, runs of 3+ letters shortened."""
    text = text[:MAX_CHARS].lower().translate(_APOSTROPHES).translate(_LIGATURES)
    return _REPEATS.sub(r"\1", strip_accents(text))


def basic_fold(text: str) -> str:
    """Lower-case, strip accents, unify apostrophes and spaces (no SMS expansion)."""
    text = _prefold(text).replace("'", " ").replace("-", " ")
    return _SPACES.sub(" ", text).strip()


def fold(text: str) -> str:
    """Full folding used by the crisis matcher and the cue extractors."""
    text = _prefold(text)
    # Punctuation becomes a space, except the apostrophe for now; symbols such as
    # emojis stay (some are crisis signals).
    text = "".join(c if c == "'" or unicodedata.category(c)[0] not in "PC" else " " for c in text)
    expansions = load_sms_lexicon()
    # A word glued to an apostrophe is not an SMS spelling: the "c" of "c'est" stays.
    words = [w if "'" in w else expansions.get(w, w) for w in text.split()]
    return _SPACES.sub(" ", " ".join(words).replace("'", " ")).strip()


def as_message(text: str, limit: int = 4096) -> str:
    """A person's text as a message for the engine, never as an intent.

    Rasa strips a message, then reads a leading "/" as an intent name: leading slashes,
    spaces and invisible characters are removed, so typed text can never pick an intent.
    """
    text = text[:limit]
    start = 0
    while start < len(text) and (
        text[start] == "/" or text[start].isspace() or unicodedata.category(text[start])[0] in "CZ"
    ):
        start += 1
    return text[start:] or "?"

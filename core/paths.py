"""Where the data files of the triage logic live, relative to the project root."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
LEXICON_DIR = PROJECT_ROOT / "nlu_data" / "lexicons"
CRISIS_LEXICON = PROJECT_ROOT / "nlu_data" / "crisis_lexicon.yml"

"""The responses of responses/*.yml as the domain holds them (every variant, with metadata).

Rasa sends the whole domain (every response) to the action server on each call unless
selective domain is on; it is on (devstack/launcher.py endpoints), so the actions read the same
files here, once per process. The model is trained from these very files.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from core.paths import PROJECT_ROOT

RESPONSES_DIR = PROJECT_ROOT / "responses"
NOT_DOMAIN = {"helplines.yml"}  # data read by the actions, not responses


@lru_cache(maxsize=4)
def responses_by_file(directory: Path = RESPONSES_DIR) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """File name → its responses (key → variants): the one reader of responses/*.yml, for the
    actions (below) and for the adapter's own replies (bot/responses.py)."""
    return {
        path.name: (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {}
        for path in sorted(directory.glob("*.yml"))
    }


@lru_cache(maxsize=1)
def repository_responses(directory: Path = RESPONSES_DIR) -> dict[str, list[dict[str, Any]]]:
    """Response key → its variants, from every responses file of the domain."""
    merged: dict[str, list[dict[str, Any]]] = {}
    for name, responses in responses_by_file(directory).items():
        if name not in NOT_DOMAIN:
            merged.update(responses)
    return merged


def responses_of(domain: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The domain's responses when Rasa sent them, else the repository's (selective domain)."""
    return dict(domain.get("responses") or repository_responses())

"""Pseudonyms are keyed, stable, and never reveal the raw id."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from bot.pseudonym import load_or_create_key, pseudonym

KEY = b"k" * 48


def test_stable_per_key_and_different_across_keys_and_channels() -> None:
    assert pseudonym(KEY, "telegram", 123456789) == pseudonym(KEY, "telegram", "123456789")
    assert pseudonym(KEY, "telegram", 123456789) != pseudonym(b"j" * 48, "telegram", 123456789)
    assert pseudonym(KEY, "telegram", 1) != pseudonym(KEY, "terminal", 1)


def test_the_raw_id_does_not_appear() -> None:
    value = pseudonym(KEY, "telegram", 123456789)
    assert "123456789" not in value
    assert len(value) == 26


@pytest.mark.parametrize("bad", ["", "changeme", "short"])
def test_placeholder_or_short_keys_stop_start_up(bad: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="PSEUDONYM_KEY"):
        load_or_create_key(tmp_path / "k", bad)


def test_a_local_key_is_created_once_and_private(tmp_path: Path) -> None:
    path = tmp_path / "secret" / "pseudonym.key"
    first = load_or_create_key(path)
    assert load_or_create_key(path) == first
    assert len(first) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

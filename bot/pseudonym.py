"""Keyed pseudonyms: the only user identifier the engine, storage and logs ever see."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

MIN_KEY_BYTES = 32
PLACEHOLDERS = frozenset({"", "changeme", "change-me", "secret", "xxx", "todo"})


def pseudonym(key: bytes, channel: str, raw_id: str | int) -> str:
    """HMAC-SHA256 of the channel-scoped id, as 26 base32 characters (130 bits)."""
    digest = hmac.new(key, f"{channel}:{raw_id}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode("ascii").rstrip("=")[:26].lower()


def load_or_create_key(path: Path, env_value: str | None = None) -> bytes:
    """The pseudonym key: from the environment if set, else a local file made on first run.

    A placeholder or short key stops start-up: a guessable key would let anyone
    recompute pseudonyms from Telegram ids.
    """
    if env_value is not None:
        if env_value.strip().lower() in PLACEHOLDERS or len(env_value.encode()) < MIN_KEY_BYTES:
            raise ValueError(
                f"PSEUDONYM_KEY must be a random secret of at least {MIN_KEY_BYTES} bytes "
                "(e.g. `python3 -c 'import secrets; print(secrets.token_urlsafe(48))'`)."
            )
        return env_value.encode()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip().encode()

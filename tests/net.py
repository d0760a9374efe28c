"""Helpers shared by the test suites: loopback ports, and what a SQLite database holds on disk."""

from __future__ import annotations

import socket
from pathlib import Path


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sqlite_bytes(path: Path) -> bytes:
    """Everything a SQLite database holds on disk: the file, and its WAL or journal beside it."""
    return b"".join(p.read_bytes() for p in sorted(path.parent.glob(path.name + "*")))

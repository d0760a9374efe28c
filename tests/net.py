"""Helpers shared by the test suites: loopback ports, and what a SQLite database holds on disk."""

from __future__ import annotations

import os
import socket
from pathlib import Path


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_is_free(port: int) -> bool:
    """True if ``port`` can be bound on 127.0.0.1 right now."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def sqlite_bytes(path: Path) -> bytes:
    """Everything a SQLite database holds on disk: the file, and its WAL or journal beside it."""
    return b"".join(p.read_bytes() for p in sorted(path.parent.glob(path.name + "*")))


def required_path(root: Path, variable: str, default: str, remedy: str) -> Path:
    """A path from the environment (relative to ``root``), else the default; missing: skip, or fail in CI."""
    import pytest

    value = os.environ.get(variable) or default
    path = root / value  # an absolute value stays as it is
    if not path.exists():
        message = f"{variable}={value} does not exist: {remedy}"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path

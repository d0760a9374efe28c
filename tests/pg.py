"""A throwaway PostgreSQL server for the tests, started from the Debian packages (loopback only).

The cluster lives in a temporary folder, listens on a free port of 127.0.0.1 with trust
authentication, runs without fsync (nothing in it is worth keeping) and is removed when the
block ends. Without PostgreSQL the tests are skipped on a workstation, but fail under CI:
a CI run must never pass by silently skipping a database.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest

from tests.net import free_port

SUPERUSER = "postgres"
DATABASE = "relais"
START_TIMEOUT_S = 60
# Durability is pointless in a cluster deleted after the run; this keeps the tests fast.
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "50",
    "shared_buffers": "32MB",
    "logging_collector": "off",
}


def unavailable(reason: str) -> NoReturn:
    """Skip on a workstation; fail under CI (which sets CI), where a skip would hide a gap."""
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL is required under CI: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL not available: {reason}")


def find_bin_dir() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin (Debian layout), else the one on PATH."""

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", path.parent.name))

    candidates = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "initdb").is_file() and (p / "pg_ctl").is_file()]
    if candidates:
        return max(candidates, key=version)
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl and (Path(pg_ctl).parent / "initdb").is_file():
        return Path(pg_ctl).parent
    return None


@dataclass
class Cluster:
    """A running throwaway cluster: its URL, and stop/start for outage tests."""

    url: str
    stop: Callable[[], None]
    start: Callable[[], None]


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a fresh cluster, yield the SQLAlchemy URL of an empty database, stop and remove it."""
    with postgres_cluster() as cluster:
        yield cluster.url


@contextmanager
def postgres_cluster() -> Iterator[Cluster]:
    """Start a fresh cluster with an empty database; stop and remove it at the end."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        unavailable("no initdb/pg_ctl in /usr/lib/postgresql/*/bin or on PATH (Debian package 'postgresql')")
    as_root = os.geteuid() == 0
    run_as: list[str] = []
    if as_root:
        # PostgreSQL refuses to run as root: the Debian package's system user runs it.
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            unavailable("running as root and there is no 'postgres' system user to run the server")
        run_as = ["runuser", "-u", "postgres", "--"]

    base = Path(tempfile.mkdtemp(prefix="relais-pg-", dir="/tmp" if as_root else None))  # noqa: S108 (mkdtemp: unique, private)
    data = base / "data"
    log = base / "server.log"
    port = free_port()
    pg_ctl = [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data)]

    def run(command: list[str], what: str) -> None:
        # cwd: the postgres user may not be allowed into the checkout.
        result = subprocess.run(command, cwd=base, capture_output=True, text=True, check=False, timeout=START_TIMEOUT_S)
        if result.returncode != 0:
            server_log = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{what} failed ({result.returncode}):\n{result.stdout}{result.stderr}{server_log}")

    started = False
    try:
        if as_root:
            base.chmod(0o755)  # the postgres user must reach its data folder and socket
            os.chown(base, owner.pw_uid, owner.pw_gid)
        initdb = [str(bin_dir / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]
        run([*run_as, *initdb], "initdb")
        settings = {**SETTINGS, "port": str(port), "unix_socket_directories": f"'{base}'"}
        # Appending keeps the file owned by the postgres user; the last value of a setting wins.
        with (data / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())
        started = True  # from here on, a half-started server must still be stopped

        def start() -> None:
            run([*pg_ctl, "-l", str(log), "-w", "-t", str(START_TIMEOUT_S), "start"], "pg_ctl start")

        def stop() -> None:
            run([*pg_ctl, "-m", "fast", "-w", "stop"], "pg_ctl stop")

        start()
        run([str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", SUPERUSER, DATABASE], "createdb")
        yield Cluster(f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{port}/{DATABASE}", stop, start)
    finally:
        if started:
            subprocess.run([*pg_ctl, "-m", "immediate", "-w", "stop"], cwd=base, capture_output=True, check=False, timeout=START_TIMEOUT_S)
        shutil.rmtree(base, ignore_errors=True)

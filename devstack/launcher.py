"""`make run`: start the action server and the Rasa server, then the chat; stop all on exit.

Without TELEGRAM_BOT_TOKEN the chat is the terminal one. Child processes get their own
session so that Ctrl-C reaches only this launcher, which then stops them in order.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import signal
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import httpx

from bot.settings import Settings, SettingsError
from devstack.localservices import ServiceUnavailable, postgres_cluster, redis_server
from devstack.terminal import main_async

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "var"
READY_TIMEOUT_S = 240


TRACKER_EXPIRY_S = 3600  # Redis forgets a conversation's texts an hour after its last event


def _endpoints(actions_port: int, redis: str | None = None) -> Path:
    """Rasa's endpoints: the action server, and with Redis the shared tracker and lock stores."""
    path = VAR / "build" / f"endpoints-{actions_port}.yml"  # one per engine: tests start several
    path.parent.mkdir(parents=True, exist_ok=True)
    # Selective domain: Rasa does not send its whole domain on every action call (the
    # actions read the same responses/*.yml, core/content.py).
    text = (
        f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n'
        "  enable_selective_domain: true\n"
    )
    if redis:
        host, port = redis.rsplit(":", 1)
        text += (
            f"tracker_store:\n  type: redis\n  url: {host}\n  port: {port}\n  db: 0\n"
            f"  record_exp: {TRACKER_EXPIRY_S}\n  key_prefix: relais\n"
            f"lock_store:\n  type: redis\n  url: {host}\n  port: {port}\n  db: 1\n  key_prefix: relais\n"
        )
    else:  # one process: trackers kept as objects, not re-encoded every turn (runtime/tracker_store.py)
        text += "tracker_store:\n  type: runtime.tracker_store.LiveTrackerStore\n"
    path.write_text(text)
    return path


# Rasa loggers that quote what the person wrote or the conversation's slots, even at
# ERROR level (e.g. a REST timeout logs the message): silenced, so no text reaches var/log.
QUIET_RASA_LOGGERS = ("rasa.core.channels.rest", "rasa.core.nlg.interpolator", "rasa.core.channels.channel")


def _logging_config() -> Path:
    path = VAR / "build" / "rasa-logging.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    loggers = "".join(f"  {name}:\n    level: CRITICAL\n" for name in QUIET_RASA_LOGGERS)
    path.write_text(f"version: 1\ndisable_existing_loggers: false\nloggers:\n{loggers}")
    return path


def _start(name: str, command: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    log_path = VAR / "log" / f"{name}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("ab")
    return subprocess.Popen(
        command, cwd=ROOT, stdout=log, stderr=log, start_new_session=True, env={**os.environ, **(env or {})}
    )


def _wait_ready(url: str, processes: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            raise RuntimeError("a server stopped during start-up: see var/log/")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} not ready after {READY_TIMEOUT_S} s: see var/log/")


def stop_engine(processes: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM each server's process group, then SIGKILL what is still there after 10 s."""
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def start_engine(
    rasa_python: str,
    model: str,
    rasa_port: int,
    actions_port: int,
    replicas: int = 1,
    redis: str | None = None,
    token: str | None = None,
) -> list[subprocess.Popen[bytes]]:
    """Start the action server and the Rasa server(s) on rasa_port, rasa_port+1...; return once all answer.

    Several replicas need ``redis`` (host:port): they share the trackers and the
    conversation locks there, so any replica can answer any conversation.
    """
    if replicas > 1 and not redis:
        raise ValueError("Rasa replicas need a shared tracker store (Redis)")
    actions = _start(
        "actions",
        [rasa_python, "-m", "rasa_sdk", "--actions", "actions", "--port", str(actions_port)],
        env={"SANIC_HOST": "127.0.0.1"},  # rasa_sdk listens on every interface otherwise
    )
    ports = [rasa_port + n for n in range(replicas)]
    endpoints = _endpoints(actions_port, redis)
    processes = [actions] + [
        _start(
            "rasa" if replicas == 1 else f"rasa-{port}",
            [
                rasa_python,
                "-m",
                "runtime.rasa_run",
                "run",
                "--enable-api",
                "--model",
                model,
                "--port",
                str(port),
                "--endpoints",
                str(endpoints),
                "--interface",
                "127.0.0.1",
                "--logging-config-file",
                str(_logging_config()),
                *(["--auth-token", token] if token else []),
            ],
        )
        for port in ports
    ]
    try:
        _wait_ready(f"http://127.0.0.1:{actions_port}/health", processes)
        for port in ports:  # /status is part of the HTTP API: it wants the token too
            _wait_ready(f"http://127.0.0.1:{port}/status" + (f"?token={token}" if token else ""), processes)
    except BaseException:
        stop_engine(processes)
        raise
    return processes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rasa-python", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--rasa-port", type=int, default=5005)
    parser.add_argument("--actions-port", type=int, default=5055)
    parser.add_argument(
        "--scaled", action="store_true", help="PostgreSQL, Redis and two Rasa replicas (make run-scaled)"
    )
    parser.add_argument("--postgres-port", type=int, default=55432)
    parser.add_argument("--redis-port", type=int, default=56379)
    args = parser.parse_args()

    with ExitStack() as services:
        env = dict(os.environ)
        replicas, redis = 1, None
        if args.scaled:
            print("Starting PostgreSQL and Redis from the Debian packages...", file=sys.stderr)
            try:
                env["DATABASE_URL"] = services.enter_context(postgres_cluster(args.postgres_port)).url
                redis = services.enter_context(redis_server(args.redis_port))
            except ServiceUnavailable as error:
                sys.exit(f"make run-scaled needs Debian's postgresql and redis-server: {error}")
            replicas = 2
        env["RASA_URL"] = ",".join(f"http://127.0.0.1:{args.rasa_port + n}" for n in range(replicas))
        env.setdefault("RASA_TOKEN", secrets.token_urlsafe(24))  # Rasa's HTTP API answers only with it
        try:
            settings = Settings.from_env(env)
        except SettingsError as error:
            sys.exit(f"Configuration error: {error}")
        print(
            f"Starting the action server and {replicas} Rasa server(s) (about a minute)...", file=sys.stderr
        )
        processes = start_engine(
            args.rasa_python,
            args.model,
            args.rasa_port,
            args.actions_port,
            replicas,
            redis,
            env["RASA_TOKEN"],
        )
        try:
            if settings.telegram_bot_token:
                from bot.adapter.app import run

                print("Telegram bot running (Ctrl-C to stop).", file=sys.stderr)
                run(settings)
            else:
                print("No TELEGRAM_BOT_TOKEN: chat in the terminal.", file=sys.stderr)
                asyncio.run(main_async(settings.rasa_url, settings.pseudonym_key))
        except KeyboardInterrupt:
            pass
        finally:
            print("\nStopping the servers...", file=sys.stderr)
            stop_engine(processes)


if __name__ == "__main__":
    main()

"""The end-to-end world: the real Rasa and action servers, the real PTB Application, a fake Bot API.

The engine (Rasa + action server, started with the Rasa environment's Python) is started once
per module: it takes from ten seconds to a minute. Each test gets a fresh FakeTelegram, a fresh
SQLite database and its own chat id, so that the engine's trackers never mix.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import logging
import os
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.adapter.app import build_application
from bot.pseudonym import pseudonym
from bot.settings import Settings
from devstack.launcher import VAR, start_engine, stop_engine
from tests.bot.adapter.harness import start, stop
from tests.bot.fake_telegram import FakeTelegram, private_text
from tests.bot.fake_telegram import running as telegram_running
from tests.net import free_port, required_path

ROOT = Path(__file__).resolve().parents[3]
DEFAULT_MODEL = "models/current.tar.gz"
DEFAULT_RASA_PYTHON = ".venv/rasa/bin/python"
ENGINE_LOGS = (VAR / "log" / "rasa.log", VAR / "log" / "actions.log")  # where start_engine sends their output
BOT_TOKEN = "424242:e2e-token-never-in-logs"  # noqa: S105 - a test value, not a real secret
ENGINE_TOKEN = "e2e-rasa-api-token"  # noqa: S105 - the Rasa HTTP API's --auth-token, as make run sets one
USER: dict[str, Any] = {"is_bot": False, "first_name": "Inès", "last_name": "Martin", "username": "ines_m_14"}
REPLY_TIMEOUT_S = 20  # the first turns of a fresh engine can be slow on a busy machine
SETTLE_S = (
    0.4  # a turn is over when no other message came for this long (one engine reply is sent in milliseconds)
)


def _configured_path(variable: str, default: str, remedy: str) -> Path:
    return required_path(ROOT, variable, default, remedy)


def _log_ends() -> dict[Path, int]:
    return {path: (path.stat().st_size if path.exists() else 0) for path in ENGINE_LOGS}


class _Collector(logging.Handler):
    """Every log record of the module, formatted with its traceback, for the privacy scan."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@dataclass
class Engine:
    """The running engine and what the module's conversations left behind (for the privacy scan)."""

    url: str
    processes: list[subprocess.Popen[bytes]]
    log_offsets: dict[Path, int]
    collector: _Collector
    databases: list[Path] = field(default_factory=list)
    chat_ids: list[int] = field(default_factory=list)
    stopped: bool = False
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(5550000101))

    def new_chat_id(self) -> int:
        chat_id = next(self._ids)
        self.chat_ids.append(chat_id)
        return chat_id

    def stop(self) -> None:
        """Kill the engine now (the degraded-mode test); the module's teardown then has nothing left to do."""
        stop_engine(self.processes)
        self.stopped = True

    def server_logs(self, since: dict[Path, int] | None = None) -> str:
        """What the Rasa and action servers wrote to var/log/ since this module started them (or since a
        mark)."""
        text = []
        for path, offset in (since or self.log_offsets).items():
            if path.exists():
                with path.open("rb") as log:
                    log.seek(offset)
                    text.append(log.read().decode("utf-8", errors="replace"))
        return "\n".join(text)

    def log_mark(self) -> dict[Path, int]:
        """Where the servers' logs end now, for server_logs(since=...)."""
        return _log_ends()


@pytest.fixture(scope="module")
def engine() -> Iterator[Engine]:
    """The real action server and Rasa server, on free ports, once per module."""
    model = _configured_path("RELAIS_MODEL", DEFAULT_MODEL, "run `make train`").resolve()
    rasa_python = _configured_path(
        "RELAIS_RASA_PYTHON", DEFAULT_RASA_PYTHON, "run `make install`"
    )  # a venv's symlink: kept as is
    rasa_port = free_port()
    actions_port = free_port()
    while actions_port == rasa_port:
        actions_port = free_port()
    offsets = _log_ends()  # start_engine appends to the logs of earlier runs
    with pytest.MonkeyPatch.context() as env:  # what the Makefile exports, for a run outside make
        env.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
        env.setenv("RASA_TELEMETRY_ENABLED", "false")
        env.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
        env.setenv("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
        processes = start_engine(str(rasa_python), str(model), rasa_port, actions_port, token=ENGINE_TOKEN)

    collector = _Collector()
    root = logging.getLogger()
    level = root.level
    root.addHandler(collector)
    root.setLevel(logging.INFO)
    try:
        yield Engine(f"http://127.0.0.1:{rasa_port}", processes, offsets, collector)
    finally:
        root.removeHandler(collector)
        root.setLevel(level)
        stop_engine(processes)
        assert all(p.poll() is not None for p in processes)


@dataclass(frozen=True)
class Reply:
    """One message the bot sent, as the user reads it, with its buttons (title → callback data)."""

    text: str
    buttons: dict[str, str]


def reply_of(params: dict[str, Any]) -> Reply:
    """What Telegram shows: HTML entities are decoded only when the message was sent as HTML."""
    text = str(params.get("text", ""))
    if params.get("parse_mode") == "HTML":
        text = html.unescape(text)
    rows = (params.get("reply_markup") or {}).get("inline_keyboard") or []
    return Reply(text, {button["text"]: button["callback_data"] for row in rows for button in row})


@dataclass
class World:
    """One user in a private chat with the bot, through the fake Bot API server."""

    telegram: FakeTelegram
    engine: Engine
    settings: Settings
    chat_id: int
    db: Path
    _update_ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def pseudonym(self) -> str:
        return pseudonym(self.settings.pseudonym_key, "telegram", self.chat_id)

    def user(self) -> dict[str, Any]:
        return {"id": self.chat_id, **USER}

    async def push(self, update: dict[str, Any], at_least: int = 1) -> list[Reply]:
        """Deliver an update; return every message the bot sends in answer, in order.

        The answer is over when at least ``at_least`` messages came and nothing more for SETTLE_S.
        """
        before = len(self.telegram.sent())
        self.telegram.push(update)
        await self.telegram.wait_for(before + at_least, timeout_s=REPLY_TIMEOUT_S)
        count = 0
        while count != len(self.telegram.sent()):
            count = len(self.telegram.sent())
            await asyncio.sleep(SETTLE_S)
        return [reply_of(params) for params in self.telegram.sent()[before:]]

    def text_update(self, text: str, edited: bool = False) -> dict[str, Any]:
        update = private_text(next(self._update_ids), self.chat_id, text, edited=edited)
        message = update["edited_message" if edited else "message"]
        message["from"] = self.user()
        if edited:
            message["edit_date"] = int(time.time())
        return update

    async def say(self, text: str) -> list[Reply]:
        """The user types ``text``; every message the bot sends in answer."""
        return await self.push(self.text_update(text))

    async def press(self, reply: Reply, title: str) -> list[Reply]:
        """The user presses the button ``title`` of a message the bot sent."""
        assert title in reply.buttons, f"no button {title!r} in {list(reply.buttons)}"
        update_id = next(self._update_ids)
        query = {
            "id": f"q{update_id}",
            "from": self.user(),
            "chat_instance": "c",
            "data": reply.buttons[title],
            "message": {
                "message_id": 1,
                "date": int(time.time()),
                "chat": {"id": self.chat_id, "type": "private"},
                "text": "x",
            },
        }
        return await self.push({"update_id": update_id, "callback_query": query})

    async def engine_user_texts(self) -> list[str]:
        """What the engine received from this chat's pseudonym (its tracker's user events)."""
        async with httpx.AsyncClient(base_url=self.engine.url, timeout=10) as client:
            response = await client.get(
                f"/conversations/{self.pseudonym}/tracker", params={"token": ENGINE_TOKEN}
            )
        response.raise_for_status()
        return [event["text"] for event in response.json()["events"] if event["event"] == "user"]


@pytest.fixture()
async def world(engine: Engine, tmp_path: Path) -> AsyncIterator[World]:
    """A fresh Bot API server, database and chat id, with the bot connected to the module's engine."""
    if engine.stopped:
        pytest.fail(
            "the engine was stopped by an earlier test: the engine-killed conversation must stay the last "
            "one",
            pytrace=False,
        )
    db = tmp_path / "relais.db"
    with telegram_running(FakeTelegram()) as telegram:
        env = {
            "PSEUDONYM_KEY": "e2e-" + "k" * 44,
            "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
            "TELEGRAM_API_BASE_URL": f"{telegram.url}/bot",
            "DATABASE_URL": f"sqlite:///{db}",
            "RASA_URL": engine.url,
            "RASA_TOKEN": ENGINE_TOKEN,
        }
        settings = Settings.from_env(env, tmp_path / "var")
        app = build_application(settings)
        await start(app)
        try:
            yield World(telegram, engine, settings, engine.new_chat_id(), db)
        finally:
            await stop(app)
            engine.databases.append(db)

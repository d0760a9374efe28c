"""Long-lived services of the adapter, created in post_init and closed in post_shutdown."""

from __future__ import annotations

import asyncio
import logging
import secrets
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeAlias, TypeVar

from sqlalchemy.orm import Session, sessionmaker
from telegram.ext import Application, ContextTypes

from bot.adapter.transport import GroupPacer
from bot.engine import RasaClient
from bot.pseudonym import pseudonym
from bot.responses import filled, render
from bot.settings import Settings
from bot.storage.cipher import ChatCipher
from bot.storage.db import transaction

log = logging.getLogger("relais.adapter")
MAX_BUTTONS = 5000  # payloads kept for buttons; the oldest expire first
THROTTLE_MESSAGES = 8  # per pseudonym, within THROTTLE_WINDOW_S: more is spam, not a person typing
THROTTLE_WINDOW_S = 10.0
T = TypeVar("T")
# The application as built in app.py. Its six type parameters are left open: the builder infers
# ExtBot[int] for the bot and ExtBot[None] in the context, which no single spelling matches.
RelaisApp: TypeAlias = Application[Any, Any, Any, Any, Any, Any]


@dataclass
class Services:
    """What every handler needs: settings, engine client, database, cipher, button payloads."""

    settings: Settings
    engine: RasaClient
    sessions: sessionmaker[Session]
    cipher: ChatCipher
    buttons: OrderedDict[str, tuple[str, str]] = field(default_factory=OrderedDict)
    recent: dict[str, deque[float]] = field(default_factory=dict)
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)  # tests replace it
    outbox_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # One thread for PostgreSQL (in_db): while it answers, the event loop serves other chats, and
    # the thread runs transactions one at a time, in the order they were asked for. Every handler
    # and job reaches the database through in_db, never with a blocking transaction on the loop.
    db_thread: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=1, thread_name_prefix="relais-db")
    )
    # Cards waiting for the card worker (handoff.py): (operation, hand-off id), each once.
    card_ops: asyncio.Queue[tuple[str, int]] = field(default_factory=asyncio.Queue)
    card_pending: set[tuple[str, int]] = field(default_factory=set)
    group_pacer: GroupPacer = field(default_factory=GroupPacer)  # the card worker's 20 a minute
    # Volunteers by pseudonym → Telegram id, from the allowlist only (never stored).
    volunteers: dict[str, int] = field(init=False)
    # SQLite answers in-process: known once, from the engine the sessions are bound to.
    db_inline: bool = field(init=False)

    def __post_init__(self) -> None:
        key = self.settings.pseudonym_key
        self.volunteers = {
            pseudonym(key, "volunteer", raw): raw for raw in sorted(self.settings.helpline_volunteer_ids)
        }
        self.db_inline = self.sessions.kw["bind"].dialect.name == "sqlite"

    async def in_db(self, work: Callable[[Session], T]) -> T:
        """``work(session)`` in one transaction (committed, or rolled back if it raises).

        A database over the network (PostgreSQL) is served by the database thread, so that the
        loop answers other chats while it waits. SQLite answers from this process in well under
        a millisecond: a thread hop would only add switches, so it runs here.
        """

        def run() -> T:
            with transaction(self.sessions) as session:
                return work(session)

        if self.db_inline:
            return run()
        return await asyncio.get_running_loop().run_in_executor(self.db_thread, run)

    def card(self, operation: str, handoff_id: int) -> None:
        """Ask the card worker to "post", "edit" or "repost" a request's card (not twice while waiting)."""
        if (operation, handoff_id) not in self.card_pending:
            self.card_pending.add((operation, handoff_id))
            self.card_ops.put_nowait((operation, handoff_id))

    def volunteer_pseudonym(self, user_id: int | None) -> str | None:
        """The volunteer's pseudonym if ``user_id`` is on the allowlist, else None."""
        if user_id is None or user_id not in self.settings.helpline_volunteer_ids:
            return None
        return pseudonym(self.settings.pseudonym_key, "volunteer", user_id)

    def volunteer_number(self, volunteer: str) -> int:
        """How volunteers name each other: their rank in the allowlist (n°1, n°2...)."""
        return list(self.volunteers).index(volunteer) + 1 if volunteer in self.volunteers else 0

    def render(self, key: str, country: str | None = None, **values: object) -> str:
        return render(key, country or self.settings.default_country, **values)

    def allow(self, owner: str, now: float) -> bool:
        """Per-pseudonym throttle: at most THROTTLE_MESSAGES in any THROTTLE_WINDOW_S."""
        times = self.recent.setdefault(owner, deque())
        while times and now - times[0] > THROTTLE_WINDOW_S:
            times.popleft()
        if len(times) >= THROTTLE_MESSAGES:
            return False
        times.append(now)
        return True

    def pseudonym_of(self, chat_id: int) -> str:
        return pseudonym(self.settings.pseudonym_key, "telegram", chat_id)

    def text(self, key: str, country: str | None = None) -> str:
        """A response of responses/*.yml with the helplines of the country filled in."""
        return filled(key, country or self.settings.default_country)

    def button_token(self, owner: str, payload: str) -> str:
        """A short callback token for a payload (Telegram allows 64 bytes), bound to its owner."""
        token = secrets.token_urlsafe(9)
        self.buttons[token] = (owner, payload)
        while len(self.buttons) > MAX_BUTTONS:
            self.buttons.popitem(last=False)
        return token

    def button_payload(self, owner: str, token: str) -> str | None:
        """The payload of a token, only for the user it was made for (forged data: None)."""
        entry = self.buttons.get(token)
        return entry[1] if entry and entry[0] == owner else None


def correlation_id() -> str:
    return uuid.uuid4().hex[:12]


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """The services of the application this update belongs to (set in app.py's post_init)."""
    found: Services = context.application.bot_data["services"]
    return found

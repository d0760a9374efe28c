"""A chat in the terminal that goes through the same engine client as the Telegram adapter.

Each turn prints the bot's replies and the triage of the message. When the engine is
down or slow, the degraded mode answers: the crisis lexicon runs locally and the
emergency contacts come first.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
import uuid
from dataclasses import dataclass
from typing import Any, TextIO

from bot.engine import EngineUnavailable, RasaClient
from bot.responses import degraded_reply

log = logging.getLogger("relais.terminal")
MAX_MESSAGE_CHARS = 4096  # Telegram's own limit: the terminal behaves the same


@dataclass(frozen=True)
class Turn:
    """What the user reads after one message, and the triage behind it."""

    texts: list[str]
    triage: dict[str, Any]
    degraded: bool = False
    handoff: dict[str, Any] | None = None


async def chat_turn(engine: RasaClient, sender: str, text: str, country: str = "FR") -> Turn:
    """One user message → replies, falling back to the local crisis net if the engine fails."""
    text = text[:MAX_MESSAGE_CHARS]
    try:
        reply = await engine.send(sender, text, metadata={"country": country, "channel": "terminal"})
    except EngineUnavailable as error:
        log.warning("engine_unavailable sender=%s error=%s", sender, error)
        triage, texts = degraded_reply(text, country)
        return Turn(texts, triage, degraded=True)
    texts = []
    for message in reply.messages:
        lines = [message.text] + [f"  [{b['title']}]" for b in message.buttons]
        texts.append("\n".join(lines))
    return Turn(texts, reply.triage or {}, handoff=reply.handoff)


def format_triage(turn: Turn) -> str:
    t = turn.triage
    if not t:  # a button payload is not triaged: nothing was written
        return "[triage] — (bouton)"
    mode = " (mode dégradé)" if turn.degraded else ""
    return (
        f"[triage{mode}] situation={t.get('situation', '?')} urgency={t.get('urgency', '?')} "
        f"audience={t.get('audience', '?')} confidence={t.get('confidence', 0)}"
    )


async def run_terminal(engine: RasaClient, sender: str, stdin: TextIO, stdout: TextIO) -> None:
    """Read lines until end of input (Ctrl-D) and print each turn."""
    interactive = stdin.isatty()
    stdout.write("Relais — chat local (Ctrl-C ou Ctrl-D pour quitter)\n")
    lines = _line_queue(stdin)
    while True:
        if interactive:
            stdout.write("vous> ")
            stdout.flush()
        line = await lines.get()
        if not line:
            break
        text = line.rstrip("\n")
        if not text.strip():
            continue
        turn = await chat_turn(engine, sender, text)
        for reply in turn.texts:
            stdout.write(f"relais> {reply}\n")
        stdout.write(format_triage(turn) + "\n")
        if turn.handoff is not None:  # the terminal has no volunteers: show what the adapter would queue
            stdout.write(
                f"[hand-off] urgency={turn.handoff.get('urgency')} "
                f"trigger={turn.handoff.get('trigger', 'asked')}"
                " — le chat local n'est relié à aucune équipe de bénévoles (Telegram seulement)\n"
            )
        stdout.flush()


def _line_queue(stdin: TextIO) -> asyncio.Queue[str]:
    """Lines of ``stdin`` read by a daemon thread ("" at end of input).

    A daemon thread, not the loop's executor: a blocked ``readline`` must not keep
    the process alive after Ctrl-C.
    """
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str] = asyncio.Queue()

    def pump() -> None:
        while True:
            line = stdin.readline()
            loop.call_soon_threadsafe(queue.put_nowait, line)
            if not line:
                return

    threading.Thread(target=pump, name="stdin", daemon=True).start()
    return queue


def new_terminal_sender(key: bytes) -> str:
    """A fresh pseudonym per terminal session (the raw session id is never sent)."""
    from bot.pseudonym import pseudonym

    return pseudonym(key, "terminal", uuid.uuid4().hex)


async def main_async(rasa_url: str, key: bytes) -> None:
    engine = RasaClient(rasa_url)
    try:
        await run_terminal(engine, new_terminal_sender(key), sys.stdin, sys.stdout)
    finally:
        await engine.aclose()

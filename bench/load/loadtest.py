"""`make loadtest`: N concurrent anonymous conversations through a fake Bot API, against the real stack.

The load generator plays Telegram: it hosts a fake Bot API server (tests/bot/fake_telegram.py),
feeds the bot updates (getUpdates in polling mode, POSTs in webhook mode) and reads what the
bot sends. The bot runs as its own process (`python -m bot.adapter`) against the real Rasa
and action servers, started as `make run` or `make run-scaled` start them. Two simulated
volunteers claim hand-off cards and answer. Users wait for a reply before writing again.

Measured: messages/s, reply latency p50/p95/p99 (update in → first message out to that chat),
errors (degraded replies, handler errors), lost messages (no reply within the timeout) and
duplicates (an update handled twice, a relayed message delivered twice). Telegram re-deliveries
are simulated: a share of updates is pushed twice. Results go to docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import yaml

from devstack.launcher import start_engine, stop_engine
from devstack.localservices import postgres_cluster, redis_server
from tests.bot.fake_telegram import FakeTelegram, running
from tests.net import free_port, port_is_free

ROOT = Path(__file__).resolve().parents[2]
VAR = ROOT / "var" / "load"
GROUP = -100777
VOLUNTEERS = (9001, 9002, 9003, 9004)  # one chat at a time each: no /ticket juggling
SECRET = "load-test-webhook-secret-0123456789"  # noqa: S105 - a test value
REPLY_TIMEOUT_S = 15.0
CRISIS = ["jveux plus etre la", "je pense à me tuer ce soir", "il m'attend devant le collège là maintenant"]
ASK_HUMAN = "je veux parler à quelqu'un"


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    sent: int = 0
    lost: int = 0
    degraded: int = 0
    redelivered: int = 0
    relayed: Counter[str] = field(default_factory=Counter)
    relayed_total: int = 0


class LoadTelegram(FakeTelegram):
    """The fake Bot API, with a notification per chat each time the bot sends it a message."""

    def __init__(self) -> None:
        super().__init__()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.inbox: dict[int, asyncio.Queue[dict[str, Any]]] = defaultdict(asyncio.Queue)
        self.webhook: str | None = None
        self.group_times: list[float] = []
        self.topics_created = 0

    def answer(self, method: str, params: dict[str, Any]) -> Any:
        result = super().answer(method, params)
        if method in ("sendMessage", "editMessageText") and int(params.get("chat_id", 0)) == GROUP:
            self.group_times.append(time.monotonic())  # Telegram allows about 20 a minute in a group
        elif method == "createForumTopic":
            self.topics_created += 1
        if (
            method in ("sendMessage", "editMessageText")
            and self.loop is not None
            and not self.loop.is_closed()
        ):
            with contextlib.suppress(RuntimeError):  # the run is over
                self.loop.call_soon_threadsafe(
                    self.inbox[int(params["chat_id"])].put_nowait, {**params, "_method": method}
                )
        with self.lock:  # keep memory flat over a long run: only the last calls are kept
            del self.calls[:-2000]
        return result


def messages_by_situation() -> dict[str, list[str]]:
    """Realistic messages: our held-out set (never used for training), by situation."""
    data = yaml.safe_load((ROOT / "tests" / "data" / "heldout.yml").read_text("utf-8"))
    items = data["messages"] if isinstance(data, dict) else data
    groups: dict[str, list[str]] = defaultdict(list)
    for item in items:
        groups[str(item.get("situation", "none"))].append(str(item["text"]))
    return groups


class Driver:
    """Pushes updates the way Telegram would, in polling or webhook mode."""

    def __init__(self, telegram: LoadTelegram, client: httpx.AsyncClient) -> None:
        self.telegram, self.client = telegram, client
        self.next_id = 0
        self.lock = threading.Lock()

    def _id(self) -> int:
        with self.lock:
            self.next_id += 1
            return self.next_id

    async def push(self, update: dict[str, Any]) -> None:
        if self.telegram.webhook is None:
            self.telegram.push(update)
        else:
            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            for _ in range(5):
                try:
                    response = await self.client.post(self.telegram.webhook, json=update, headers=headers)
                    if response.status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.5)

    async def text(self, chat_id: int, text: str, redeliver: bool = False, thread: int | None = None) -> None:
        uid = self._id()
        user = {"id": chat_id, "is_bot": False, "first_name": "Anon"}
        message = {
            "message_id": uid,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": user,
            "text": text,
        }
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        if thread is not None:  # a volunteer writing in a case's topic, as the bot asks them to
            message |= {"message_thread_id": thread, "is_topic_message": True}
        await self.push({"update_id": uid, "message": message})
        if redeliver:
            await self.push({"update_id": uid, "message": message})

    async def press(self, user_id: int, data: str, chat: dict[str, Any]) -> None:
        query = {
            "id": str(self._id()),
            "from": {"id": user_id, "is_bot": False, "first_name": "Vol"},
            "chat_instance": "c",
            "data": data,
            "message": {"message_id": 1, "date": int(time.time()), "chat": chat, "text": "x"},
        }
        await self.push({"update_id": self._id(), "callback_query": query})


async def user(
    driver: Driver,
    telegram: LoadTelegram,
    chat_id: int,
    plan: list[str],
    stats: Stats,
    deadline: float,
    rng: random.Random,
) -> None:
    """One anonymous person: writes, waits for the answer, reads, writes again."""
    inbox = telegram.inbox[chat_id]
    queued, n = False, 0
    while time.monotonic() < deadline:
        text = plan[n % len(plan)]
        n += 1
        if queued and not text.startswith("/"):
            text = (
                f"{text} ({tag(chat_id, n)})"  # may be relayed: unique, to count deliveries to the volunteer
            )
        while not inbox.empty():
            inbox.get_nowait()
        redeliver = rng.random() < 0.02
        stats.redelivered += redeliver
        started = time.monotonic()
        await driver.text(chat_id, text, redeliver)
        stats.sent += 1
        try:
            first = await asyncio.wait_for(inbox.get(), REPLY_TIMEOUT_S)
        except TimeoutError:
            stats.lost += 1
            continue
        stats.latencies.append(time.monotonic() - started)
        await asyncio.sleep(0.3)  # the rest of the reply burst
        burst = [first]
        while not inbox.empty():
            burst.append(inbox.get_nowait())
        stats.degraded += sum("souci technique" in m.get("text", "") for m in burst)
        if any(
            w in m.get("text", "")
            for m in burst
            for w in ("Ta demande est dans la file", "aucun·e bénévole n'est disponible")
        ):
            queued = True  # from now on a volunteer may claim it and get this person's messages
        await asyncio.sleep(rng.uniform(2.0, 8.0))  # reading and typing


async def volunteer(
    driver: Driver, telegram: LoadTelegram, volunteer_id: int, stats: Stats, deadline: float
) -> None:
    """A volunteer: available, claims new cards (one chat at a time), answers each relayed message, closes
    after 3."""
    await driver.text(volunteer_id, "/dispo")
    group = telegram.inbox[GROUP]
    mine = telegram.inbox[volunteer_id]
    answered: Counter[str] = Counter()
    while time.monotonic() < deadline:
        while not group.empty():
            card = group.get_nowait()
            markup = card.get("reply_markup") or {}
            for row in markup.get("inline_keyboard", []):
                if row[0]["callback_data"].startswith("claim:"):
                    await driver.press(
                        volunteer_id, row[0]["callback_data"], {"id": GROUP, "type": "supergroup"}
                    )
        while not mine.empty():
            sent = mine.get_nowait()
            message, thread = sent.get("text", ""), sent.get("message_thread_id")
            if " › " in message:
                ticket, _, body = message.partition(" › ")
                stats.relayed_total += 1
                if "(ref" in body:  # tagged, hence unique: seen twice means delivered twice
                    stats.relayed[body] += 1
                answered[ticket] += 1
                answer = "D'accord, je suis là. Tu as pu garder des preuves ?"
                await driver.text(volunteer_id, answer, thread=thread)
                if answered[ticket] >= 3:
                    await driver.text(volunteer_id, "/fin", thread=thread)
        await asyncio.sleep(0.2)


def tag(chat_id: int, n: int) -> str:
    """A unique word of letters only (digits could be read as an age): 'ref' + base-26 code."""
    value, letters = chat_id * 1000 + n, ""
    while value:
        value, rest = divmod(value, 26)
        letters += chr(ord("a") + rest)
    return "ref" + letters


def percentile(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100)[int(q) - 1]
        if len(values) >= 2
        else (values[0] if values else 0.0)
    )


async def drive(args: argparse.Namespace, telegram: LoadTelegram) -> Stats:
    telegram.loop = asyncio.get_running_loop()
    rng = random.Random(args.seed)  # noqa: S311 - a reproducible load, not a secret
    groups = messages_by_situation()
    incidents = [t for s, texts in groups.items() if s != "none" for t in texts]
    small_talk = groups.get("none", []) or ["merci", "ok"]
    stats = Stats()
    deadline = time.monotonic() + args.duration
    async with httpx.AsyncClient(timeout=10) as client:
        driver = Driver(telegram, client)
        tasks = [asyncio.create_task(volunteer(driver, telegram, v, stats, deadline)) for v in VOLUNTEERS]
        for n in range(args.users):
            kind = rng.random()
            plan = ["/start", rng.choice(incidents), rng.choice(small_talk), rng.choice(incidents)]
            if kind < 0.05:
                plan.insert(2, rng.choice(CRISIS))
            elif kind < 0.10:
                plan.insert(2, ASK_HUMAN)
            tasks.append(
                asyncio.create_task(user(driver, telegram, 7_000_000 + n, plan, stats, deadline, rng))
            )
            await asyncio.sleep(args.ramp / max(args.users, 1))  # everyone arrives within the ramp-up
        await asyncio.gather(*tasks)
    return stats


def handled_twice(database_url: str) -> int:
    """Telegram updates the bot handled more than once (each 'message_in' carries its update id)."""
    from sqlalchemy import create_engine, func, select

    from bot.storage.models import AuditEvent

    update = AuditEvent.details["update"].as_integer()
    engine = create_engine(database_url)
    with engine.connect() as connection:
        query = (
            select(update)
            .where(AuditEvent.event_type == "message_in")
            .group_by(update)
            .having(func.count() > 1)
        )
        twice = len(connection.execute(query).all())
    engine.dispose()
    return twice


def busiest_minute(times: list[float]) -> int:
    """The most messages (posts and edits) the bot sent the group within any 60 seconds."""
    best, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] > 60:
            start += 1
        best = max(best, end - start + 1)
    return best


def volunteers_report(database_url: str, key: str, since: datetime) -> str:
    """What /stats says of this run's hand-offs (bot/handoff/stats.py on the run's database)."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from bot.handoff import stats
    from bot.pseudonym import pseudonym
    from bot.responses import render

    numbers = {pseudonym(key.encode(), "volunteer", v): n for n, v in enumerate(sorted(VOLUNTEERS), start=1)}
    engine = create_engine(database_url)
    with Session(engine) as session:
        figures = stats.figures(session, since)
    engine.dispose()

    def in_words(key: str, country: str | None = None, **values: object) -> str:
        return render(key, country or "FR", **values)

    return stats.report(
        in_words,
        "make loadtest",
        figures,
        lambda volunteer: numbers.get(volunteer, 0),
    )


def stop_process(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rasa-python", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--duration", type=float, default=120.0)
    parser.add_argument("--ramp", type=float, default=10.0)
    parser.add_argument(
        "--scaled", action="store_true", help="PostgreSQL, Redis, two Rasa replicas, bot in webhook mode"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=None, help="append a result row to this markdown file")
    args = parser.parse_args()

    VAR.mkdir(parents=True, exist_ok=True)
    taken: set[int] = set()

    def port() -> int:  # a free port no other piece of this run was given
        while (candidate := free_port()) in taken:
            pass
        taken.add(candidate)
        return candidate

    rasa_port, actions_port = port(), port()
    while rasa_port + 1 in taken or not port_is_free(rasa_port + 1):  # replicas use rasa_port, rasa_port + 1
        rasa_port = port()
    taken.add(rasa_port + 1)
    with ExitStack() as stack:
        telegram = stack.enter_context(running(LoadTelegram(), quiet=True))
        assert isinstance(telegram, LoadTelegram)
        env = {
            **os.environ,
            "PSEUDONYM_KEY": "l" * 48,
            "TELEGRAM_BOT_TOKEN": "123:load",
            "TELEGRAM_API_BASE_URL": f"{telegram.url}/bot",
            "HELPLINE_CHAT_ID": str(GROUP),
            "HELPLINE_VOLUNTEER_IDS": ",".join(str(v) for v in VOLUNTEERS),
            "HELPLINE_HOURS": "mon-sun 00:00-24:00",
            "VOLUNTEER_CAPACITY": "1",
            # The fake Bot API has no flood limit: what is measured is Relais, not Telegram's cap
            # of about 30 outgoing messages per second per bot (docs/performance.md).
            "TELEGRAM_MAX_RATE": os.environ.get("TELEGRAM_MAX_RATE", "0"),
            "PYTHONPATH": str(ROOT),
        }
        replicas, redis = 1, None
        if args.scaled:
            env["DATABASE_URL"] = stack.enter_context(postgres_cluster(port())).url
            redis = stack.enter_context(redis_server(port()))
            replicas = 2
            webhook_port = port()
            env.update(
                TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{webhook_port}/",
                TELEGRAM_WEBHOOK_SECRET=SECRET,
                TELEGRAM_WEBHOOK_LISTEN="127.0.0.1",
                TELEGRAM_WEBHOOK_PORT=str(webhook_port),
            )
            telegram.webhook = f"http://127.0.0.1:{webhook_port}/"
        else:
            database = VAR / "relais.db"
            for stale in VAR.glob("relais.db*"):  # the database with its WAL and shared memory
                stale.unlink()
            env["DATABASE_URL"] = f"sqlite:///{database}"
        env["RASA_URL"] = ",".join(f"http://127.0.0.1:{rasa_port + n}" for n in range(replicas))
        env["RASA_TOKEN"] = secrets.token_urlsafe(24)
        print(f"Starting {replicas} Rasa server(s) and the action server...", file=sys.stderr)
        engine = start_engine(
            args.rasa_python, args.model, rasa_port, actions_port, replicas, redis, env["RASA_TOKEN"]
        )
        stack.callback(stop_engine, engine)
        bot_log = (VAR / "bot.log").open("wb")
        bot = subprocess.Popen(
            [sys.executable, "-m", "bot.adapter"], cwd=ROOT, env=env, stdout=bot_log, stderr=bot_log
        )
        stack.callback(stop_process, bot)
        time.sleep(8)  # the bot migrates its database and starts polling or its webhook server
        print(f"Driving {args.users} conversations for {args.duration:.0f} s...", file=sys.stderr)
        started, began = time.monotonic(), datetime.now(UTC)
        stats = asyncio.run(drive(args, telegram))
        elapsed = time.monotonic() - started
        time.sleep(1)
        duplicates = handled_twice(env["DATABASE_URL"])
        figures = volunteers_report(env["DATABASE_URL"], env["PSEUDONYM_KEY"], began)
        handler_errors = (
            (VAR / "bot.log").read_text(errors="replace").count("handler_error")
        )  # before the shutdown
    relayed_twice = sum(1 for count in stats.relayed.values() if count > 1)
    result = {
        "mode": "scaled (PostgreSQL, Redis, 2 Rasa, webhook)"
        if args.scaled
        else "single (SQLite, 1 Rasa, polling)",
        "users": args.users,
        "messages": stats.sent,
        "messages_per_s": round(stats.sent / elapsed, 1),
        "p50_s": round(percentile(stats.latencies, 50), 3),
        "p95_s": round(percentile(stats.latencies, 95), 3),
        "p99_s": round(percentile(stats.latencies, 99), 3),
        "errors": stats.degraded + handler_errors,
        "lost": stats.lost,
        "duplicated": duplicates + relayed_twice,
        "redelivered_updates": stats.redelivered,
        "relayed_messages": stats.relayed_total,
        "case_topics": telegram.topics_created,
        "group_busiest_minute": busiest_minute(telegram.group_times),
    }
    print(json.dumps(result, ensure_ascii=False))
    print(figures, file=sys.stderr)  # what /stats says of the run's hand-offs
    if args.out:
        with args.out.open("a", encoding="utf-8") as out:
            out.write("| " + " | ".join(str(v) for v in result.values()) + " |\n")


if __name__ == "__main__":
    main()

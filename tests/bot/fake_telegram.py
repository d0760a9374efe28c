"""A real local HTTP server speaking the Telegram Bot API, for the real PTB Application."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

BOT_USER = {"id": 999, "is_bot": True, "first_name": "Relais", "username": "relais_bot"}


@dataclass
class FakeTelegram:
    """Queued updates for getUpdates, and every call the bot made (method, params)."""

    updates: list[dict[str, Any]] = field(default_factory=list)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_message_id: int = 1000
    # Status codes to answer the next sendMessage calls with (429, 5xx), then normal service.
    failures: list[int] = field(default_factory=list)
    # Topics in the bot's private chats (BotFather's threaded mode), as getMe reports them.
    topics: bool = True
    gone_threads: set[int] = field(default_factory=set)  # topics a volunteer deleted: sending there fails
    next_thread_id: int = 500

    def push(self, update: dict[str, Any]) -> None:
        with self.lock:
            self.updates.append(update)

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        with self.lock:
            return [params for name, params in self.calls if name == method]

    async def wait_for(
        self, count: int, method: str = "sendMessage", timeout_s: float = 10
    ) -> list[dict[str, Any]]:
        """Wait (without blocking the bot's event loop) until ``count`` calls of ``method`` arrived."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            found = self.sent(method)
            if len(found) >= count:
                return found
            await asyncio.sleep(0.05)
        raise AssertionError(f"expected {count} {method}, got {self.sent(method)}")

    def answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return {**BOT_USER, "has_topics_enabled": self.topics}
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            time.sleep(0.05)
            with self.lock:
                # Like Telegram: asking from ``offset`` confirms (forgets) every earlier update.
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
                return list(self.updates)
        with self.lock:
            self.calls.append((method, params))
            if method == "sendMessage":
                self.next_message_id += 1
                sent = {
                    "message_id": self.next_message_id,
                    "date": int(time.time()),
                    "chat": {"id": int(params["chat_id"]), "type": "private"},
                    "text": params.get("text", ""),
                    "from": BOT_USER,
                }
                if params.get("message_thread_id"):
                    sent["message_thread_id"] = int(params["message_thread_id"])
                    sent["is_topic_message"] = True
                return sent
            if method == "createForumTopic":
                if not self.topics:
                    return None  # never asked: the adapter reads has_topics_enabled first
                self.next_thread_id += 1
                return {
                    "message_thread_id": self.next_thread_id,
                    "name": params["name"],
                    "icon_color": 7322096,
                }
        return True


def _params(body: bytes, content_type: str) -> dict[str, Any]:
    if "json" in content_type:
        parsed: dict[str, Any] = json.loads(body or b"{}")
        return parsed
    params: dict[str, Any] = {}
    for key, value in parse_qsl(body.decode()):
        try:
            params[key] = json.loads(value)
        except ValueError:
            params[key] = value
    return params


@contextmanager
def running(fake: FakeTelegram, quiet: bool = False) -> Iterator[FakeTelegram]:
    """Serve ``fake`` on a free loopback port; ``quiet`` hides clients hanging up (load tests)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as Telegram: the bot reuses its connections
        disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall

        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            method = self.path.rsplit("/", 1)[-1]
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            params = _params(body, self.headers.get("Content-Type", ""))
            with fake.lock:
                failure = fake.failures.pop(0) if method == "sendMessage" and fake.failures else None
            if method == "sendMessage" and params.get("message_thread_id") in fake.gone_threads:
                failure = 400
            if failure is not None:
                description = {
                    429: "Too Many Requests: retry after 1",
                    400: "Bad Request: message thread not found",
                }.get(failure, "Bad Gateway")
                error: dict[str, Any] = {"ok": False, "error_code": failure, "description": description}
                if failure == 429:
                    error["parameters"] = {"retry_after": 1}
                payload, status = json.dumps(error).encode(), failure
            else:
                result = fake.answer(method, params)
                payload, status = json.dumps({"ok": True, "result": result}).encode(), 200
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    ThreadingHTTPServer.request_queue_size = 1024  # a load test opens many connections at once
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if quiet:
        server.handle_error = lambda *args: None  # type: ignore[method-assign]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


def private_text(update_id: int, chat_id: int, text: str, edited: bool = False) -> dict[str, Any]:
    user = {
        "id": chat_id,
        "is_bot": False,
        "first_name": "Inès",
        "last_name": "Martin",
        "username": "ines_m_14",
    }
    message = {
        "message_id": update_id,
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "private", "first_name": "Inès", "username": "ines_m_14"},
        "from": user,
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": update_id, ("edited_message" if edited else "message"): message}

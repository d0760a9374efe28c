"""A real local HTTP server that speaks like Rasa's REST channel, and records what it got."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class FakeEngine:
    """Behaviour switches and the requests received."""

    mode: str = "ok"  # ok | error | slow | garbage
    delay_s: float = 0.0
    # Any JSON the real engine could send (tests mix shapes in one list, so not a TypedDict).
    reply: Sequence[Any] = field(default_factory=list)
    # Replies by message text, for scripted conversations (else ``reply``).
    script: Mapping[str, Sequence[Any]] = field(default_factory=dict)
    received: list[dict[str, Any]] = field(default_factory=list)
    forgotten: list[str] = field(default_factory=list)
    # The urgency /model/parse gives a text (else "low"): the learned reading of a relayed message.
    urgencies: Mapping[str, str] = field(default_factory=dict)
    parsed: list[dict[str, Any]] = field(default_factory=list)  # /model/parse requests
    paths: list[str] = field(default_factory=list)  # every request path, query included
    url: str = ""


@contextmanager
def running(engine: FakeEngine, port: int = 0) -> Iterator[FakeEngine]:
    """Serve ``engine`` on a free loopback port for the duration of the block."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output clean
            pass

        def _send(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            engine.paths.append(self.path)
            parts = self.path.split("?")[0].split("/")
            if len(parts) == 4 and parts[1] == "conversations" and parts[3] == "tracker":
                # Rasa's tracker as GET /conversations/<id>/tracker returns it: the user events, in order.
                said = [r for r in engine.received if r.get("sender") == parts[2]]
                if parts[2] in engine.forgotten:
                    said = []
                events = [{"event": "user", "text": r.get("message", "")} for r in said]
                self._send(200, json.dumps({"sender_id": parts[2], "events": events}).encode())
                return
            self._send(200, json.dumps({"model_file": "fake.tar.gz"}).encode())

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length", 0))
            engine.paths.append(self.path)
            body = json.loads(self.rfile.read(length))
            parse = self.path.startswith("/model/parse")
            (engine.parsed if parse else engine.received).append(body)
            if engine.mode == "slow":
                time.sleep(engine.delay_s)
            if engine.mode == "error":
                self._send(500, b'{"error": "boom"}')
            elif engine.mode == "garbage":
                self._send(200, b"<html>not json")
            elif parse:  # NLU only: the triage of one text, the dialogue untouched
                text = body.get("text", "")
                urgency = engine.urgencies.get(text, "low")
                self._send(200, json.dumps({"text": text, "triage": {"urgency": urgency}}).encode())
            else:
                message = engine.received[-1].get("message", "")
                self._send(200, json.dumps(engine.script.get(message, engine.reply)).encode())

        def do_PUT(self) -> None:  # noqa: N802 - the tracker is replaced (erased) by the adapter
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            engine.paths.append(self.path)
            engine.forgotten.append(self.path.split("?")[0].split("/")[2])
            self._send(200, b"{}")

    ThreadingHTTPServer.allow_reuse_address = True  # restarted on the same port in fault tests
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    engine.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield engine
    finally:
        server.shutdown()
        server.server_close()

"""The one client of the dialogue engine (Rasa today): replace this file to change engine.

It speaks Rasa's REST channel: the user is a pseudonym, the replies are texts, buttons
and one custom payload carrying the triage. Every call has a timeout; any failure is
raised as ``EngineUnavailable`` so the caller can fall back to the degraded mode.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import httpx

DEFAULT_TIMEOUT_S = 5.0


class EngineUnavailable(Exception):
    """The engine did not answer in time or answered with an error."""


@dataclass(frozen=True)
class BotMessage:
    """One message for the user: a text and optional buttons (title, payload)."""

    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class EngineReply:
    """Everything the engine said for one user turn."""

    messages: list[BotMessage]
    triage: dict[str, Any] | None = None
    handoff: dict[str, Any] | None = None  # the engine asks for a human (labels only, no text)


def parse_rest_reply(items: list[dict[str, Any]]) -> EngineReply:
    """Turn Rasa REST channel items into messages and the triage payload."""
    messages: list[BotMessage] = []
    triage: dict[str, Any] | None = None
    handoff: dict[str, Any] | None = None
    for item in items:
        custom = item.get("custom")
        if isinstance(custom, dict) and isinstance(custom.get("triage"), dict):
            triage = custom["triage"]
        if isinstance(custom, dict) and isinstance(custom.get("handoff"), dict):
            handoff = custom["handoff"]
        if item.get("text"):
            buttons = [
                {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
                for b in item.get("buttons") or []
            ]
            messages.append(BotMessage(str(item["text"]), buttons))
    return EngineReply(messages, triage, handoff)


class RasaClient:
    """Async client of one Rasa server's REST channel, or of several replicas.

    ``base_url`` may list replicas separated by commas. A conversation always goes to the
    same replica (a hash of its pseudonym), and to the next one only when its own refuses
    the connection; a timeout is not retried, so the person waits at most one timeout.
    """

    def __init__(
        self,
        base_url: str,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        transport: httpx.AsyncBaseTransport | None = None,
        token: str | None = None,
    ) -> None:
        self._token = token  # Rasa's --auth-token: its HTTP API (trackers) refuses calls without it
        urls = [u.strip() for u in base_url.split(",") if u.strip()]
        self._replicas = [httpx.AsyncClient(base_url=u, timeout=timeout_s, transport=transport) for u in urls]
        self._http = self._replicas[0]

    def _order(self, sender_id: str) -> list[httpx.AsyncClient]:
        first = int(hashlib.sha256(sender_id.encode()).hexdigest()[:8], 16) % len(self._replicas)
        return self._replicas[first:] + self._replicas[:first]

    async def _call(self, sender_id: str, method: str, path: str, body: Any) -> httpx.Response:
        for replica in self._order(sender_id):
            try:
                params = {"token": self._token} if self._token and not path.startswith("/webhooks/") else None
                response = await replica.request(method, path, json=body, params=params)
                response.raise_for_status()
                return response
            except httpx.ConnectError as error:  # that replica is down: the next one takes over
                last: Exception = error
            except httpx.HTTPError as error:
                raise EngineUnavailable(type(error).__name__) from error
        raise EngineUnavailable(type(last).__name__) from last

    async def send(self, sender_id: str, text: str, metadata: dict[str, Any] | None = None) -> EngineReply:
        """Send one user message; raise ``EngineUnavailable`` on timeout or error."""
        body = {"sender": sender_id, "message": text, "metadata": metadata or {}}
        response = await self._call(sender_id, "POST", "/webhooks/rest/webhook", body)
        try:
            items = response.json()
        except ValueError as error:
            raise EngineUnavailable(type(error).__name__) from error
        if not isinstance(items, list):
            raise EngineUnavailable("unexpected reply")
        return parse_rest_reply(items)

    async def forget(self, sender_id: str) -> None:
        """Erase what the engine keeps of a conversation (its tracker, which holds the texts)."""
        await self._call(sender_id, "PUT", f"/conversations/{sender_id}/tracker/events", [])

    async def urgency(self, sender_id: str, text: str) -> str | None:
        """The triage model's urgency of one message, read without touching the dialogue (Rasa's
        /model/parse: NLU only, no tracker change): what a relayed message is checked with, so that
        a danger said indirectly during a hand-off alerts the volunteer as it would alert the bot."""
        response = await self._call(sender_id, "POST", "/model/parse", {"text": text})
        try:
            triage = response.json().get("triage") or {}
        except (ValueError, AttributeError) as error:
            raise EngineUnavailable(type(error).__name__) from error
        urgency = triage.get("urgency") if isinstance(triage, dict) else None
        return str(urgency) if urgency else None

    async def recent_texts(self, sender_id: str, limit: int) -> list[str]:
        """The person's last ``limit`` messages as the engine's tracker holds them (typed text only: a
        button's payload or a command is not something they wrote). The tracker is erased after an
        hour without a message, or on /oubli: then there is nothing to read."""
        response = await self._call(sender_id, "GET", f"/conversations/{sender_id}/tracker", None)
        try:
            events = response.json().get("events") or []
        except (ValueError, AttributeError) as error:
            raise EngineUnavailable(type(error).__name__) from error
        texts = [
            str(e["text"])
            for e in events
            if isinstance(e, dict)
            and e.get("event") == "user"
            and e.get("text")
            and not str(e["text"]).startswith("/")
        ]
        return texts[-limit:]

    async def ready(self) -> bool:
        """True when the engine has a model loaded and answers."""
        try:
            response = await self._http.get("/status", params={"token": self._token} if self._token else None)
            return response.status_code == 200 and bool(response.json().get("model_file"))
        except (httpx.HTTPError, ValueError):
            return False

    async def aclose(self) -> None:
        for replica in self._replicas:
            await replica.aclose()

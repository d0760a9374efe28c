"""The one client of the dialogue engine (Rasa today): replace this file to change engine.

It speaks Rasa's REST channel: the user is a pseudonym, the replies are texts, buttons
and one custom payload carrying the triage. Every call has a timeout; any failure is
raised as ``EngineUnavailable`` so the caller can fall back to the degraded mode.
"""

from __future__ import annotations

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
    """Async client of a Rasa server's REST channel."""

    def __init__(
        self,
        base_url: str,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._http = httpx.AsyncClient(base_url=base_url, timeout=timeout_s, transport=transport)

    async def send(
        self, sender_id: str, text: str, metadata: dict[str, Any] | None = None
    ) -> EngineReply:
        """Send one user message; raise ``EngineUnavailable`` on timeout or error."""
        body = {"sender": sender_id, "message": text, "metadata": metadata or {}}
        try:
            response = await self._http.post("/webhooks/rest/webhook", json=body)
            response.raise_for_status()
            items = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise EngineUnavailable(type(error).__name__) from error
        if not isinstance(items, list):
            raise EngineUnavailable("unexpected reply")
        return parse_rest_reply(items)

    async def forget(self, sender_id: str) -> None:
        """Erase what the engine keeps of a conversation (its tracker, which holds the texts)."""
        try:
            response = await self._http.put(f"/conversations/{sender_id}/tracker/events", json=[])
            response.raise_for_status()
        except httpx.HTTPError as error:
            raise EngineUnavailable(type(error).__name__) from error

    async def ready(self) -> bool:
        """True when the engine has a model loaded and answers."""
        try:
            response = await self._http.get("/status")
            return response.status_code == 200 and bool(response.json().get("model_file"))
        except (httpx.HTTPError, ValueError):
            return False

    async def aclose(self) -> None:
        await self._http.aclose()

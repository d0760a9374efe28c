"""HTTP transport to the Bot API: Telegram's 5xx answers and refused connections are retried.

Flood limits (429) are PTB's AIORateLimiter's job; this class only covers the server
errors it leaves, with exponential back-off, so a reply is not lost to a brief outage.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from typing import Any

from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest

log = logging.getLogger("relais.transport")
RETRIES = 4
FIRST_BACKOFF_S = 0.5


class RetryingRequest(HTTPXRequest):
    """HTTPXRequest that retries 5xx answers and connection failures with back-off."""

    def __init__(
        self, *args: Any, retries: int = RETRIES, first_backoff_s: float = FIRST_BACKOFF_S, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.retries, self.first_backoff_s = retries, first_backoff_s

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]  # the Bot API method; the URL itself carries the token
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                code, payload = await super().do_request(url, method, *args, **kwargs)
            except TimedOut as error:
                # A request that waited for a free connection was never sent: safe to retry.
                # Any other timeout may have reached Telegram: sending again could double a message.
                if last or "pool" not in str(error).lower():
                    raise
                log.warning("telegram_pool_busy method=%s attempt=%s", endpoint, attempt + 1)
            except NetworkError as error:
                if last:
                    raise
                log.warning(
                    "telegram_unreachable method=%s attempt=%s error=%s",
                    endpoint,
                    attempt + 1,
                    type(error).__name__,
                )
            else:
                if code < 500 or last:
                    return code, payload
                log.warning("telegram_server_error method=%s code=%s attempt=%s", endpoint, code, attempt + 1)
            await asyncio.sleep(self.first_backoff_s * 2**attempt)
        raise AssertionError("unreachable")


class GroupPacer:
    """At most ``per_minute`` messages (posts and edits) to the volunteers' group in any 60 seconds.

    Telegram allows a bot about 20 messages a minute in one group. PTB's AIORateLimiter meters the
    same 20 a minute as a leaky bucket that starts full: a burst of 20, then one every 3 s, so up to
    39 in a sliding minute (measured by make loadtest) and Telegram's 429s. The card worker is the
    group's only writer; it waits here before each call, so no minute ever holds more than 20.
    """

    def __init__(self, per_minute: int = 20, window_s: float = 60.0) -> None:
        self.per_minute, self.window_s = per_minute, window_s
        self.sent: deque[float] = deque()

    async def wait(self) -> None:
        while True:
            now = time.monotonic()
            while self.sent and now - self.sent[0] >= self.window_s:
                self.sent.popleft()
            if len(self.sent) < self.per_minute:
                self.sent.append(now)
                return
            await asyncio.sleep(self.window_s - (now - self.sent[0]))

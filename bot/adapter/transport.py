"""HTTP transport to the Bot API: Telegram's 5xx answers and refused connections are retried.

Flood limits (429) are PTB's AIORateLimiter's job; this class only covers the server
errors it leaves, with exponential back-off, so a reply is not lost to a brief outage.
"""

from __future__ import annotations

import asyncio
import logging
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

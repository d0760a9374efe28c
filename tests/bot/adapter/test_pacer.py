"""The volunteers' group gets at most 20 messages in any minute (bot/adapter/transport.py GroupPacer)."""

from __future__ import annotations

import time

from bot.adapter.transport import GroupPacer


async def test_the_group_pacer_lets_no_minute_hold_more_than_its_share() -> None:
    """20 a minute, never a burst of 20 then 20 more (PTB's bucket allows 39 in a sliding minute)."""
    pacer = GroupPacer(per_minute=3, window_s=0.3)
    started = time.monotonic()
    times = []
    for _ in range(7):
        await pacer.wait()
        times.append(time.monotonic() - started)
    for i, at in enumerate(times):
        assert sum(1 for other in times[i:] if other - at < 0.29) <= 3
    assert times[-1] >= 0.6  # 7 calls at 3 per 0.3 s need two full windows

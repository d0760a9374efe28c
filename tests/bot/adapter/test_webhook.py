"""Webhook mode: Telegram's secret token is checked on every request."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from bot.adapter.app import build_application
from bot.settings import Settings
from tests.bot.adapter.harness import ENGINE_REPLY, start_services, stop_services
from tests.bot.fake_engine import FakeEngine
from tests.bot.fake_engine import running as engine_running
from tests.bot.fake_telegram import FakeTelegram, private_text
from tests.bot.fake_telegram import running as telegram_running
from tests.net import free_port

SECRET = "s3cret-token-for-tests-0123456789"  # noqa: S105 - a test value, not a real secret


async def test_requests_without_the_secret_are_refused(tmp_path: Path) -> None:
    port = free_port()
    with (
        telegram_running(FakeTelegram()) as telegram,
        engine_running(FakeEngine(reply=ENGINE_REPLY)) as engine,
    ):
        env = {
            "PSEUDONYM_KEY": "k" * 48,
            "TELEGRAM_BOT_TOKEN": "123:test",
            "TELEGRAM_API_BASE_URL": f"{telegram.url}/bot",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'relais.db'}",
            "RASA_URL": engine.url,
            "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
        }
        settings = Settings.from_env(env, tmp_path / "var")
        app = build_application(settings)
        await start_services(app)
        await app.updater.start_webhook(  # type: ignore[union-attr]
            listen="127.0.0.1",
            port=port,
            url_path="telegram",
            webhook_url=settings.telegram_webhook_url,
            secret_token=SECRET,
        )
        try:
            body = json.dumps(private_text(1, 4242, "salut")).encode()
            headers = {"Content-Type": "application/json"}
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
                missing = await client.post("/telegram", content=body, headers=headers)
                wrong = await client.post(
                    "/telegram", content=body, headers={**headers, "X-Telegram-Bot-Api-Secret-Token": "nope"}
                )
                right = await client.post(
                    "/telegram", content=body, headers={**headers, "X-Telegram-Bot-Api-Secret-Token": SECRET}
                )
            assert missing.status_code == 403 and wrong.status_code == 403 and right.status_code == 200
            await telegram.wait_for(1)
            assert [r["message"] for r in engine.received] == ["salut"]
            assert telegram.sent("setWebhook")[0]["secret_token"] == SECRET
        finally:
            await app.updater.stop()  # type: ignore[union-attr]
            await stop_services(app)

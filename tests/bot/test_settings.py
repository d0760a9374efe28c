"""Settings: one validated object; placeholders and half-set webhooks stop start-up."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError

KEY = "k" * 48


def test_defaults_without_telegram(tmp_path: Path) -> None:
    settings = Settings.from_env({"PSEUDONYM_KEY": KEY}, tmp_path / "var")
    assert settings.telegram_bot_token is None
    assert settings.database_url == f"sqlite:///{tmp_path / 'var' / 'relais.db'}"
    assert settings.default_country == "FR" and settings.retention_days == 30
    assert KEY not in repr(settings)


def test_values_and_a_dotenv_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("HELPLINE_VOLUNTEER_IDS=11, 22\nDEFAULT_COUNTRY=be\n", encoding="utf-8")
    env = {
        "PSEUDONYM_KEY": KEY,
        "TELEGRAM_BOT_TOKEN": "123:abc",
        "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot",
    }
    settings = Settings.from_env(env, tmp_path / "var")
    assert settings.helpline_volunteer_ids == frozenset({11, 22})
    assert settings.default_country == "BE"
    assert settings.telegram_api_base_url == "http://127.0.0.1:9/bot"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TELEGRAM_BOT_TOKEN": "changeme"}, "placeholder"),
        ({"TELEGRAM_WEBHOOK_URL": "https://x.example/hook"}, "SECRET"),
        ({"DEFAULT_COUNTRY": "DE"}, "DEFAULT_COUNTRY"),
        ({"PSEUDONYM_KEY": "changeme"}, "PSEUDONYM_KEY"),
        ({"HELPLINE_VOLUNTEER_IDS": "alice"}, "invalid literal"),
    ],
)
def test_wrong_settings_stop_start_up_with_a_clear_message(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env({"PSEUDONYM_KEY": KEY, **env}, tmp_path / "var")

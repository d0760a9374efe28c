"""All settings of the adapter: one validated object, built once at start-up from the environment.

An optional `.env` file (KEY=value lines) fills what the environment does not set. A
missing or placeholder secret stops start-up with a message that says what to set.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.handoff.hours import DEFAULT_HOURS, StaffedHours
from bot.pseudonym import load_or_create_key

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "var"
DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
PLACEHOLDERS = frozenset({"changeme", "change-me", "xxx", "todo", "your-token", "<token>"})
COUNTRIES = frozenset({"FR", "BE", "CH", "LU", "CA_QC"})
# Unclaimed requests are announced again after these delays (seconds), by urgency.
DEFAULT_DELAYS_S = {"critical": 120, "high": 300, "medium": 900, "low": 900}


def _delays(text: str | None) -> dict[str, int]:
    """HANDOFF_DELAYS like 'critical=120,high=300' over the defaults."""
    delays = dict(DEFAULT_DELAYS_S)
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        name, _, seconds = part.partition("=")
        if name.strip() not in delays or not seconds.strip().isdigit() or int(seconds) < 1:
            raise ValueError(f"HANDOFF_DELAYS: {part!r} should look like 'critical=120'")
        delays[name.strip()] = int(seconds)
    return delays


class SettingsError(ValueError):
    """A setting is missing or wrong; the message says which and how to fix it."""


@dataclass(frozen=True)
class Settings:
    """Validated configuration of the bot (see the README's configuration table)."""

    pseudonym_key: bytes = field(repr=False)
    telegram_bot_token: str | None = field(default=None, repr=False)
    telegram_api_base_url: str = DEFAULT_API_BASE_URL
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: str | None = field(default=None, repr=False)
    telegram_webhook_listen: str = "0.0.0.0"  # noqa: S104 - Telegram must reach the webhook
    telegram_webhook_port: int = 8443
    database_url: str = f"sqlite:///{VAR / 'relais.db'}"
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str | None = field(default=None, repr=False)
    helpline_chat_id: int | None = None
    helpline_volunteer_ids: frozenset[int] = frozenset()
    default_country: str = "FR"
    retention_days: int = 30
    helpline_hours: StaffedHours = field(default_factory=lambda: StaffedHours.parse(DEFAULT_HOURS))
    handoff_delays_s: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_DELAYS_S))
    volunteer_capacity: int = 2
    # Messages per second the bot sends overall: Telegram's documented limit is about 30;
    # 0 turns the limiter off (a self-hosted Bot API server, or the load test's fake one).
    telegram_max_rate: int = 30
    queue_check_s: float = 5.0  # how often unclaimed requests and pending relays are checked

    @classmethod
    def from_env(cls, env: Mapping[str, str], var_dir: Path = VAR) -> Settings:
        """Read and check every setting; raise SettingsError with a clear message."""
        values = {**read_dotenv(var_dir.parent / ".env"), **{k: v for k, v in env.items() if v != ""}}
        token = values.get("TELEGRAM_BOT_TOKEN")
        if token is not None and (token.strip().lower() in PLACEHOLDERS or ":" not in token):
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN looks like a placeholder: paste the token BotFather gave you."
            )
        webhook = values.get("TELEGRAM_WEBHOOK_URL")
        secret = values.get("TELEGRAM_WEBHOOK_SECRET")
        if webhook and (not secret or len(secret) < 16):
            raise SettingsError("TELEGRAM_WEBHOOK_URL needs TELEGRAM_WEBHOOK_SECRET (16+ random characters).")
        country = values.get("DEFAULT_COUNTRY", "FR").upper()
        if country not in COUNTRIES:
            raise SettingsError(f"DEFAULT_COUNTRY must be one of {sorted(COUNTRIES)}, not {country!r}.")
        try:
            key = load_or_create_key(var_dir / "secret" / "pseudonym.key", values.get("PSEUDONYM_KEY"))
            chat_id = int(values["HELPLINE_CHAT_ID"]) if values.get("HELPLINE_CHAT_ID") else None
            volunteers = frozenset(
                int(v)
                for v in values.get("HELPLINE_VOLUNTEER_IDS", "").replace(";", ",").split(",")
                if v.strip()
            )
            retention = int(values.get("RETENTION_DAYS", "30"))
            webhook_port = int(values.get("TELEGRAM_WEBHOOK_PORT", "8443"))
            max_rate = int(values.get("TELEGRAM_MAX_RATE", "30"))
            hours = StaffedHours.parse(
                values.get("HELPLINE_HOURS", DEFAULT_HOURS), values.get("HELPLINE_TIMEZONE", "Europe/Paris")
            )
            delays = _delays(values.get("HANDOFF_DELAYS"))
            capacity = int(values.get("VOLUNTEER_CAPACITY", "2"))
        except (ValueError, KeyError) as error:
            raise SettingsError(str(error)) from error
        if retention < 1:
            raise SettingsError("RETENTION_DAYS must be at least 1.")
        if not 1 <= capacity <= 10:
            raise SettingsError("VOLUNTEER_CAPACITY must be between 1 and 10 simultaneous chats.")
        return cls(
            pseudonym_key=key,
            telegram_bot_token=token,
            telegram_api_base_url=values.get("TELEGRAM_API_BASE_URL", DEFAULT_API_BASE_URL),
            telegram_webhook_url=webhook,
            telegram_webhook_secret=secret,
            telegram_webhook_listen=values.get("TELEGRAM_WEBHOOK_LISTEN", "0.0.0.0"),  # noqa: S104
            telegram_webhook_port=webhook_port,
            telegram_max_rate=max(0, max_rate),
            database_url=values.get("DATABASE_URL", f"sqlite:///{var_dir / 'relais.db'}"),
            rasa_url=values.get("RASA_URL", "http://127.0.0.1:5005"),
            rasa_token=values.get("RASA_TOKEN"),
            helpline_chat_id=chat_id,
            helpline_volunteer_ids=volunteers,
            default_country=country,
            retention_days=retention,
            helpline_hours=hours,
            handoff_delays_s=delays,
            volunteer_capacity=capacity,
        )


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=value lines of an optional .env file (comments and blank lines skipped)."""
    if not path.exists():
        return {}
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip().strip('"').strip("'")
    return values

"""All settings of the adapter: one validated object, built once at start-up from the environment.

An optional `.env` file (KEY=value lines) fills what the environment does not set. A
missing or placeholder secret stops start-up with a message that says what to set. Each
default is written once, on its field of ``Settings``; ``from_env`` falls back to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any

from bot.handoff.hours import DEFAULT_HOURS, DEFAULT_TIMEZONE, StaffedHours
from bot.pseudonym import load_or_create_key
from core.helplines import default_directory

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "var"
DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
PLACEHOLDERS = frozenset({"changeme", "change-me", "xxx", "todo", "your-token", "<token>"})
COUNTRIES = frozenset(default_directory().countries)  # responses/helplines.yml
# Unclaimed requests are announced again after these delays (seconds), by urgency.
DEFAULT_DELAYS_S = {"critical": 120, "high": 300, "medium": 900, "low": 900}
# A request still unclaimed past its target (seconds) alerts the coordinators, once per stay in the
# queue: what helplines commit to for the most urgent contacts (critical 2 min, high 5 min).
DEFAULT_WAIT_TARGETS_S = {"critical": 120, "high": 300}


def _delays(
    text: str | None, name: str = "HANDOFF_DELAYS", defaults: Mapping[str, int] = DEFAULT_DELAYS_S
) -> dict[str, int]:
    """Seconds by urgency, like 'critical=120,high=300', over the defaults."""
    delays = dict(defaults)
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        urgency, _, seconds = part.partition("=")
        if urgency.strip() not in DEFAULT_DELAYS_S or not seconds.strip().isdigit() or int(seconds) < 1:
            raise ValueError(f"{name}: {part!r} should look like 'critical=120'")
        delays[urgency.strip()] = int(seconds)
    return delays


def _ids(text: str | None) -> frozenset[int]:
    """Telegram ids separated by commas or semicolons."""
    return frozenset(int(v) for v in (text or "").replace(";", ",").split(",") if v.strip())


def sqlite_url(var_dir: Path) -> str:
    """The embedded database: one SQLite file in the data folder."""
    return f"sqlite:///{var_dir / 'relais.db'}"


def default(name: str) -> Any:
    """The default of a field of ``Settings``, where it is written."""
    found = next(f for f in fields(Settings) if f.name == name)
    if found.default is MISSING and found.default_factory is not MISSING:
        return found.default_factory()
    return found.default


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
    database_url: str = field(default_factory=lambda: sqlite_url(VAR))
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str | None = field(default=None, repr=False)
    helpline_chat_id: int | None = None
    helpline_volunteer_ids: frozenset[int] = frozenset()
    # Coordinators: mentioned in the group when a request waits past its target; may read /stats.
    helpline_coordinator_ids: frozenset[int] = frozenset()
    wait_targets_s: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_WAIT_TARGETS_S))
    # The one check-in « ça va mieux ? » a person may ask for after a chat: this many hours later, at
    # the first daytime hour of their country, and never after 72 h (then it is dropped).
    checkin_after_h: int = 24
    default_country: str = "FR"
    retention_days: int = 30
    helpline_hours: StaffedHours = field(
        default_factory=lambda: StaffedHours.parse(DEFAULT_HOURS, DEFAULT_TIMEZONE)
    )
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

        def text(key: str, name: str) -> str:
            return values.get(key) or str(default(name))

        def number(key: str, name: str) -> int:
            return int(values[key]) if values.get(key) else int(default(name))

        token = values.get("TELEGRAM_BOT_TOKEN")
        if token is not None and (token.strip().lower() in PLACEHOLDERS or ":" not in token):
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN looks like a placeholder: paste the token BotFather gave you."
            )
        webhook = values.get("TELEGRAM_WEBHOOK_URL")
        secret = values.get("TELEGRAM_WEBHOOK_SECRET")
        if webhook and (not secret or len(secret) < 16):
            raise SettingsError("TELEGRAM_WEBHOOK_URL needs TELEGRAM_WEBHOOK_SECRET (16+ random characters).")
        country = text("DEFAULT_COUNTRY", "default_country").upper()
        if country not in COUNTRIES:
            raise SettingsError(f"DEFAULT_COUNTRY must be one of {sorted(COUNTRIES)}, not {country!r}.")
        try:
            key = load_or_create_key(var_dir / "secret" / "pseudonym.key", values.get("PSEUDONYM_KEY"))
            chat_id = int(values["HELPLINE_CHAT_ID"]) if values.get("HELPLINE_CHAT_ID") else None
            volunteers = _ids(values.get("HELPLINE_VOLUNTEER_IDS"))
            coordinators = _ids(values.get("HELPLINE_COORDINATOR_IDS"))
            targets = _delays(values.get("WAIT_TARGETS"), "WAIT_TARGETS", DEFAULT_WAIT_TARGETS_S)
            retention = number("RETENTION_DAYS", "retention_days")
            webhook_port = number("TELEGRAM_WEBHOOK_PORT", "telegram_webhook_port")
            max_rate = number("TELEGRAM_MAX_RATE", "telegram_max_rate")
            hours = StaffedHours.parse(
                values.get("HELPLINE_HOURS", DEFAULT_HOURS), values.get("HELPLINE_TIMEZONE", DEFAULT_TIMEZONE)
            )
            delays = _delays(values.get("HANDOFF_DELAYS"))
            capacity = number("VOLUNTEER_CAPACITY", "volunteer_capacity")
            checkin = number("CHECKIN_AFTER_H", "checkin_after_h")
        except (ValueError, KeyError) as error:
            raise SettingsError(str(error)) from error
        if retention < 1:
            raise SettingsError("RETENTION_DAYS must be at least 1.")
        if not 1 <= checkin <= 48:
            raise SettingsError(
                "CHECKIN_AFTER_H must be between 1 and 48 hours (the check-in comes within 72 h)."
            )
        if not 1 <= capacity <= 10:
            raise SettingsError("VOLUNTEER_CAPACITY must be between 1 and 10 simultaneous chats.")
        return cls(
            pseudonym_key=key,
            telegram_bot_token=token,
            telegram_api_base_url=text("TELEGRAM_API_BASE_URL", "telegram_api_base_url"),
            telegram_webhook_url=webhook,
            telegram_webhook_secret=secret,
            telegram_webhook_listen=text("TELEGRAM_WEBHOOK_LISTEN", "telegram_webhook_listen"),
            telegram_webhook_port=webhook_port,
            telegram_max_rate=max(0, max_rate),
            database_url=values.get("DATABASE_URL") or sqlite_url(var_dir),
            rasa_url=text("RASA_URL", "rasa_url"),
            rasa_token=values.get("RASA_TOKEN"),
            helpline_chat_id=chat_id,
            helpline_volunteer_ids=volunteers,
            helpline_coordinator_ids=coordinators,
            wait_targets_s=targets,
            default_country=country,
            retention_days=retention,
            helpline_hours=hours,
            handoff_delays_s=delays,
            volunteer_capacity=capacity,
            checkin_after_h=checkin,
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

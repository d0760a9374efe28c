"""`python -m bot.adapter`: the Telegram bot alone, for a deployment where Rasa runs apart.

Settings come from the environment (README, "Configuration"); RASA_URL points at the
Rasa server or lists its replicas.
"""

from __future__ import annotations

import logging
import os
import sys

from bot.adapter.app import run
from bot.settings import Settings, SettingsError


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        settings = Settings.from_env(os.environ)
    except SettingsError as error:
        sys.exit(f"Configuration error: {error}")
    if not settings.telegram_bot_token:
        sys.exit("Configuration error: TELEGRAM_BOT_TOKEN is required to run the bot alone.")
    run(settings)


if __name__ == "__main__":
    main()

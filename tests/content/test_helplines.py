"""Helplines data: every entry complete, every placeholder filled in every country."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from actions.core.helplines import ROLES, Directory, default_directory

DIRECTORY = default_directory()
ALL_HELPLINES = [h for c in DIRECTORY.countries.values() for h in c.helplines] + list(DIRECTORY.international)


@pytest.mark.parametrize("helpline", ALL_HELPLINES, ids=lambda h: h.id)
def test_every_entry_is_complete(helpline) -> None:  # type: ignore[no-untyped-def]
    assert helpline.name and helpline.audience and helpline.hours
    assert helpline.number or helpline.url, "a service needs a number or a link"
    assert helpline.source.startswith("official:")
    assert helpline.open in ("always", None) or set(helpline.open) == {"days", "from", "to"}
    if helpline.url:
        assert helpline.url.startswith("https://")


@pytest.mark.parametrize("code", sorted(DIRECTORY.countries))
def test_every_role_is_filled_in_every_country(code: str) -> None:
    roles = DIRECTORY.placeholders(code)
    assert set(roles) == set(ROLES)
    assert all(value.strip() for value in roles.values())


def test_the_five_countries_and_france_by_default() -> None:
    assert set(DIRECTORY.countries) == {"FR", "BE", "CH", "LU", "CA_QC"}
    assert DIRECTORY.country("xx").code == "FR"
    assert DIRECTORY.placeholders("FR")["ligne_cyber"] == "le 3018"


def test_every_placeholder_in_the_responses_is_a_helpline_role_or_filled_by_an_action() -> None:
    from tests.content.test_responses import action_values, every_variation

    for key, variation in every_variation():
        used = set(re.findall(r"\{([a-z_]+)\}", variation["text"]))
        assert used <= set(ROLES) | set(action_values(variation)), key


def test_who_is_open_now_follows_verified_hours() -> None:
    paris = ZoneInfo("Europe/Paris")
    night = {h.id for h in DIRECTORY.open_now("FR", datetime(2026, 11, 22, 3, 0, tzinfo=paris))}
    evening = {h.id for h in DIRECTORY.open_now("FR", datetime(2026, 11, 22, 20, 0, tzinfo=paris))}
    assert {"fr_3114", "fr_119", "fr_112"} <= night
    assert "fr_3018" not in night and "fr_3018" in evening
    assert "fr_116006" not in evening  # hours not verified: never announced as open


def test_a_directory_reads_its_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "h.yml"
    source.write_text(
        "default_country: FR\ninternational: []\ncountries:\n  FR:\n    name: France\n    tz: Europe/Paris\n"
        "    roles: {ligne_cyber: '0000'}\n    helplines: []\n",
        encoding="utf-8",
    )
    assert Directory.from_file(source).placeholders(None) == {"ligne_cyber": "0000"}


def test_fill_puts_the_country_words_and_capitals_at_sentence_start() -> None:
    text = "{ligne_cyber} répond. Appelle {ligne_cyber} ou {numero_urgence}."
    assert DIRECTORY.fill(text, "FR") == "Le 3018 répond. Appelle le 3018 ou le 17 (police) ou le 112."
    assert DIRECTORY.fill("Appelle {ligne_cyber}.", "BE") == "Appelle Child Focus (116 000)."
    # Other placeholders are the caller's: left exactly as they were, line breaks included.
    assert DIRECTORY.fill("File :\n{lines}. {ticket} ok", "FR") == "File :\n{lines}. {ticket} ok"

"""Helplines data: every entry complete, every role filled in every country with a true service."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from core.helplines import CRISIS_ROLES, ROLES, STATUSES, Directory, default_directory

DIRECTORY = default_directory()
ALL_HELPLINES = [h for c in DIRECTORY.countries.values() for h in c.helplines] + list(DIRECTORY.international)


@pytest.mark.parametrize("helpline", ALL_HELPLINES, ids=lambda h: h.id)
def test_every_entry_is_complete(helpline) -> None:  # type: ignore[no-untyped-def]
    assert helpline.name and helpline.audience and helpline.hours
    assert helpline.number or helpline.url, "a service needs a number or a link"
    assert helpline.source.startswith("official:")
    assert helpline.open in ("always", None) or set(helpline.open) == {"days", "from", "to"}
    assert helpline.status in STATUSES
    if helpline.url:
        assert helpline.url.startswith("https://")


@pytest.mark.parametrize("code", sorted(DIRECTORY.countries))
def test_every_role_is_filled_in_every_country(code: str) -> None:
    roles = DIRECTORY.placeholders(code)
    assert set(roles) == set(ROLES)
    assert all(value.strip() for value in roles.values())


@pytest.mark.parametrize("code", sorted(DIRECTORY.countries))
def test_a_role_names_only_services_of_its_country_and_says_their_number(code: str) -> None:
    country = DIRECTORY.country(code)
    own = {h.id for h in country.helplines} | {h.id for h in DIRECTORY.international}
    for name, role in country.roles.items():
        assert set(role.uses) <= own, f"{code} {name}: a service of another country"
        for service in DIRECTORY.services(code, name):
            # The number said is the one of the service named (never another service's).
            site = (service.url or "").split("//")[-1].split("/")[0].removeprefix("www.")
            short_name = service.name.split(" (")[0].split(" —")[0]
            named = (service.number or "") in role.say or site in role.say.lower() or short_name in role.say
            assert named, (code, name, service.id)


@pytest.mark.parametrize("code", sorted(DIRECTORY.countries))
def test_crisis_roles_name_only_services_that_answer_day_and_night(code: str) -> None:
    for name in CRISIS_ROLES:
        services = DIRECTORY.services(code, name)
        assert services, f"{code} {name}: a crisis reply needs a number"
        assert all(s.open == "always" and s.number for s in services), (code, name)


@pytest.mark.parametrize("code", sorted(DIRECTORY.countries))
def test_what_a_role_says_of_cost_follows_the_data(code: str) -> None:
    for name, role in DIRECTORY.country(code).roles.items():
        services = DIRECTORY.services(code, name)
        if "gratuit" in role.say and len(services) == 1:
            assert services[0].free is not False, (code, name)
        for service in services:
            if service.free is False:  # 143 (CH): CHF 0.20 a call, said where it is named
                assert "CHF" in role.say, (code, name)


def test_no_service_meant_for_reports_is_offered_as_a_listening_line() -> None:
    tiplines = {"fr_pharos", "be_stopchildporno", "ch_clickandstop", "lu_stopline", "ca_cybertip"}
    for code, country in DIRECTORY.countries.items():
        for name in ("suicide", "child_protection", "listen_youth", "listen_adult", "cyber_help"):
            assert not set(country.roles[name].uses) & tiplines, (code, name)


def test_the_five_countries_and_france_by_default() -> None:
    assert set(DIRECTORY.countries) == {"FR", "BE", "CH", "LU", "CA_QC"}
    assert DIRECTORY.country("xx").code == "FR"
    assert DIRECTORY.placeholders("FR")["suicide"].startswith("le 3114")
    assert DIRECTORY.status("FR", "suicide") == "verified"
    assert DIRECTORY.status("LU", "listen_youth") == "partly"  # 116 111: hours not verified
    assert DIRECTORY.status("BE", "data_protection") == "not_in_reference"


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
        "    roles: {cyber_help: {say: '0000', uses: []}}\n    helplines: []\n",
        encoding="utf-8",
    )
    assert Directory.from_file(source).placeholders(None) == {"cyber_help": "0000"}


def test_fill_puts_the_country_words_and_capitals_at_sentence_start() -> None:
    text = "{medical} répond. Appelle {medical} ou {emergency}."
    assert (
        DIRECTORY.fill(text, "FR")
        == "Le 15 (SAMU) ou le 112 répond. Appelle le 15 (SAMU) ou le 112 ou le 17 (police) ou le 112."
    )
    assert (
        DIRECTORY.fill("Appelle {exploitation_help}.", "BE")
        == "Appelle Child Focus (116 000, gratuit, 24h/24)."
    )
    # Other placeholders are the caller's: left exactly as they were, line breaks included.
    assert DIRECTORY.fill("File :\n{lines}. {ticket} ok", "FR") == "File :\n{lines}. {ticket} ok"

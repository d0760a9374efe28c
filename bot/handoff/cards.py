"""What volunteers and people read about a request: the card, the wait, who is open now.

Labels only, never the person's words or identity. Every word comes from responses/ through
``render`` (the adapter's ``Services.render``); this module only chooses keys and values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.handoff.states import Status
from bot.storage.handoffs import aware
from bot.storage.models import Handoff
from core.helplines import default_directory


class Render(Protocol):
    def __call__(self, key: str, country: str | None = None, **values: object) -> str: ...


# The card's icon by status (responses/handoff.yml); a critical request still queued has its own.
ICON_KEYS = {Status.QUEUED: "utter_volunteer_icon_queued", Status.CLAIMED: "utter_volunteer_icon_claimed"}


@dataclass(frozen=True)
class Place:
    """Where the person is, as far as we know: a country code, and whether they chose it (else it is
    the default country, which the card says: a Belgian teen who never said so reads as French)."""

    country: str
    chosen: bool


def place_text(render: Render, place: Place, now: datetime) -> str:
    """'Belgique · 23:40 chez la personne', or '… (pays non confirmé)'."""
    country = default_directory().country(place.country)
    local = now.astimezone(ZoneInfo(country.tz)).strftime("%H:%M")
    key = "utter_volunteer_place" if place.chosen else "utter_volunteer_place_unconfirmed"
    return render(key, land=country.name, time=local)


def open_now(render: Render, country: str, now: datetime) -> str:
    """The helplines answering now, as a short list for a reply."""
    return ", ".join(
        render("utter_general_open_now_item", country, name=h.name, contact=h.number)
        for h in default_directory().open_now(country, now)
    )


def _label(render: Render, family: str, value: str | None) -> str:
    try:
        return render(f"utter_volunteer_{family}_{value}")
    except KeyError:
        return render("utter_volunteer_unknown")


def waiting_time(handoff: Handoff, now: datetime) -> str:
    minutes = int((now - aware(handoff.requested_at)).total_seconds() // 60)
    return f"{minutes} min" if minutes < 120 else f"{minutes // 60} h {minutes % 60:02d}"


def _steps(keys: list[str]) -> str:
    """'2 (1, 2)': how many steps the person read, and which (step keys end with their number)."""
    numbers = [k.rsplit("_", 1)[-1] for k in keys if k.rsplit("_", 1)[-1].isdigit()]
    return f"{len(keys)} ({', '.join(numbers)})" if numbers else str(len(keys))


def _status(
    render: Render, handoff: Handoff, volunteer_number: Callable[[str], int], moved: bool, holder: str | None
) -> str:
    if moved:
        return render("utter_volunteer_status_moved")
    if handoff.status == Status.CLAIMED:
        return render(
            "utter_volunteer_status_claimed", number=volunteer_number(holder or handoff.volunteer or "")
        )
    if handoff.status == Status.QUEUED and handoff.announcements > 1:
        return render("utter_volunteer_status_reannounced", count=handoff.announcements - 1)
    return render(f"utter_volunteer_status_{handoff.status}")


def _icon(render: Render, handoff: Handoff) -> str:
    if handoff.status == Status.QUEUED and handoff.urgency == "critical":
        return render("utter_volunteer_icon_critical")
    return render(ICON_KEYS.get(handoff.status, "utter_volunteer_icon_done"))


def card_text(
    render: Render,
    handoff: Handoff,
    now: datetime,
    volunteer_number: Callable[[str], int],
    place: Place,
    moved: bool = False,
    holder: str | None = None,
) -> str:
    """What a volunteer sees of a request; a card ``moved`` to the bottom of the group is one line."""
    minor = {True: "yes", False: "no", None: None}[handoff.minor]
    values = {
        "icon": _icon(render, handoff),
        "ticket": handoff.ticket,
        "status": _status(render, handoff, volunteer_number, moved, holder),
    }
    if moved:
        return render("utter_volunteer_card_moved", **values)
    return render(
        "utter_volunteer_card",
        **values,
        urgency=_label(render, "urgency", handoff.urgency),
        place=place_text(render, place, now),
        situation=_label(render, "situation", handoff.situation),
        audience=_label(render, "audience", handoff.audience),
        minor=_label(render, "minor", minor),
        platform=handoff.platform or render("utter_volunteer_unknown"),
        steps=_steps(handoff.steps_given),
        waiting=waiting_time(handoff, now),
    )


def topic_name(render: Render, handoff: Handoff, place: Place) -> str:
    """A case's thread as the volunteer's list of threads shows it: urgency, ticket, country, or that it
    is over. Telegram allows 128 characters; this is about 20."""
    if handoff.status not in (Status.QUEUED, Status.CLAIMED):
        return render("utter_volunteer_topic_closed", ticket=handoff.ticket)
    return render(
        "utter_volunteer_topic_name",
        urgency=_label(render, "urgency_icon", handoff.urgency),
        ticket=handoff.ticket,
        code=place.country,
    )

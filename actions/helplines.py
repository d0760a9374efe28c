"""Helplines action: the useful numbers of the user's country, and who answers now."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import RelaisAction, country_of, say
from core.content import responses_of
from core.helplines import Helpline, default_directory


def _template(domain: dict[str, Any], key: str) -> str:
    return str(responses_of(domain)[key][0]["text"])


def helpline_lines(domain: dict[str, Any], helplines: list[Helpline]) -> str:
    """One line per service, from the line template of responses/general.yml."""
    template = _template(domain, "utter_general_helpline_line")
    return "\n".join(
        template.format(name=h.name, contact=h.number or h.url or "", hours=h.hours) for h in helplines
    )


def open_now_list(domain: dict[str, Any], country: str, now: datetime | None = None) -> str:
    """The services answering now, from the item template of responses/general.yml."""
    template = _template(domain, "utter_general_open_now_item")
    opened = default_directory().open_now(country, now or datetime.now(timezone.utc))
    return ", ".join(template.format(name=h.name, contact=h.number) for h in opened)


class ActionGiveHelplines(RelaisAction):
    """Gives the helplines of the user's country, with those open right now."""

    def name(self) -> str:
        return "action_give_helplines"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        country = country_of(tracker)
        helplines = list(default_directory().country(country).helplines) + list(
            default_directory().international
        )
        say(
            dispatcher,
            tracker,
            "utter_general_helplines_list",
            helplines=helpline_lines(domain, helplines),
            open_now=open_now_list(domain, country),
        )
        return []

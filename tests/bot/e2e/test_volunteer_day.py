"""A volunteer's day with the real engine: three cases at once (a teen in sextortion who writes a
crisis mid-relay, a parent, a friend who is transferred), through the real Rasa and action servers,
the real PTB Application and a fake Bot API.

The transcript is printed (pytest -s) as each person and each volunteer saw it: it is the one the
issue's closing note quotes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.adapter.app import build_application
from bot.settings import Settings
from tests.bot.adapter.harness import start, stop
from tests.bot.e2e.conftest import BOT_TOKEN, ENGINE_TOKEN, Engine
from tests.bot.fake_telegram import BOT_USER, FakeTelegram
from tests.bot.fake_telegram import running as telegram_running

GROUP = -1004242
CLAIRE: dict[str, Any] = {"id": 7101, "first_name": "Claire"}
DAVID: dict[str, Any] = {"id": 7102, "first_name": "David"}
COORDINATOR = 7199
TIMEOUT_S = 30


@dataclass
class Day:
    telegram: FakeTelegram
    people: dict[str, dict[str, Any]]
    next_id: int = 1
    seen: dict[int, int] = field(default_factory=dict)  # chat -> messages already shown

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    def says(
        self, who: dict[str, Any], text: str, *, thread: int | None = None, answering: str | None = None
    ) -> None:
        uid = self._id()
        chat = {"id": who["id"], "type": "private", "first_name": who["first_name"]}
        message: dict[str, Any] = {
            "message_id": uid,
            "date": int(time.time()),
            "from": {**who, "is_bot": False},
            "chat": chat,
            "text": text,
        }
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        if thread is not None:
            message |= {"message_thread_id": thread, "is_topic_message": True}
        if answering is not None:
            message["reply_to_message"] = {
                "message_id": 1,
                "date": int(time.time()),
                "from": BOT_USER,
                "chat": chat,
                "text": answering,
            }
        self.telegram.push({"update_id": uid, "message": message})

    def presses(self, who: dict[str, Any], data: str, in_group: bool = False) -> None:
        chat = (
            {"id": GROUP, "type": "supergroup", "title": "Bénévoles"}
            if in_group
            else {"id": who["id"], "type": "private"}
        )
        query = {
            "id": f"q{self._id()}",
            "from": {**who, "is_bot": False},
            "chat_instance": "c",
            "data": data,
            "message": {"message_id": 1, "date": int(time.time()), "chat": chat, "text": "x"},
        }
        self.telegram.push({"update_id": self._id(), "callback_query": query})

    def sent_to(self, chat: int) -> list[dict[str, Any]]:
        return [p for p in self.telegram.sent() if int(p["chat_id"]) == chat]

    def to(self, who: dict[str, Any] | int) -> list[str]:
        chat = who if isinstance(who, int) else who["id"]
        return [str(p["text"]) for p in self.sent_to(chat)]

    async def until(self, who: dict[str, Any] | int, words: str) -> str:
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline:
            found = [t for t in self.to(who) if words in t]
            if found:
                return found[-1]
            await asyncio.sleep(0.1)
        raise AssertionError(f"no message with {words!r} to {who}: {self.to(who)}")

    def thread_of(self, who: dict[str, Any], ticket: str) -> int:
        for p in self.sent_to(who["id"]):
            if f"Tu as pris #{ticket}" in p["text"] or f"te passe #{ticket}" in p["text"]:
                return int(p["message_thread_id"])
        raise AssertionError(f"no thread for #{ticket}")

    def buttons(self, who: dict[str, Any], words: str) -> list[str]:
        found = [p for p in self.sent_to(who["id"]) if words in p["text"]][-1]
        return [b["callback_data"] for row in found["reply_markup"]["inline_keyboard"] for b in row]

    def transcript(self) -> str:
        """Every message the bot sent, in order, by chat (and thread)."""
        names = {p["id"]: n for n, p in self.people.items()} | {GROUP: "groupe des bénévoles"}
        lines = []
        for p in self.telegram.sent():
            who = names.get(int(p["chat_id"]), str(p["chat_id"]))
            where = f" [fil {p['message_thread_id']}]" if p.get("message_thread_id") else ""
            lines.append(f"→ {who}{where} : {p['text']}")
        for name, params in self.telegram.calls:
            if name in ("createForumTopic", "editForumTopic", "deleteForumTopic"):
                lines.append(f"  ({name} {params.get('name', '')} {params.get('message_thread_id', '')})")
        return "\n".join(lines)


@pytest.fixture()
async def day(engine: Engine, tmp_path: Path) -> AsyncIterator[Day]:
    people = {
        "Inès (14 ans)": {"id": engine.new_chat_id(), "first_name": "Inès"},
        "parent": {"id": engine.new_chat_id(), "first_name": "Sophie"},
        "ami": {"id": engine.new_chat_id(), "first_name": "Yanis"},
        "Claire (bénévole n°1)": CLAIRE,
        "David (bénévole n°2)": DAVID,
        "coordination": {"id": COORDINATOR, "first_name": "Coord"},
    }
    with telegram_running(FakeTelegram()) as telegram:
        env = {
            "PSEUDONYM_KEY": "e2e-" + "k" * 44,
            "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
            "TELEGRAM_API_BASE_URL": f"{telegram.url}/bot",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'relais.db'}",
            "RASA_URL": engine.url,
            "RASA_TOKEN": ENGINE_TOKEN,
            "HELPLINE_CHAT_ID": str(GROUP),
            "HELPLINE_VOLUNTEER_IDS": f"{CLAIRE['id']},{DAVID['id']}",
            "HELPLINE_COORDINATOR_IDS": str(COORDINATOR),
            "HELPLINE_HOURS": "mon-sun 00:00-24:00",
            "VOLUNTEER_CAPACITY": "3",
        }
        app = build_application(Settings.from_env(env, tmp_path / "var"))
        await start(app)
        try:
            yield Day(telegram, people)
        finally:
            await stop(app)
            engine.databases.append(tmp_path / "relais.db")


async def _ask_and_claim(d: Day, person: dict[str, Any], story: str, ask: str, cards: int) -> str:
    """The person tells their story to the bot, asks for a human in words, Claire claims the card."""
    d.says(person, story)
    await asyncio.sleep(0.5)
    d.says(person, ask)
    await d.until(person, "dans la file")
    deadline = time.monotonic() + TIMEOUT_S
    while len([t for t in d.to(GROUP) if "Demande #" in t]) < cards and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    ticket = [t for t in d.to(GROUP) if "Demande #" in t][-1].split("#", 1)[1][:4]
    d.presses(CLAIRE, f"claim:{ticket}", in_group=True)
    await d.until(CLAIRE, f"Tu as pris #{ticket}")
    return ticket


async def test_a_volunteer_holds_three_cases_with_a_crisis_and_a_transfer(day: Day) -> None:
    d = day
    ines, parent, friend = (d.people[n] for n in ("Inès (14 ans)", "parent", "ami"))
    for volunteer in (CLAIRE, DAVID):
        d.says(volunteer, "/dispo")
        await d.until(volunteer, "Tu es disponible")

    a = await _ask_and_claim(
        d,
        ines,
        "un mec sur snap a mes photos et il veut 200 euros sinon il les envoie a toute ma classe",
        "je veux parler à quelqu'un de vrai",
        1,
    )
    b = await _ask_and_claim(
        d,
        parent,
        "Bonjour, ma fille de 12 ans discute avec un adulte sur un jeu en ligne qui lui demande des photos",
        "Je voudrais parler à une personne de votre équipe",
        2,
    )
    c = await _ask_and_claim(
        d,
        friend,
        "mon pote se fait harceler sur insta par des gars de sa classe, ils postent des montages de lui",
        "je peux parler à un bénévole ?",
        3,
    )
    assert len({a, b, c}) == 3
    threads = {t: d.thread_of(CLAIRE, t) for t in (a, b, c)}

    # Consent: Inès and the parent say yes, the friend no.
    assert d.buttons(ines, "Tu es d'accord ?") == ["context:yes", "context:no"]
    assert d.buttons(parent, "Êtes-vous d'accord ?") == ["context:yes", "context:no"]  # the vous
    d.presses(ines, "context:yes")
    d.presses(parent, "context:yes")
    d.presses(friend, "context:no")
    context_a = await d.until(CLAIRE, f"📜 #{a}")
    assert "› un mec sur snap a mes photos" in context_a
    assert "› Bonjour, ma fille de 12 ans" in await d.until(CLAIRE, f"📜 #{b}")
    await d.until(CLAIRE, f"#{c} : la personne préfère raconter")

    # A crisis in the middle of the relay: contacts to Inès first, an alert in her thread, the case raised.
    d.says(ines, "en vrai j'ai trop honte, je pense que ce serait mieux si j'étais plus là")
    assert "3114" in await d.until(ines, "Ta sécurité")
    alert = [p for p in d.sent_to(CLAIRE["id"]) if f"ALERTE #{a}" in p["text"]]
    deadline = time.monotonic() + TIMEOUT_S
    while not alert and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        alert = [p for p in d.sent_to(CLAIRE["id"]) if f"ALERTE #{a}" in p["text"]]
    assert alert and alert[0]["message_thread_id"] == threads[a]

    # Each answer reaches its own person.
    d.says(
        CLAIRE,
        "Tu as bien fait de me le dire. Est-ce que tu es en sécurité là, maintenant ?",
        thread=threads[a],
    )
    await d.until(ines, "💬 Tu as bien fait de me le dire")
    d.says(CLAIRE, "Merci de nous écrire. Votre fille vous en a parlé elle-même ?", thread=threads[b])
    await d.until(parent, "💬 Merci de nous écrire")
    d.says(CLAIRE, "Je suis là aussi, tu reviens vers moi ?")  # no thread, three cases: refused
    await d.until(CLAIRE, "je n'ai envoyé ce message à personne")
    d.says(CLAIRE, "/reponses", thread=threads[b])
    await d.until(CLAIRE, f"Réponses types pour #{b}")
    d.presses(CLAIRE, f"quick:{b}:evidence")
    assert "Gardez la conversation" in await d.until(parent, "💬 À noter pour garder des preuves")

    # The friend's case goes to David, with its card; David answers in his own thread.
    d.presses(CLAIRE, f"transfer:{c}:2")
    handed = await d.until(DAVID, f"te passe #{c}")
    assert "Aucune alerte de crise" in handed and "un témoin" in handed
    d.says(
        DAVID, "Salut, je prends le relais. Ton pote sait que tu nous écris ?", thread=d.thread_of(DAVID, c)
    )
    await d.until(friend, "💬 Salut, je prends le relais")
    d.says(CLAIRE, "encore là ?", thread=threads[c])  # her old thread of that case relays nothing
    await d.until(CLAIRE, "n'est plus à toi")

    # Claire closes the parent's case from its thread; the parent gets the survey in the vous.
    d.says(CLAIRE, "/fin", thread=threads[b])
    assert "vous a-t-il été utile" in await d.until(
        parent, "La conversation avec le ou la bénévole est terminée"
    )
    d.presses(parent, "feedback:yes")
    await d.until(parent, "vous reviendriez nous écrire")
    d.says(CLAIRE, "/stats")
    figures = await d.until(CLAIRE, "📊")
    assert "Demandes : 3" in figures and "n°1 : 3" in figures and "n°2 : 1" in figures

    everyone = " ".join(d.to(ines) + d.to(parent) + d.to(friend))
    assert "Inès" not in " ".join(d.to(CLAIRE) + d.to(DAVID) + d.to(GROUP))  # no name reaches the team
    assert "Tu as bien fait de me le dire" not in " ".join(d.to(parent) + d.to(friend))
    assert "Claire" not in everyone and "David" not in everyone
    print("\n" + d.transcript())

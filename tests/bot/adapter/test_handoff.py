"""The hand-off end to end: two users, two volunteers, the real PTB Application, a fake Bot API.

Every test drives Telegram updates in and reads what the bot sent out (sendMessage,
editMessageText, answerCallbackQuery...), as the users and the volunteers would see it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, make_url, select, text

from bot.adapter.app import build_application
from bot.adapter.services import RelaisApp
from bot.adapter.transport import GroupPacer
from bot.settings import Settings
from bot.storage.db import make_engine, session_factory
from bot.storage.models import AuditEvent, Handoff, Outbox
from tests.bot.adapter.harness import start, stop
from tests.bot.fake_engine import FakeEngine
from tests.bot.fake_engine import running as engine_running
from tests.bot.fake_telegram import BOT_USER, FakeTelegram
from tests.bot.fake_telegram import running as telegram_running
from tests.net import sqlite_bytes
from tests.pg import postgres_server

GROUP = -1009876
Person = dict[str, Any]  # a Telegram user as the fake Bot API sends it
ALICE: Person = {"id": 5550001, "first_name": "Inès", "last_name": "Martin", "username": "ines_m_14"}
BOB = {"id": 5550002, "first_name": "Lucas", "last_name": "Bernard", "username": "lucas_b_15"}
CLAIRE: Person = {
    "id": 7001,
    "first_name": "Claire",
    "last_name": "Dupont",
    "username": "claire_benevole",
}
DAVID: Person = {
    "id": 7002,
    "first_name": "David",
    "last_name": "Moreau",
    "username": "david_benevole",
}
MALLORY = {"id": 6660006, "first_name": "Mallory", "username": "mallory"}
HANDOFF = {
    "situation": "sextortion",
    "urgency": "high",
    "audience": "victim",
    "minor": True,
    "platform": "snapchat",
    "steps_given": ["utter_sextortion_victim_1", "utter_sextortion_victim_2"],
}
SCRIPT = {
    "je veux parler à quelqu'un": [
        {"custom": {"handoff": HANDOFF}},
        {"text": "Je demande à un·e bénévole de te répondre ici."},
    ],
    "il me harcèle": [
        {"custom": {"handoff": {**HANDOFF, "urgency": "medium", "situation": "harassment"}}},
        {"text": "Je demande à un·e bénévole de te répondre ici."},
    ],
    "jveux plus etre la": [
        {"custom": {"triage": {"situation": "none", "urgency": "critical", "audience": "victim"}}},
        {"text": "Ta sécurité passe avant tout. Appelle le 3114."},
        {"custom": {"handoff": {**HANDOFF, "urgency": "critical", "trigger": "critical"}}},
    ],
}


class World:
    """The running bot and what it talks to, with update builders for each person."""

    def __init__(self, telegram: FakeTelegram, engine: FakeEngine, settings: Settings, db: Path) -> None:
        self.telegram, self.engine, self.settings, self.db = telegram, engine, settings, db
        self.next_id = 1
        self.app: RelaisApp | None = None

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    def says(
        self,
        who: dict[str, Any],
        text: str,
        update_id: int | None = None,
        *,
        thread: int | None = None,
        answering: str | None = None,
        edits: int | None = None,
    ) -> int:
        """A private message from ``who``, in a topic (``thread``) or answering one of the bot's messages
        (``answering``: its text, as Telegram quotes it), or the new text of message ``edits``; returns
        its update id (to deliver it again)."""
        uid = update_id or self._id()
        message: dict[str, Any] = {
            "message_id": edits or uid,
            "date": int(time.time()),
            "from": {**who, "is_bot": False},
            "chat": {"id": who["id"], "type": "private", "first_name": who["first_name"]},
            "text": text,
        }
        if thread is not None:
            message |= {"message_thread_id": thread, "is_topic_message": True}
        if answering is not None:
            message["reply_to_message"] = {
                "message_id": 1,
                "date": int(time.time()),
                "from": BOT_USER,
                "chat": message["chat"],
                "text": answering,
            }
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        if edits is not None:
            message["edit_date"] = int(time.time())
        self.telegram.push({"update_id": uid, ("edited_message" if edits else "message"): message})
        return uid

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
            "message": {"message_id": 1, "date": int(time.time()), "chat": chat, "text": "card"},
        }
        self.telegram.push({"update_id": self._id(), "callback_query": query})

    def to(self, who: dict[str, Any] | int) -> list[str]:
        """Texts the bot sent to a chat, in order."""
        chat = who if isinstance(who, int) else who["id"]
        return [p["text"] for p in self.telegram.sent() if int(p["chat_id"]) == chat]

    async def until(self, who: dict[str, Any] | int, words: str, timeout_s: float = 10) -> str:
        """Wait for a message to ``who`` that contains ``words``; return it."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            found = [t for t in self.to(who) if words in t]
            if found:
                return found[-1]
            await asyncio.sleep(0.05)
        raise AssertionError(f"no message with {words!r} to {who}: {self.to(who)}")

    async def count(self, who: dict[str, Any] | int, words: str, at_least: int, timeout_s: float = 10) -> int:
        """Wait until ``at_least`` messages to ``who`` contain ``words`` (cards come from a background
        worker); their number."""
        deadline = time.monotonic() + timeout_s
        while len([t for t in self.to(who) if words in t]) < at_least and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        return len([t for t in self.to(who) if words in t])

    def thread_of(self, who: Person, ticket: str) -> int:
        """The case's topic in a volunteer's private chat (where the bot told them they hold it)."""
        for p in self.telegram.sent():
            if int(p["chat_id"]) == who["id"] and f"#{ticket}" in p["text"] and p.get("message_thread_id"):
                return int(p["message_thread_id"])
        raise AssertionError(f"no thread for #{ticket} in {self.to(who)}")

    def sent_to(self, who: Person, words: str) -> list[dict[str, Any]]:
        """The bot's sendMessage calls to ``who`` containing ``words``, with all their parameters."""
        return [p for p in self.telegram.sent() if int(p["chat_id"]) == who["id"] and words in p["text"]]

    def alerts(self) -> list[str]:
        return [p.get("text", "") for p in self.telegram.sent("answerCallbackQuery")]

    def card_ticket(self) -> str:
        cards = [t for t in self.to(GROUP) if "Demande #" in t]
        return cards[-1].split("#", 1)[1][:4]

    def handoffs(self) -> list[Handoff]:
        engine = make_engine(self.settings.database_url)
        with session_factory(engine)() as session:
            rows = list(session.scalars(select(Handoff).order_by(Handoff.id)))
        engine.dispose()
        return rows

    async def restart(self) -> None:
        assert self.app is not None
        await stop(self.app)
        self.app = build_application(self.settings)
        await start(self.app)


def settings_for(telegram: FakeTelegram, engine: FakeEngine, tmp_path: Path, **env: str) -> Settings:
    values = {
        "PSEUDONYM_KEY": "k" * 48,
        "TELEGRAM_BOT_TOKEN": "123:test",
        "TELEGRAM_API_BASE_URL": f"{telegram.url}/bot",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'relais.db'}",
        "RASA_URL": engine.url,
        "HELPLINE_CHAT_ID": str(GROUP),
        "HELPLINE_VOLUNTEER_IDS": f"{CLAIRE['id']},{DAVID['id']}",
        "HELPLINE_HOURS": "mon-sun 00:00-24:00",
        **env,
    }
    return dataclasses.replace(Settings.from_env(values, tmp_path / "var"), queue_check_s=0.2)


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """One throwaway PostgreSQL cluster for this module's PostgreSQL runs (started on first use)."""
    with postgres_server() as url:
        yield url


def fresh_postgres_database(server_url: str) -> str:
    """An empty database of its own on the module's cluster."""
    name = f"h_{uuid.uuid4().hex}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")  # CREATE DATABASE refuses a transaction
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


# The same scenarios on PostgreSQL, where the adapter's transactions run on its database thread.
ON_BOTH = pytest.mark.parametrize(
    "world", [{}, {"DATABASE_URL": "postgresql"}], indirect=True, ids=["sqlite", "postgresql"]
)


@pytest.fixture()
async def world(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[World]:
    env = dict(getattr(request, "param", {}))
    topics = env.pop("TOPICS", "on") == "on"  # BotFather's threaded mode, as getMe reports it
    if env.get("DATABASE_URL") == "postgresql":  # asked for here: the SQLite runs need no server
        env["DATABASE_URL"] = fresh_postgres_database(request.getfixturevalue("postgres_url"))
    engine_spec = FakeEngine(reply=[{"text": "Je t'écoute."}], script=SCRIPT)
    with telegram_running(FakeTelegram(topics=topics)) as telegram, engine_running(engine_spec) as engine:
        w = World(telegram, engine, settings_for(telegram, engine, tmp_path, **env), tmp_path / "relais.db")
        w.app = build_application(w.settings)
        await start(w.app)
        try:
            for volunteer in (CLAIRE, DAVID):
                w.says(volunteer, "/dispo")
                await w.until(volunteer, "Tu es disponible")
            yield w
        finally:
            await stop(w.app)


async def claimed_by_claire(w: World, user: dict[str, Any] = ALICE) -> str:
    w.says(user, "je veux parler à quelqu'un")
    await w.until(user, "Ta demande est dans la file")
    await w.until(GROUP, "Demande #")
    ticket = w.card_ticket()
    w.presses(CLAIRE, f"claim:{ticket}", in_group=True)
    await w.until(user, "Un·e bénévole est là")
    await w.until(CLAIRE, f"Tu as pris #{ticket}")
    return ticket


async def two_cases_for_claire(w: World) -> tuple[str, str]:
    """Claire holds Inès's sextortion case, then Lucas's harassment case: two chats open at once."""
    first = await claimed_by_claire(w)
    w.says(BOB, "il me harcèle")
    await w.until(BOB, "Ta demande est dans la file")
    await w.count(GROUP, "Demande #", 2)
    second = w.card_ticket()
    w.presses(CLAIRE, f"claim:{second}", in_group=True)
    await w.until(CLAIRE, f"Tu as pris #{second}")
    return first, second


@ON_BOTH
async def test_with_two_cases_open_a_reply_reaches_the_person_of_its_thread_and_nobody_else(
    world: World,
) -> None:
    """The bug of a volunteer's day: « Surtout ne paie pas… », written for the sextortion case, reached
    the harassment case because replies went to the chat claimed last. Each case has its own thread."""
    w = world
    sextortion, harassment = await two_cases_for_claire(w)
    inès_thread, lucas_thread = w.thread_of(CLAIRE, sextortion), w.thread_of(CLAIRE, harassment)
    assert inès_thread != lucas_thread
    names = [c["name"] for c in w.telegram.sent("createForumTopic")]
    assert names == [f"🟠 #{sextortion} · FR", f"🟡 #{harassment} · FR"]

    w.says(ALICE, "il veut 200 euros avant ce soir")
    relayed = await w.until(CLAIRE, f"#{sextortion} › il veut 200 euros")
    [sent] = w.sent_to(CLAIRE, relayed)
    assert sent["message_thread_id"] == inès_thread and sent["protect_content"] is True

    w.says(CLAIRE, "Surtout ne paie pas, tu n'y es pour rien.", thread=inès_thread)
    await w.until(ALICE, "💬 Surtout ne paie pas")
    w.says(CLAIRE, "Tu peux me dire depuis quand ça dure ?", thread=lucas_thread)
    await w.until(BOB, "💬 Tu peux me dire depuis quand")
    await asyncio.sleep(0.3)
    assert not any("ne paie pas" in t for t in w.to(BOB))
    assert not any("depuis quand" in t for t in w.to(ALICE))

    # Outside any thread, with two cases open, nothing is guessed: the message goes to nobody.
    w.says(CLAIRE, "Tu es toujours là ?")
    refusal = await w.until(CLAIRE, "je n'ai envoyé ce message à personne")
    assert f"#{sextortion}" in refusal and f"#{harassment}" in refusal
    await asyncio.sleep(0.3)
    assert not any("toujours là" in t for t in w.to(ALICE) + w.to(BOB))

    # Answering the refusal, which names both cases, names neither: refused again.
    w.says(CLAIRE, "c'était pour Lucas", answering=refusal)
    assert await w.count(CLAIRE, "je n'ai envoyé ce message à personne", 2) == 2

    # Answering one of Lucas's relayed messages ties the reply to Lucas, and says so.
    w.says(BOB, "depuis la rentrée")
    quoted = await w.until(CLAIRE, f"#{harassment} › depuis la rentrée")
    w.says(CLAIRE, "Merci de me le dire.", answering=quoted)
    await w.until(BOB, "💬 Merci de me le dire.")
    assert await w.until(CLAIRE, f"→ #{harassment}")
    assert not any("Merci de me le dire" in t for t in w.to(ALICE))

    # A command in a thread is for that thread's case.
    w.says(CLAIRE, "/fin", thread=lucas_thread)
    await w.until(BOB, "La conversation avec le ou la bénévole est terminée")
    statuses = {h.ticket: h.status for h in w.handoffs()}
    assert statuses == {sextortion: "claimed", harassment: "closed"}
    renamed = [e for e in w.telegram.sent("editForumTopic") if e["message_thread_id"] == lucas_thread]
    assert renamed[-1]["name"] == f"☑️ #{harassment} · close"
    w.says(CLAIRE, "encore un mot", thread=lucas_thread)  # the closed case's thread relays nothing
    assert "n'est plus à toi" in await w.until(CLAIRE, "n'est plus à toi")
    await asyncio.sleep(0.3)
    assert not any("encore un mot" in t for t in w.to(BOB) + w.to(ALICE))
    engine = make_engine(w.settings.database_url)
    with session_factory(engine)() as session:
        refused = session.scalars(
            select(AuditEvent).where(AuditEvent.event_type == "volunteer_refused")
        ).all()
        assert [e.details["reason"] for e in refused] == ["ambiguous", "ambiguous", "not_held"]  # no text
        assert all(set(e.details) == {"reason"} for e in refused)
    engine.dispose()


@pytest.mark.parametrize("world", [{"TOPICS": "off"}], indirect=True)
async def test_without_topics_a_message_is_tied_by_a_reply_or_to_the_only_case_never_guessed(
    world: World,
) -> None:
    w = world
    first = await claimed_by_claire(w)
    assert not w.telegram.sent("createForumTopic")
    w.says(CLAIRE, "Je suis là.")  # one case: it goes there, and the volunteer sees where
    await w.until(ALICE, "💬 Je suis là.")
    assert await w.until(CLAIRE, f"→ #{first}")
    w.says(BOB, "il me harcèle")
    await w.count(GROUP, "Demande #", 2)
    second = w.card_ticket()
    w.presses(CLAIRE, f"claim:{second}", in_group=True)
    await w.until(CLAIRE, f"Tu as pris #{second}")
    w.says(CLAIRE, "Et maintenant ?")
    await w.until(CLAIRE, "je n'ai envoyé ce message à personne")
    w.says(CLAIRE, "/fin")  # a command too: which case?
    assert await w.count(CLAIRE, "je n'ai envoyé ce message à personne", 2) == 2
    w.says(CLAIRE, f"/fin {first.lower()}")  # named: that one
    await w.until(ALICE, "La conversation avec le ou la bénévole est terminée")
    await asyncio.sleep(0.3)
    assert not any("Et maintenant" in t for t in w.to(ALICE) + w.to(BOB))
    assert {h.ticket: h.status for h in w.handoffs()} == {first: "closed", second: "claimed"}


async def test_after_a_transfer_the_old_thread_relays_nothing_and_the_new_holder_sees_the_crisis(
    world: World,
) -> None:
    w = world
    ticket = await claimed_by_claire(w)
    old_thread = w.thread_of(CLAIRE, ticket)
    w.says(ALICE, "jveux plus etre la")
    await w.until(CLAIRE, f"ALERTE #{ticket}")
    # The crisis raised the case: the group's card and the thread's name say critical now.
    edits = await w.telegram.wait_for(2, "editMessageText")
    assert "critique" in edits[-1]["text"]
    assert any(e["name"].startswith("🔴") for e in w.telegram.sent("editForumTopic"))

    w.presses(CLAIRE, f"transfer:{ticket}:2")
    handed = await w.until(DAVID, f"te passe #{ticket}")
    assert "critique" in handed and "Pays : France" in handed  # the card as it is now, not as claimed
    assert "prise en charge par bénévole n°2" in handed
    new_thread = w.thread_of(DAVID, ticket)
    assert any(
        e["message_thread_id"] == old_thread and "transférée" in e["name"]
        for e in w.telegram.sent("editForumTopic")
    )
    w.says(CLAIRE, "je reviens", thread=old_thread)
    await w.until(CLAIRE, "n'est plus à toi")
    w.says(DAVID, "Je prends le relais, tu es en sécurité là où tu es ?", thread=new_thread)
    await w.until(ALICE, "💬 Je prends le relais")
    await asyncio.sleep(0.3)
    assert not any("je reviens" in t for t in w.to(ALICE))


async def test_the_card_says_the_country_and_the_local_time_and_oubli_deletes_the_thread(
    world: World,
) -> None:
    w = world
    w.says(ALICE, "/start BE")  # a Belgian school's poster: the country is set by the link
    await w.until(ALICE, "écoute")
    ticket = await claimed_by_claire(w)
    card = await w.until(CLAIRE, f"Tu as pris #{ticket}")
    assert "Pays : Belgique ·" in card and "chez la personne" in card
    assert w.telegram.sent("createForumTopic")[-1]["name"].endswith("· BE")
    thread = w.thread_of(CLAIRE, ticket)
    w.says(ALICE, "/oubli")
    left = await w.until(CLAIRE, "effacé la conversation")
    assert not w.sent_to(CLAIRE, left)[0].get("message_thread_id")  # said outside the thread that goes
    deleted = await w.telegram.wait_for(1, "deleteForumTopic")
    assert deleted[0]["message_thread_id"] == thread and int(deleted[0]["chat_id"]) == CLAIRE["id"]


async def test_with_consent_the_volunteer_reads_what_the_person_wrote_before_until_fin(world: World) -> None:
    w = world
    w.says(ALICE, "il a des photos de moi")
    w.says(ALICE, "il dit qu'il les envoie à ma classe ce soir")
    await w.count(ALICE, "écoute", 2)
    ticket = await claimed_by_claire(w)
    question = w.sent_to(ALICE, "Tu es d'accord ?")[-1]
    assert [b[0]["callback_data"] for b in question["reply_markup"]["inline_keyboard"]] == [
        "context:yes",
        "context:no",
    ]
    assert not any("📜" in t for t in w.to(CLAIRE))  # nothing before the person says yes
    w.presses(ALICE, "context:yes")
    await w.until(ALICE, "c'est transmis")
    shown = await w.until(CLAIRE, f"📜 #{ticket}")
    assert "› il a des photos de moi" in shown and "› il dit qu'il les envoie à ma classe ce soir" in shown
    [sent] = w.sent_to(CLAIRE, "📜")
    assert sent["protect_content"] is True and sent["message_thread_id"] == w.thread_of(CLAIRE, ticket)
    assert [h.context_messages for h in w.handoffs()] != [[]]

    w.says(CLAIRE, "/fin")
    deleted = await w.telegram.wait_for(1, "deleteMessages")
    assert int(deleted[0]["chat_id"]) == CLAIRE["id"] and len(deleted[0]["message_ids"]) == 1
    assert [h.context_messages for h in w.handoffs()] == [[]]


async def test_consent_counts_once_per_claim_and_a_no_after_yes_takes_the_context_back(world: World) -> None:
    w = world
    w.says(ALICE, "il a des photos de moi")
    await w.until(ALICE, "écoute")
    ticket = await claimed_by_claire(w)
    w.presses(ALICE, "context:yes")
    await w.until(CLAIRE, f"📜 #{ticket}")
    w.presses(ALICE, "context:yes")  # pressed again: shown once
    await w.count(ALICE, "Ce bouton", 1)
    assert await w.count(CLAIRE, "📜", 1) == 1
    w.presses(ALICE, "context:no")  # changed her mind
    await w.until(ALICE, "rien n'est montré")
    deleted = await w.telegram.wait_for(1, "deleteMessages")
    assert int(deleted[0]["chat_id"]) == CLAIRE["id"]
    assert await w.until(CLAIRE, "préfère raconter")
    w.presses(ALICE, "context:yes")  # the no stands: nothing is shown again
    await w.count(ALICE, "Ce bouton", 2)
    assert await w.count(CLAIRE, "📜", 1) == 1


async def test_without_consent_nothing_is_shown_and_a_transfer_carries_the_alerts(world: World) -> None:
    w = world
    w.says(ALICE, "il a des photos de moi")
    await w.until(ALICE, "écoute")
    ticket = await claimed_by_claire(w)
    w.presses(ALICE, "context:no")
    await w.until(ALICE, "rien n'est montré")
    assert "préfère raconter" in await w.until(CLAIRE, "préfère raconter")
    w.says(ALICE, "jveux plus etre la")
    await w.until(CLAIRE, f"ALERTE #{ticket}")
    w.presses(CLAIRE, f"transfer:{ticket}:2")
    handed = await w.until(DAVID, f"te passe #{ticket}")
    assert "1 alerte(s) de crise" in handed
    await asyncio.sleep(0.3)
    assert not any("📜" in t for t in w.to(CLAIRE) + w.to(DAVID))


async def test_a_transfer_moves_the_context_to_the_new_volunteer(world: World) -> None:
    w = world
    w.says(ALICE, "il a des photos de moi")
    await w.until(ALICE, "écoute")
    ticket = await claimed_by_claire(w)
    w.presses(ALICE, "context:yes")
    await w.until(CLAIRE, f"📜 #{ticket}")
    w.presses(CLAIRE, f"transfer:{ticket}:2")
    assert "› il a des photos de moi" in await w.until(DAVID, f"📜 #{ticket}")
    deleted = await w.telegram.wait_for(1, "deleteMessages")
    assert int(deleted[0]["chat_id"]) == CLAIRE["id"]  # Claire no longer holds it: her copy goes


async def test_the_person_is_told_their_place_and_a_measured_wait_and_who_is_open(world: World) -> None:
    w = world
    w.says(BOB, "il me harcèle")  # medium
    first = await w.until(BOB, "Ta demande est dans la file")
    assert "(position 1)" in first and "Je ne peux pas encore dire combien de temps" in first
    w.says(ALICE, "je veux parler à quelqu'un")  # high: ahead of the medium one
    assert "(position 1)" in await w.until(ALICE, "Ta demande est dans la file")
    person = {"id": 5550003, "first_name": "Noé"}
    w.says(person, "il me harcèle")
    assert "(position 3)" in await w.until(person, "Ta demande est dans la file")


async def test_three_claims_measured_give_the_next_person_a_usual_wait(world: World) -> None:
    w = world
    people = [{"id": 5570000 + n, "first_name": f"P{n}"} for n in range(4)]
    for n, person in enumerate(people[:3]):
        w.says(person, "je veux parler à quelqu'un")
        await w.until(person, "Ta demande est dans la file")
        await w.count(GROUP, "Demande #", n + 1)
        ticket = w.card_ticket()
        volunteer = (CLAIRE, DAVID)[n % 2]
        w.presses(volunteer, f"claim:{ticket}", in_group=True)
        await w.until(volunteer, f"Tu as pris #{ticket}")
        w.says(volunteer, f"/fin {ticket}")
        await w.until(person, "La conversation avec le ou la bénévole est terminée")
    w.says(people[3], "je veux parler à quelqu'un")
    told = await w.until(people[3], "Ta demande est dans la file")
    assert "l'attente habituelle est d'environ 1 min" in told  # three claims in seconds: at least 1 min


@pytest.mark.parametrize(
    "world", [{"WAIT_TARGETS": "high=1", "HELPLINE_COORDINATOR_IDS": "7100"}], indirect=True
)
async def test_a_request_waiting_past_its_target_alerts_the_coordinators_once(world: World) -> None:
    w = world
    w.says(ALICE, "je veux parler à quelqu'un")
    await w.until(GROUP, "Demande #")
    ticket = w.card_ticket()
    late = await w.until(GROUP, f"⏰ 🟠 #{ticket} attend depuis", timeout_s=6)
    [sent] = [p for p in w.telegram.sent() if p["text"] == late]
    assert 'href="tg://user?id=7100"' in late and sent["parse_mode"] == "HTML"
    assert "🟠" in late
    await asyncio.sleep(1.5)
    assert await w.count(GROUP, "⏰", 1) == 1  # once per stay in the queue
    w.presses(CLAIRE, f"claim:{ticket}", in_group=True)
    await w.until(CLAIRE, f"Tu as pris #{ticket}")
    w.says(CLAIRE, "/stats")  # the figures count the wait, the claim and the volunteer's chat
    figures = await w.until(CLAIRE, "📊")
    assert "Demandes : 1 (🟠 1)" in figures and "n°1 : 1" in figures and "(n=1)" in figures
    assert " s / " in figures and "{" not in figures  # the durations are filled in
    w.says(MALLORY, "/stats")
    assert await w.until(MALLORY, "réservée aux bénévoles")
    w.says({"id": 7100, "first_name": "Coord"}, "/stats")  # a coordinator off the volunteers' list
    assert await w.until(7100, "📊")


async def test_after_fin_a_two_question_survey_then_one_check_in_in_daytime_if_asked(world: World) -> None:
    w = world
    ticket = await claimed_by_claire(w)
    w.says(CLAIRE, "/fin")
    await w.until(ALICE, "Cet échange t'a-t-il été utile ?")
    w.presses(ALICE, "feedback:yes")
    assert "tu reviendrais nous écrire" in await w.until(ALICE, "Merci pour ta réponse")
    w.presses(ALICE, "survey:return:yes")
    await w.until(ALICE, "dans un jour ou deux si ça va mieux")
    w.presses(ALICE, "checkin:yes")
    await w.until(ALICE, "je te le demanderai")
    [conversation_due] = [h for h in w.handoffs() if h.ticket == ticket]
    assert conversation_due.feedback == "yes"
    assert w.app is not None
    svc = w.app.bot_data["services"]
    daytime = datetime.now(UTC).replace(hour=12, minute=0) + timedelta(days=1)  # noon in Paris is daytime
    svc.clock = lambda: daytime + timedelta(hours=1)
    asked = await w.until(ALICE, "Ça va mieux ?", timeout_s=75)
    assert asked.startswith("Bonjour, c'est Relais")
    w.presses(ALICE, "checkin:worse")
    worse = await w.until(ALICE, "Merci de me le dire")
    assert "112" in worse and "parler à quelqu'un" in worse
    await asyncio.sleep(0.5)
    assert await w.count(ALICE, "Ça va mieux ?", 1) == 1  # once
    w.says(CLAIRE, "/stats")
    figures = await w.until(CLAIRE, "📊")
    assert "utile 1 oui / 0 non" in figures and "reviendrait 1 oui / 0 non" in figures


async def test_quick_replies_send_reviewed_texts_with_the_persons_country_and_register(world: World) -> None:
    w = world
    w.says(ALICE, "/start BE")
    await w.until(ALICE, "écoute")
    ticket = await claimed_by_claire(w)
    thread = w.thread_of(CLAIRE, ticket)
    w.says(CLAIRE, "/reponses", thread=thread)
    await w.until(CLAIRE, f"Réponses types pour #{ticket}")
    [menu] = w.sent_to(CLAIRE, "Réponses types")
    assert menu["message_thread_id"] == thread
    assert [b[0]["callback_data"] for b in menu["reply_markup"]["inline_keyboard"]] == [
        f"quick:{ticket}:{q}" for q in ("crisis", "open_now", "evidence", "removal", "still_here")
    ]
    w.presses(CLAIRE, f"quick:{ticket}:crisis")
    crisis = await w.until(ALICE, "💬 Ta sécurité passe avant tout")
    assert "112" in crisis and "3114" not in crisis  # Belgium's numbers, not France's
    assert await w.until(CLAIRE, f"→ #{ticket} : « 🆘 Protocole de crise » envoyé.")
    w.presses(CLAIRE, f"quick:{ticket}:removal")  # a minor on the card: Take It Down
    assert await w.until(ALICE, "💬 Take It Down")
    w.presses(DAVID, f"quick:{ticket}:still_here")  # not David's case: nothing sent
    w.presses(CLAIRE, f"quick:{ticket}:pay_him")  # a forged choice: nothing sent
    await w.telegram.wait_for(4, "answerCallbackQuery")
    await asyncio.sleep(0.3)
    assert sum("Trop tard" in a for a in w.alerts()) == 2
    assert not any("toujours là" in t for t in w.to(ALICE))


async def test_an_edit_during_the_relay_arrives_as_an_edit_notice_both_ways(world: World) -> None:
    w = world
    ticket = await claimed_by_claire(w)
    sent = w.says(ALICE, "il a 20 ans")
    await w.until(CLAIRE, f"#{ticket} › il a 20 ans")
    w.says(ALICE, "il a 30 ans", edits=sent)
    assert await w.until(CLAIRE, f"#{ticket} › ✏️ (message modifié) il a 30 ans")
    mine = w.says(CLAIRE, "Tu as bien fait", thread=w.thread_of(CLAIRE, ticket))
    await w.until(ALICE, "💬 Tu as bien fait")
    w.says(CLAIRE, "Tu as très bien fait", thread=w.thread_of(CLAIRE, ticket), edits=mine)
    assert await w.until(ALICE, "💬 ✏️ (message modifié) Tu as très bien fait")
    w.says(ALICE, "en fait je veux plus etre la", edits=sent)  # an edit can carry a danger too
    assert await w.until(CLAIRE, f"ALERTE #{ticket}")
    assert "3114" in await w.until(ALICE, "3114")
    assert not any("je lis seulement les nouveaux messages" in t for t in w.to(ALICE))


@ON_BOTH
async def test_a_full_handoff_as_the_user_and_the_volunteer_see_it(world: World) -> None:
    w = world
    ticket = await claimed_by_claire(w)
    card = await w.until(GROUP, f"#{ticket}")
    for shown in ("sextorsion", "haute", "moins de 18 ans", "snapchat", "Étapes déjà données : 2"):
        assert shown in card, shown
    edited = await w.telegram.wait_for(1, "editMessageText")
    assert "prise en charge par bénévole n°1" in edited[-1]["text"] and "reply_markup" not in edited[-1]

    w.says(ALICE, "il a encore écrit ce matin")
    assert await w.until(CLAIRE, f"#{ticket} › il a encore écrit ce matin")
    w.says(CLAIRE, "Je suis là. Tu as pu garder son pseudo ?")
    assert await w.until(ALICE, "💬 Je suis là. Tu as pu garder son pseudo ?")
    assert len(w.engine.received) == 1  # during the relay the bot does not answer on its own

    w.says(CLAIRE, "/fin")
    closing = await w.until(ALICE, "La conversation avec le ou la bénévole est terminée")
    assert "3018" in closing and "112" in closing
    question = await w.until(CLAIRE, "Quelle a été l'issue")
    assert question
    w.presses(ALICE, "feedback:yes")
    await w.until(ALICE, "Merci pour ta réponse")
    w.presses(CLAIRE, f"outcome:{ticket}:referred_3018")
    await w.until(CLAIRE, "issue enregistrée")
    [row] = w.handoffs()
    assert (row.status, row.outcome, row.feedback) == ("closed", "referred_3018", "yes")
    print("\n--- what Inès saw ---\n" + "\n".join(w.to(ALICE)))
    print("--- what volunteer n°1 saw ---\n" + "\n".join(w.to(CLAIRE)))
    print("--- the volunteers' group ---\n" + "\n".join(w.to(GROUP)))


async def test_a_burst_of_requests_is_answered_at_once_while_cards_wait_for_the_group_limit(
    world: World,
) -> None:
    # Telegram lets a bot post about 20 messages a minute in a group: 24 requests at once exceed it.
    # The pacer's minute is 3 s here, so that the last card comes within the test.
    assert world.app is not None
    world.app.bot_data["services"].group_pacer = GroupPacer(per_minute=20, window_s=3.0)
    people = [{"id": 5560000 + n, "first_name": f"P{n}"} for n in range(24)]
    for person in people:
        world.says(person, "je veux parler à quelqu'un")
    for person in people:  # each person is told at once: nobody waits for the group's budget
        await world.until(person, "Ta demande est dans la file", timeout_s=5)
    assert len([t for t in world.to(GROUP) if "Demande #" in t]) < len(people)  # the cards wait their turn
    world.says(BOB, "salut")  # and the bot keeps answering everyone else meanwhile
    await world.until(BOB, "écoute", timeout_s=3)
    await world.until(
        GROUP, f"Demande #{world.handoffs()[-1].ticket}", timeout_s=30
    )  # the last card comes too


async def test_a_card_still_waiting_when_the_bot_stopped_is_posted_after_the_restart(world: World) -> None:
    w = world
    w.says(ALICE, "je veux parler à quelqu'un")
    await w.until(GROUP, "Demande #")
    assert w.app is not None
    with w.app.bot_data["services"].sessions() as session, session.begin():
        session.scalars(select(Handoff)).one().card_message_id = None  # as if the card had not gone out yet
    await w.restart()
    assert await w.count(GROUP, "Demande #", 2) == 2 and w.handoffs()[0].card_message_id is not None


async def test_a_critical_request_overtakes_earlier_medium_ones(world: World) -> None:
    w = world
    w.says(BOB, "il me harcèle")
    await w.until(BOB, "Ta demande est dans la file")
    w.says(ALICE, "jveux plus etre la")
    first = await w.until(ALICE, "Ta sécurité")
    assert w.to(ALICE)[0] == first and "3114" in first  # the emergency contacts come first
    await w.until(ALICE, "Ta demande est dans la file")  # a volunteer was asked without waiting to be asked
    w.says(CLAIRE, "/file")
    queue = await w.until(CLAIRE, "File d'attente (2)")
    lines = [line for line in queue.splitlines()[1:] if line]
    assert "critique" in lines[0] and "harcèlement" in lines[1]
    assert (await w.until(GROUP, "🆘")).startswith(
        "🆘"
    )  # the critical card (cards come from a background worker)


@ON_BOTH
async def test_two_volunteers_racing_for_one_card_one_wins(world: World) -> None:
    w = world
    w.says(ALICE, "je veux parler à quelqu'un")
    await w.until(GROUP, "Demande #")
    ticket = w.card_ticket()
    w.presses(CLAIRE, f"claim:{ticket}", in_group=True)
    w.presses(DAVID, f"claim:{ticket}", in_group=True)
    await w.telegram.wait_for(2, "answerCallbackQuery")
    await w.until(ALICE, "Un·e bénévole est là")
    await asyncio.sleep(0.3)
    assert sum("Trop tard" in a for a in w.alerts()) == 1
    assert sum("Un·e bénévole est là" in t for t in w.to(ALICE)) == 1
    [row] = w.handoffs()
    assert row.status == "claimed" and row.volunteer is not None


async def test_a_crisis_during_the_relay_alerts_the_volunteer_and_gives_the_contacts(world: World) -> None:
    w = world
    ticket = await claimed_by_claire(w)
    w.says(ALICE, "jveux plus etre la")
    assert "3114" in await w.until(ALICE, "3114")
    await w.until(CLAIRE, f"#{ticket} › jveux plus etre la")
    assert "ALERTE" in await w.until(CLAIRE, f"ALERTE #{ticket}")
    assert len(w.engine.received) == 1


async def test_a_danger_said_indirectly_during_the_relay_is_read_by_the_model_and_alerts(
    world: World,
) -> None:
    """The lexicon does not know « demain ça sera réglé pour de bon » ; the triage model reads
    it as critical (here the fake engine's /model/parse): same contacts, same alert, the case raised."""
    w = world
    indirect = "je suis fatiguée de tout, demain ça sera réglé pour de bon"
    w.engine.urgencies = {indirect: "critical"}
    ticket = await claimed_by_claire(w)
    w.says(ALICE, "il a encore écrit")
    await w.until(CLAIRE, f"#{ticket} › il a encore écrit")
    w.says(ALICE, indirect)
    assert "3114" in await w.until(ALICE, "Ta sécurité")
    await w.until(CLAIRE, f"#{ticket} › {indirect}")
    assert await w.until(CLAIRE, f"ALERTE #{ticket}")
    assert [h.urgency for h in w.handoffs()] == ["critical"]
    assert [p["text"] for p in w.engine.parsed] == ["il a encore écrit", indirect]
    assert len(w.engine.received) == 1  # the dialogue itself was not asked: the bot stays quiet
    assert w.to(CLAIRE).index(next(t for t in w.to(CLAIRE) if indirect in t)) < w.to(CLAIRE).index(
        next(t for t in w.to(CLAIRE) if "ALERTE" in t)
    )  # the alert follows the message it is about


async def test_a_thread_the_volunteer_deleted_never_holds_the_relay(world: World) -> None:
    """Telegram refuses a message to a topic that is gone: it goes to the volunteer's chat itself, and
    the messages behind it (for every case) are not held."""
    w = world
    ticket = await claimed_by_claire(w)
    w.telegram.gone_threads.add(w.thread_of(CLAIRE, ticket))
    w.says(ALICE, "tu es toujours là ?")
    moved = await w.until(CLAIRE, f"#{ticket} › tu es toujours là ?")
    assert not w.sent_to(CLAIRE, moved)[-1].get("message_thread_id")
    w.says(ALICE, "allo")
    await w.until(CLAIRE, f"#{ticket} › allo")
    w.presses(ALICE, "context:yes")  # the context, the notices: in her chat too
    shown = await w.until(CLAIRE, f"📜 #{ticket}")
    assert not w.sent_to(CLAIRE, shown)[-1].get("message_thread_id")
    w.says(CLAIRE, "/fin")
    await w.until(ALICE, "La conversation avec le ou la bénévole est terminée")
    engine = make_engine(w.settings.database_url)
    with session_factory(engine)() as session:
        assert session.scalars(select(Outbox)).all() == []  # nothing left waiting behind the thread
    engine.dispose()


async def test_a_flood_during_the_relay_never_drops_a_crisis_message(world: World) -> None:
    w = world
    ticket = await claimed_by_claire(w)
    for n in range(10):
        w.says(ALICE, f"message {n}")
    w.says(ALICE, "jveux plus etre la")
    assert await w.until(CLAIRE, f"ALERTE #{ticket}")
    await w.until(CLAIRE, f"#{ticket} › jveux plus etre la")
    assert "3114" in await w.until(ALICE, "3114")


async def test_a_transfer_to_a_colleague_who_paused_is_refused(world: World) -> None:
    w = world
    ticket = await claimed_by_claire(w)
    w.says(DAVID, "/pause")
    await w.until(DAVID, "Tu es en pause")
    w.presses(CLAIRE, f"transfer:{ticket}:2")
    await w.telegram.wait_for(2, "answerCallbackQuery")
    assert any("Trop tard" in a for a in w.alerts())
    assert w.handoffs()[0].volunteer is not None and not any(f"te passe #{ticket}" in t for t in w.to(DAVID))


@ON_BOTH
async def test_release_then_another_volunteer_claims(world: World) -> None:
    w = world
    ticket = await claimed_by_claire(w)
    cards_before = len([t for t in w.to(GROUP) if f"#{ticket}" in t])
    w.says(CLAIRE, "/relacher")
    await w.until(CLAIRE, f"#{ticket} est remise dans la file")
    assert (
        await w.count(GROUP, f"#{ticket}", cards_before + 1) == cards_before + 1
    )  # a new card at the bottom
    await w.until(ALICE, "un·e autre bénévole va te répondre")
    w.presses(DAVID, f"claim:{ticket}", in_group=True)
    await w.until(DAVID, f"Tu as pris #{ticket}")
    w.says(DAVID, "Bonjour, je prends le relais.")
    await w.until(ALICE, "💬 Bonjour, je prends le relais.")
    w.says(ALICE, "merci")
    await w.until(DAVID, f"#{ticket} › merci")
    assert not any("merci" in t for t in w.to(CLAIRE))


async def test_transfer_to_another_volunteer(world: World) -> None:
    w = world
    ticket = await claimed_by_claire(w)
    w.says(CLAIRE, "/transferer")
    await w.until(CLAIRE, f"À qui passer #{ticket}")
    choice = next(p for p in w.telegram.sent() if "À qui passer" in p["text"])
    button = choice["reply_markup"]["inline_keyboard"][0][0]
    assert button["text"] == "Bénévole n°2"
    w.presses(CLAIRE, button["callback_data"])
    await w.until(DAVID, f"te passe #{ticket}")
    await w.until(ALICE, "prend le relais")
    w.says(ALICE, "ok")
    await w.until(DAVID, f"#{ticket} › ok")


@pytest.mark.parametrize("world", [{"HELPLINE_HOURS": "sun 03:00-03:01"}], indirect=True)
async def test_out_of_hours_the_user_is_told_at_once_with_who_is_open_now(world: World) -> None:
    w = world
    w.says(ALICE, "je veux parler à quelqu'un")
    text = await w.until(ALICE, "aucun·e bénévole n'est disponible")
    assert "dim 3h-3h01" in text and "112" in text
    keep = next(p for p in w.telegram.sent() if "aucun·e bénévole" in p["text"])
    assert [b[0]["callback_data"] for b in keep["reply_markup"]["inline_keyboard"]] == [
        "handoff:keep",
        "handoff:cancel",
    ]
    w.presses(ALICE, "handoff:keep")
    await w.until(ALICE, "ta demande reste dans la file")
    assert w.handoffs()[0].status == "queued"


async def test_nobody_claims_in_time_the_request_is_reannounced_and_the_user_told(tmp_path: Path) -> None:
    with telegram_running(FakeTelegram()) as telegram, engine_running(FakeEngine(script=SCRIPT)) as engine:
        settings = settings_for(telegram, engine, tmp_path, HANDOFF_DELAYS="high=1")
        app = build_application(settings)
        await start(app)
        w = World(telegram, engine, settings, tmp_path / "relais.db")
        try:
            w.says(CLAIRE, "/dispo")
            w.says(ALICE, "je veux parler à quelqu'un")
            await w.until(ALICE, "Ta demande est dans la file")
            text = await w.until(ALICE, "personne n'a encore pu prendre ta demande", timeout_s=6)
            assert "112" in text
            assert "relance n°1" in await w.until(GROUP, "relance n°1")
            assert any("relancée plus bas" in e["text"] for e in telegram.sent("editMessageText"))
        finally:
            await stop(app)


@ON_BOTH
async def test_a_restart_mid_handoff_resumes_the_relay(world: World) -> None:
    w = world
    ticket = await claimed_by_claire(w)
    await w.restart()
    w.says(ALICE, "tu es toujours là ?")
    await w.until(CLAIRE, f"#{ticket} › tu es toujours là ?")
    w.says(CLAIRE, "Oui, toujours là.")
    await w.until(ALICE, "💬 Oui, toujours là.")


@ON_BOTH
async def test_a_message_pending_at_a_crash_is_delivered_once_after_restart(world: World) -> None:
    w = world
    ticket = await claimed_by_claire(w)
    assert w.app is not None
    svc = w.app.bot_data["services"]
    with svc.sessions() as session, session.begin():  # what a crash between commit and send leaves
        row = session.scalars(select(Handoff)).one()
        session.add(
            Outbox(
                handoff_id=row.id,
                to_volunteer=True,
                body_encrypted=svc.cipher.encrypt_text(f"#{ticket} › avant la panne"),
            )
        )
    await w.restart()
    await w.until(CLAIRE, "avant la panne")
    await asyncio.sleep(0.6)
    assert sum("avant la panne" in t for t in w.to(CLAIRE)) == 1


@ON_BOTH
async def test_a_redelivered_update_is_relayed_exactly_once(world: World) -> None:
    w = world
    ticket = await claimed_by_claire(w)
    uid = w.says(ALICE, "une seule fois")
    await w.until(CLAIRE, "une seule fois")
    w.says(ALICE, "une seule fois", update_id=uid)  # Telegram delivers the same update again
    vid = w.says(CLAIRE, "reçu")
    await w.until(ALICE, "💬 reçu")
    w.says(CLAIRE, "reçu", update_id=vid)
    w.says(ALICE, "suivant")
    await w.until(CLAIRE, f"#{ticket} › suivant")
    await asyncio.sleep(0.3)
    assert sum("une seule fois" in t for t in w.to(CLAIRE)) == 1
    assert sum("reçu" in t for t in w.to(ALICE)) == 1


async def test_volunteer_commands_and_forged_claims_are_refused_to_others(world: World) -> None:
    w = world
    w.says(ALICE, "je veux parler à quelqu'un")
    await w.until(GROUP, "Demande #")
    ticket = w.card_ticket()
    for command in ("/dispo", "/fin", "/relacher", "/file"):
        w.says(MALLORY, command)
    w.presses(MALLORY, f"claim:{ticket}", in_group=True)
    w.presses(MALLORY, f"outcome:{ticket}:advice")
    await w.telegram.wait_for(2, "answerCallbackQuery")
    await asyncio.sleep(0.3)
    assert w.to(MALLORY).count("Cette commande est réservée aux bénévoles de la ligne.") == 4
    assert all("réservée aux bénévoles" in a for a in w.alerts())
    assert w.handoffs()[0].status == "queued"
    # a user pressing another person's hand-off buttons only touches their own (empty) request
    w.presses(BOB, "handoff:cancel")
    await w.until(BOB, "pas de demande en cours")
    assert w.handoffs()[0].status == "queued"


async def test_block_closes_the_chat_and_refuses_new_requests(world: World) -> None:
    w = world
    ticket = await claimed_by_claire(w)
    w.says(CLAIRE, "/bloquer")
    await w.until(CLAIRE, f"Pourquoi bloquer #{ticket}")
    choose = w.sent_to(CLAIRE, "Pourquoi bloquer")[-1]["reply_markup"]["inline_keyboard"]
    assert [b[0]["text"] for b in choose][0] == "Spam ou messages automatiques (7 j)"
    w.presses(CLAIRE, f"block:{ticket}:abuse")
    assert "(30 jours)" in await w.until(CLAIRE, f"#{ticket} est bloquée jusqu'au")
    w.says(ALICE, "je veux parler à quelqu'un")
    assert "112" in await w.until(ALICE, "Je ne peux pas te mettre en relation")
    assert [r.status for r in w.handoffs()] == ["closed"]
    engine = make_engine(f"sqlite:///{w.db}")
    with session_factory(engine)() as session:
        blocked = session.scalars(
            select(AuditEvent).where(AuditEvent.event_type == "pseudonym_blocked")
        ).one()
        assert blocked.details["reason"] == "abuse" and blocked.details["ticket"] == ticket
    engine.dispose()


async def test_oubli_during_a_handoff_tells_the_volunteer_and_deletes_the_bots_messages(world: World) -> None:
    w = world
    ticket = await claimed_by_claire(w)
    w.says(ALICE, "/urgence")
    await w.until(ALICE, "3114")
    sent_to_alice = len(w.to(ALICE))
    w.says(ALICE, "/oubli")
    await w.until(CLAIRE, f"#{ticket} : la personne a effacé la conversation")
    await w.until(ALICE, "j'ai effacé tout ce que je gardais")
    deleted = w.telegram.sent("deleteMessages")
    assert deleted and len(deleted[0]["message_ids"]) == sent_to_alice
    assert w.engine.forgotten and str(ALICE["id"]) not in w.engine.forgotten[0]
    assert w.handoffs() == []


async def test_volunteers_never_see_who_the_user_is_and_users_never_see_the_volunteer(world: World) -> None:
    w = world
    await claimed_by_claire(w)
    w.says(ALICE, "c'est un mec de ma classe")
    await w.until(CLAIRE, "c'est un mec de ma classe")
    w.says(CLAIRE, "D'accord.")
    await w.until(ALICE, "💬 D'accord.")
    volunteers_saw = " ".join(
        str(p)
        for p in w.telegram.sent() + w.telegram.sent("editMessageText")
        if int(p["chat_id"]) in (GROUP, CLAIRE["id"], DAVID["id"])
    )
    for secret in (str(ALICE["id"]), ALICE["first_name"], ALICE["last_name"], ALICE["username"]):
        assert secret not in volunteers_saw, secret
    user_saw = " ".join(str(p) for p in w.telegram.sent() if int(p["chat_id"]) == ALICE["id"])
    for secret in (str(CLAIRE["id"]), CLAIRE["first_name"], CLAIRE["last_name"], CLAIRE["username"]):
        assert secret not in user_saw, secret
    stored = sqlite_bytes(w.db)
    for secret in (
        str(ALICE["id"]),
        str(CLAIRE["id"]),
        "Claire",
        "ines_m_14",
        "mec de ma classe",
        "D'accord",
    ):
        assert secret.encode() not in stored, secret


def test_staffed_hours_follow_the_helpline_time_zone() -> None:
    settings = Settings.from_env(
        {"PSEUDONYM_KEY": "k" * 48, "HELPLINE_HOURS": "mon-fri 14:00-22:00"}, Path("/nonexistent")
    )
    monday_noon_utc = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # 13:00 in Paris: closed
    assert not settings.helpline_hours.is_open(monday_noon_utc)
    assert settings.helpline_hours.is_open(monday_noon_utc + timedelta(hours=1, minutes=30))
    assert not settings.helpline_hours.is_open(datetime(2026, 11, 22, 15, 0, tzinfo=UTC))  # Sunday

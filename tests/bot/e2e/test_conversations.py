"""Whole conversations through the real PTB Application, the real Rasa and action servers, and a fake Bot API.

Expected texts are read from responses/*.yml with the helplines of the user's country filled in,
so a test fails when the user would read something else than what the content team wrote.
The tests run in file order: the engine-killed conversation stops the module's engine, so it
comes last, and the privacy scan then reads what every conversation left behind.
"""

from __future__ import annotations

import json
import re

import pytest

from bot.responses import filled, text_of
from tests.bot.e2e.conftest import BOT_TOKEN, USER, Engine, Reply, World, reply_of

SEXTORTION = "un mec menace d'envoyer mes photos à mes potes si je lui donne pas 200 euros"
CRISIS = "jveux plus etre la"
PARENT_GROOMING = "ma fille de 13 ans reçoit des messages d'un adulte qui lui demande des photos"
ASKING_NUMBERS = "tu peux me donner des numéros utiles ?"
STEP_MENU = ["Étape suivante", "J'ai une question", "Parler à quelqu'un", "Numéros utiles"]
# Words the user wrote that must never reach the database or a log (with the chat ids and USER's names).
PRIVATE_WORDS = [
    "200 euros",
    "mes potes",
    CRISIS,
    "ma fille de 13 ans",
    "demande des photos",
    "tu peux me donner",
]
TUTOIEMENT = re.compile(r"\b(tu|te|toi|ton|ta|tes|t')\b", re.IGNORECASE)
VOUVOIEMENT = re.compile(r"\b(vous|votre|vos)\b", re.IGNORECASE)


def fr(key: str) -> str:
    return filled(key, "FR")


def starts_with(reply: Reply, text: str) -> bool:
    """``text`` is the first part of this message: what the person reads before anything else."""
    return reply.text == text or reply.text.startswith(text + "\n\n")


def in_order(replies: list[Reply], *texts: str) -> list[Reply]:
    """For each text, the message holding it as a part, in this order. One message may hold several of
    them (the adapter joins a turn's texts, a blank line apart); other parts may come between."""
    found, index, offset = [], 0, 0
    for text in texts:
        while index < len(replies):
            whole = replies[index].text
            start = next(
                (k for k in _occurrences(whole, text, offset) if _at_part_boundary(whole, k, len(text))), None
            )
            if start is not None:
                found.append(replies[index])
                offset = start + len(text)
                break
            index, offset = index + 1, 0
        assert index < len(replies), f"{text!r} not found in order in {[r.text for r in replies]}"
    return found


def _occurrences(whole: str, text: str, offset: int) -> list[int]:
    starts, k = [], whole.find(text, offset)
    while k >= 0:
        starts.append(k)
        k = whole.find(text, k + 1)
    return starts


def _at_part_boundary(whole: str, start: int, length: int) -> bool:
    end = start + length
    return (start == 0 or whole[:start].endswith("\n\n")) and (
        end == len(whole) or whole[end:].startswith("\n\n")
    )


def never_advises_paying(text: str) -> bool:
    """Every "paie" of a reply is a "ne paie pas"."""
    lowered = text.lower()
    return lowered.count("paie") == lowered.count("ne paie pas")


async def sextortion_steps(world: World) -> tuple[list[Reply], Reply]:
    """The teenager's first message, then the age question answered: every reply, and step 1's menu."""
    first = await world.say(SEXTORTION)
    ack, ask = in_order(first, fr("utter_sextortion_ack"), fr("utter_general_ask_minor"))
    assert starts_with(first[0], fr("utter_sextortion_ack"))  # the acknowledgement before anything else
    assert list(ask.buttons) == ["Moins de 18 ans", "18 ans ou plus", "Je préfère ne pas dire"]
    second = await world.press(ask, "Moins de 18 ans")
    step_1, menu = in_order(second, fr("utter_sextortion_victim_1"), fr("utter_general_step_menu"))
    assert starts_with(second[0], fr("utter_sextortion_victim_1")) and list(menu.buttons) == STEP_MENU
    return first + second, menu


async def test_a_teenager_facing_sextortion_is_told_not_to_pay_then_guided_step_by_step(world: World) -> None:
    replies, _menu = await sextortion_steps(world)
    ack, ask, step_1, menu = in_order(
        replies,
        fr("utter_sextortion_ack"),
        fr("utter_general_ask_minor"),
        fr("utter_sextortion_victim_1"),
        fr("utter_general_step_menu"),
    )
    assert "ne paie pas" in ack.text and ask.text.startswith("Une seule question")
    assert all(len(token.encode()) <= 64 for token in ask.buttons.values())  # Telegram's callback_data limit
    assert (
        step_1.text.startswith("Ne paie pas") and "Payer ou obéir ne l'arrête presque jamais" in step_1.text
    )

    more = await world.press(menu, "Étape suivante")
    step_2, menu = in_order(more, fr("utter_sextortion_victim_2"), fr("utter_general_step_menu"))
    assert starts_with(more[0], fr("utter_sextortion_victim_2")) and "Ne fais aucune capture" in step_2.text
    assert list(menu.buttons) == STEP_MENU
    assert all(never_advises_paying(reply.text) for reply in replies + more)

    # The engine saw the message and the buttons' payloads, from the pseudonym only.
    assert await world.engine_user_texts() == [SEXTORTION, '/set_minor{"minor": true}', "/next_step"]
    assert str(world.chat_id) not in world.pseudonym


async def test_a_crisis_mid_steps_gets_the_emergency_contacts_first_then_the_steps_resume(
    world: World,
) -> None:
    _replies, menu = await sextortion_steps(world)
    step_2, menu = in_order(
        await world.press(menu, "Étape suivante"),
        fr("utter_sextortion_victim_2"),
        fr("utter_general_step_menu"),
    )

    replies = await world.say(CRISIS)
    contacts, offer = in_order(replies, fr("utter_general_crisis"), fr("utter_general_crisis_offer"))
    assert starts_with(replies[0], fr("utter_general_crisis"))  # the emergency contacts before anything else
    assert "3114" in contacts.text and "112" in contacts.text and "119" in contacts.text
    assert list(offer.buttons) == ["Parler à quelqu'un", "Reprendre les étapes", "Numéros utiles"]
    assert not any(fr("utter_sextortion_victim_2") in reply.text for reply in replies)  # the steps wait

    resumed = await world.press(offer, "Reprendre les étapes")
    step, menu = in_order(
        resumed, fr("utter_sextortion_victim_2"), fr("utter_general_step_menu")
    )  # where the user was
    assert starts_with(resumed[0], fr("utter_sextortion_victim_2")) and list(menu.buttons) == STEP_MENU


async def test_a_parent_is_answered_with_vous_about_grooming(world: World) -> None:
    replies = await world.say(PARENT_GROOMING)  # "13 ans": the age is known, not asked
    expected = (
        fr("utter_grooming_ack_parent"),
        fr("utter_grooming_parent_1"),
        fr("utter_general_step_menu_parent"),
    )
    ack, step_1, menu = in_order(replies, *expected)
    assert starts_with(replies[0], fr("utter_grooming_ack_parent")) and "votre enfant" in ack.text.lower()
    for reply in (ack, step_1):
        assert VOUVOIEMENT.search(reply.text) and not TUTOIEMENT.search(reply.text), reply.text
    assert "prévenez la police" in step_1.text and list(menu.buttons) == STEP_MENU
    assert not any(fr("utter_general_ask_minor") in reply.text for reply in replies)


async def test_start_urgence_media_and_edits(world: World) -> None:
    [welcome] = await world.say("/start")
    assert welcome.text.startswith(fr("utter_general_welcome"))  # then the country, offered in one tap
    assert "Tu restes anonyme" in welcome.text and "ni ton nom ni ton numéro" in welcome.text
    assert "Belgique" in welcome.buttons and "dans quel pays" in welcome.text

    [contacts] = await world.say("/urgence")
    assert (
        contacts.text.startswith(fr("utter_general_crisis"))
        and "3114" in contacts.text
        and "112" in contacts.text
    )
    assert "le 911 au Canada" in contacts.text  # the country is not known yet

    photo = world.text_update("x")
    del photo["message"]["text"]
    photo["message"]["photo"] = [{"file_id": "f1", "file_unique_id": "u1", "width": 9, "height": 9}]
    [refusal] = await world.push(photo)
    assert refusal.text == fr("utter_adapter_media") and "Take It Down" in refusal.text
    assert not world.telegram.sent("getFile")  # the photo is never downloaded

    first = world.text_update("merci")
    [thanks] = await world.push(first)
    assert thanks.text == fr("utter_general_thanks")
    edit = world.text_update("merci, il veut 200 euros", edited=True)
    edit["edited_message"]["message_id"] = first["message"]["message_id"]
    [notice] = await world.push(edit)
    assert notice.text == text_of("utter_adapter_edited")

    # /urgence, the photo and the edit never reached the engine: the edit was not a new turn.
    assert await world.engine_user_texts() == ["/greet", "merci"]


async def test_belgium_gets_belgian_numbers(world: World) -> None:
    [question] = await world.say("/pays")
    assert question.text == text_of("utter_adapter_choose_country")
    assert list(question.buttons) == [
        "France",
        "Belgique",
        "Suisse",
        "Luxembourg",
        "Canada (Québec)",
        "Autre pays",
    ]
    [noted] = await world.press(question, "Belgique")
    assert noted.text == filled("utter_adapter_country_set", "BE") and "101" in noted.text

    [numbers] = await world.say(ASKING_NUMBERS)  # the listing, then who is open now, in one message
    listing, separator, open_now = numbers.text.partition("\n\nOuverts maintenant :")
    assert listing.startswith("Numéros utiles :") and separator
    for number in ("112", "101", "0800 32 123", "103", "116 000", "107"):
        assert number in listing, number
    for french in ("3114", "3018", "119", "Allô Enfance"):
        assert french not in numbers.text, french
    assert "(112)" in open_now

    [contacts] = await world.say("/urgence")
    assert contacts.text == filled("utter_general_crisis", "BE") and "3114" not in contacts.text

    replies = await world.say(CRISIS)  # through the engine, which gets the country in the message's metadata
    assert starts_with(replies[0], filled("utter_general_crisis", "BE"))
    assert "0800 32 123" in replies[0].text and "101" in replies[0].text


# ---- Bugs found by this suite, reported to the adapter's owner. Strict: fixing one turns its test red
# ---- until the marker is removed, so the suite keeps the fix.


async def test_a_crisis_typed_after_a_command_still_gets_the_contacts_first(world: World) -> None:
    replies = await world.say(f"/aide {CRISIS}")
    assert "3114" in replies[0].text and "112" in replies[0].text


async def test_a_throttled_crisis_reply_reads_as_written(world: World) -> None:
    for n in range(8):  # the throttle lets 8 messages through in its window
        world.telegram.push(world.text_update(f"bla bla {n}"))
    world.telegram.push(world.text_update(CRISIS))
    marker = "Ta sécurité passe avant tout"
    sent = await world.telegram.wait_for(9, timeout_s=20)
    while not any(marker in params["text"] for params in sent):
        sent = await world.telegram.wait_for(len(sent) + 1, timeout_s=20)
    crisis = next(reply_of(params) for params in sent if marker in params["text"])
    assert starts_with(crisis, fr("utter_general_crisis"))  # shown: "Tu n&#x27;es pas seul·e"


async def test_a_message_starting_with_a_slash_is_not_written_to_the_engine_logs(
    world: World, engine: Engine
) -> None:
    # Telegram marks "/word" as a command, but not "/ word": that text goes to the engine as a message.
    mark = engine.log_mark()
    update = world.text_update("/ Zorglub a mes photos")
    del update["message"]["entities"]
    await world.push(update)
    assert "Zorglub" not in engine.server_logs(since=mark)


# ---- The engine killed mid-conversation: this stops the module's engine, so it stays last.


async def test_engine_killed_mid_conversation_a_crisis_still_gets_the_contacts_first(
    world: World, engine: Engine
) -> None:
    replies = await world.say(SEXTORTION)
    ack, ask = in_order(replies, fr("utter_sextortion_ack"), fr("utter_general_ask_minor"))
    engine.stop()
    assert all(process.poll() is not None for process in engine.processes)

    replies = await world.say(CRISIS)
    contacts, degraded = in_order(replies, fr("utter_general_crisis"), fr("utter_general_degraded"))
    assert (
        starts_with(replies[0], fr("utter_general_crisis"))
        and "3114" in contacts.text
        and "112" in contacts.text
    )

    replies = await world.press(ask, "Moins de 18 ans")  # a button of the engine's last reply
    assert replies[0].text == fr("utter_general_degraded") and "112" in replies[0].text
    replies = await world.say("tu es encore là ?")
    assert replies[0].text == fr("utter_general_degraded")
    assert not any(
        fr("utter_general_crisis") in reply.text for reply in replies
    )  # no crisis, no crisis reply


def test_privacy_scan_of_the_databases_and_logs_after_the_conversations(engine: Engine) -> None:
    if len(engine.databases) < 5:
        pytest.skip("the scan reads what the conversations of this file left: run the whole file")
    stored = b"".join(
        path.read_bytes()
        for db in engine.databases
        for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-journal"))
        if path.exists()
    )
    bot_logs = "\n".join(engine.collector.lines)
    server_logs = engine.server_logs()
    # The scan is not vacuous: it reads the adapter's events and the servers' logs since their start.
    assert stored and "pseudonym=" in bot_logs
    assert "Rasa server is up and running" in server_logs and "action_triage_message" in server_logs

    secrets = [str(chat_id) for chat_id in engine.chat_ids] + [
        USER["first_name"],
        USER["last_name"],
        USER["username"],
    ]
    secrets += [*PRIVATE_WORDS, BOT_TOKEN]
    for secret in secrets:
        for form in {secret, json.dumps(secret)[1:-1]}:  # as written, and as a JSON log would escape it
            assert form.encode() not in stored, f"{form!r} in a database"
            assert form not in bot_logs, f"{form!r} in the bot's logs"
            assert form not in server_logs, f"{form!r} in var/log/"
    for chat_id in engine.chat_ids:  # an integer column would store the id in binary
        for size in (6, 8):
            assert chat_id.to_bytes(size, "big") not in stored, chat_id

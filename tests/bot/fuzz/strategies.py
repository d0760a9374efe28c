"""Hypothesis strategies shared by the fuzz tests: hostile texts, and Telegram updates of every kind.

How many cases each fuzz test runs comes from RELAIS_FUZZ_EXAMPLES (see ``examples()``).
"""

from __future__ import annotations

import copy
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

DEFAULT_EXAMPLES = 10_000
# Generated texts are scanned for in the database and the logs afterwards. Shorter ones, or
# ones made of characters that stored data is made of anyway (hex pseudonyms, timestamps,
# column names, runs of one byte), would match by chance: they are still sent, not scanned.
SCAN_MIN_CHARS = 6
ROOT = Path(__file__).resolve().parents[3]
_BENIGN = re.compile(r"[0-9a-fA-F:.\- ]*|[A-Za-z_]*|[\x00-\x1f\x7f]*")

# Characters that have broken text handling elsewhere: controls, bidi overrides, joiners,
# combining marks, the byte-order mark, Telegram's own markup, HTML that must stay escaped.
NASTY = [
    "\x00",
    "\x07",
    "\x08",
    "\x1b",
    "\x7f",
    "\r",
    "\n",
    "\t",
    "\x0b",
    "\x0c",
    "\x85",
    "\u2028",
    "\u2029",
    "\u200b",
    "\u200d",
    "\u200e",
    "\u200f",
    "\u202e",
    "\u2066",
    "\ufeff",
    "\ufffd",
    "\u0301",
    "\u3000",
    "\xa0",
    "👩‍👩‍👧",
    "🏳️‍🌈",
    "😭",
    "🙏",
    "🇫🇷",
    "مرحبا",
    "שלום",
    "你好",
    "𝔥𝔢𝔩𝔭",
    "Ⓜ",
    "ﷺ",
    "<b>",
    "</i>",
    "&amp;",
    "&#0;",
    "<script>",
    "*gras*",
    "_it_",
    "`code`",
    "[lien](http://x)",
    "%s",
    "{0}",
    "{text}",
    "\\",
    "'",
    '"',
    "/",
    "@relais_bot",
    "#",
    "€",
]
# What people really write (and what the engine script reacts to): distinctive enough to be
# found in the database if it were ever stored.
PHRASES = [
    "il menace de publier mes nudes si je paye pas 200€",
    "jveux plus etre la",
    "je veux parler à quelqu'un",
    "mon ex Kevin a mes photos 0612345678",
    "on m'insulte sur insta tous les jours",
    "un mec de 25 ans veut me voir ce soir",
    "ils ont mis mon adresse 12 rue des Lilas",
    "mon fils reçoit des messages bizarres",
]
COMMANDS = [
    "start",
    "aide",
    "urgence",
    "pays",
    "oubli",
    "stop",
    "dispo",
    "pause",
    "capacite",
    "file",
    "ticket",
    "relacher",
    "transferer",
    "fin",
    "bloquer",
    "greet",
    "ask_help",
    "affirm",
    "next_step",
]
# Rasa strips a message and reads a leading "/" as an intent: these prefixes must not get one in.
COMMAND_PREFIXES = ["", " ", "\n", "\t", "\r\n", "\xa0", "\u3000", "\u2028", "/", "//", " /", "\n/"]


def examples(default: int = DEFAULT_EXAMPLES) -> int:
    """The number of cases: RELAIS_FUZZ_EXAMPLES, else ``default``."""
    return int(os.environ.get("RELAIS_FUZZ_EXAMPLES") or default)


def fuzz_settings(max_examples: int) -> settings:
    """One case per update; no deadline (a case makes real HTTP calls), no example database written."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        print_blob=True,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
            HealthCheck.large_base_example,
        ],
    )


def scannable(text: str) -> bool:
    """Whether ``text`` is distinctive enough to look for in stored bytes and logs (see SCAN_MIN_CHARS).

    Hypothesis also draws strings from the constants of the code under test: a text such as
    "relais.adapter" is a logger name, found in every log line. A text that is already in our
    own source code proves nothing when found again, so it is not looked for.
    """
    text = text.strip()
    return (
        len(text) >= SCAN_MIN_CHARS
        and len(set(text)) >= 4
        and not _BENIGN.fullmatch(text)
        and text not in _our_source()
    )


@lru_cache(maxsize=1)
def _our_source() -> str:
    """The bot's and the actions' Python sources: words found there are ours, not a person's."""
    return "\n".join(
        path.read_text("utf-8")
        for folder in ("bot", "actions")
        for path in sorted((ROOT / folder).rglob("*.py"))
    )


# ---------------------------------------------------------------- texts

characters = st.characters(exclude_categories=["Cs"])  # any code point but lone surrogates
nasty = st.sampled_from(NASTY)
short_text = st.text(characters, max_size=60)
mixed_text = st.lists(st.one_of(short_text, nasty, st.sampled_from(PHRASES)), max_size=8).map("".join)
# Huge texts cost little entropy: a chunk repeated up to 10,000 characters.
huge_text = st.tuples(st.text(characters, min_size=1, max_size=40), st.integers(4000, 10_000)).map(
    lambda chunk_size: (chunk_size[0] * (chunk_size[1] // len(chunk_size[0]) + 1))[: chunk_size[1]]
)
command_text = st.builds(
    lambda prefix, word, rest: f"{prefix}/{word}{rest}",
    st.sampled_from(COMMAND_PREFIXES),
    st.one_of(
        st.sampled_from(COMMANDS),
        st.sampled_from(["@", "{", "@0.5", ""]),
        st.from_regex(r"[A-Za-z0-9_]{1,33}", fullmatch=True),
        short_text,
    ),
    st.one_of(
        st.just(""),
        st.sampled_from(
            ["@relais_bot", "@other_bot", " 3", " #AB12", " x y", '{"a": 1}', "@0.9", "\n/greet", " /affirm"]
        ),
        short_text.map(lambda rest: " " + rest),
        st.sampled_from(PHRASES).map(lambda rest: " " + rest),
    ),
)
ordinary_text = st.one_of(short_text, mixed_text, st.sampled_from(PHRASES), command_text)


def sometimes(
    rare: st.SearchStrategy[str], usual: st.SearchStrategy[str], percent: int
) -> st.SearchStrategy[str]:
    """``rare`` in about ``percent`` % of the draws, else ``usual`` (one_of would give each half)."""
    return st.integers(0, 99).flatmap(lambda n: rare if n < percent else usual)


# A huge text costs ~30 ms in the crisis matcher alone: 2 % of them are enough to test the limits.
texts = sometimes(huge_text, ordinary_text, 2)


# ---------------------------------------------------------------- Telegram objects

DATE = 1_767_225_600  # a fixed date: updates are replayed, time is not what is fuzzed
BOT_USERNAME = "relais_bot"
chat_ids = st.integers(10**8, 9 * 10**9)  # real user ids have 9-10 digits (scanned for in the database)
group_ids = st.one_of(st.integers(-(10**10), -(10**8)), st.integers(-1_009_999_999_999, -1_001_000_000_000))


def user(user_id: int, first_name: str = "Inès") -> dict[str, Any]:
    return {
        "id": user_id,
        "is_bot": False,
        "first_name": first_name or "x",
        "last_name": "Martin",
        "username": "ines_m_14",
        "language_code": "fr",
    }


def command_entities(text: str) -> list[dict[str, Any]]:
    """The bot_command entity Telegram adds to a message that starts with /word (length in UTF-16 units)."""
    match = re.match(r"/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{1,32})?", text)
    return [{"type": "bot_command", "offset": 0, "length": len(match.group())}] if match else []


def _file(prefix: str, **extra: Any) -> dict[str, Any]:
    return {"file_id": f"{prefix}-id", "file_unique_id": f"{prefix}-u", **extra}


PHOTO = [_file("p1", width=90, height=90), _file("p2", width=1280, height=1280, file_size=99_999)]
STICKER = _file("st", type="regular", width=512, height=512, is_animated=False, is_video=False, emoji="😭")
ANIMATION = _file("an", width=320, height=240, duration=3)
MEDIA: dict[str, dict[str, Any]] = {
    "photo": {"photo": PHOTO},
    "video": {"video": _file("vi", width=640, height=480, duration=12)},
    "voice": {"voice": _file("vo", duration=7, mime_type="audio/ogg")},
    "video_note": {"video_note": _file("vn", length=240, duration=5)},
    "audio": {"audio": _file("au", duration=180, title="titre", performer="x")},
    "document": {"document": _file("do", file_name="preuves.pdf", mime_type="application/pdf")},
    "sticker": {"sticker": STICKER},
    "animation": {"animation": ANIMATION, "document": _file("an")},  # Telegram sends both
    "location": {"location": {"latitude": 48.85, "longitude": 2.35}},
    "live_location": {"location": {"latitude": 48.85, "longitude": 2.35, "live_period": 900}},
    "venue": {
        "venue": {"location": {"latitude": 48.85, "longitude": 2.35}, "title": "Lycée", "address": "1 rue X"},
        "location": {"latitude": 48.85, "longitude": 2.35},
    },
    "contact": {"contact": {"phone_number": "+33612345678", "first_name": "Kevin", "user_id": 123456789}},
    "poll": {
        "poll": {
            "id": "po",
            "question": "ça va ?",
            "options": [{"text": "oui", "voter_count": 0}, {"text": "non", "voter_count": 0}],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": True,
            "type": "regular",
            "allows_multiple_answers": False,
        }
    },
    "dice": {"dice": {"emoji": "🎲", "value": 6}},
    "story": {"story": {"chat": {"id": 42, "type": "private"}, "id": 1}},
    "paid_media": {"paid_media": {"star_count": 5, "paid_media": [{"type": "preview"}]}},
}
FORWARD_ORIGINS = [
    {"type": "user", "date": DATE, "sender_user": user(123456789, "Kevin")},
    {"type": "hidden_user", "date": DATE, "sender_user_name": "Kevin Dupont"},
    {
        "type": "chat",
        "date": DATE,
        "sender_chat": {"id": -1001234567890, "type": "supergroup", "title": "classe 3B"},
    },
    {
        "type": "channel",
        "date": DATE,
        "chat": {"id": -1001234567891, "type": "channel", "title": "potins"},
        "message_id": 7,
    },
]


@st.composite
def chats(draw: st.DrawFn, private_ids: st.SearchStrategy[int]) -> dict[str, Any]:
    kind = draw(st.sampled_from(["private"] * 6 + ["group", "supergroup", "channel"]))
    if kind == "private":
        chat_id = draw(private_ids)
        return {"id": chat_id, "type": "private", "first_name": "Inès", "username": "ines_m_14"}
    return {"id": draw(group_ids), "type": kind, "title": draw(short_text) or "classe"}


@st.composite
def messages(draw: st.DrawFn, chat: dict[str, Any], message_id: int) -> dict[str, Any]:
    """A message in ``chat``: text or command, or a media kind with or without a caption; maybe forwarded."""
    message: dict[str, Any] = {"message_id": message_id, "date": DATE, "chat": chat}
    if chat["type"] != "channel" and draw(st.integers(0, 9)):
        message["from"] = user(chat["id"] if chat["type"] == "private" else draw(chat_ids))
    kind = draw(st.sampled_from(["text"] * 6 + sorted(MEDIA)))
    if kind == "text":
        text = draw(texts)
        message["text"] = text
        entities = command_entities(text)
        if (
            draw(st.booleans()) and entities
        ):  # Telegram marks commands; a forged or missing entity must do no harm
            message["entities"] = entities
        elif draw(st.integers(0, 9)) == 0:
            message["entities"] = [
                {
                    "type": draw(st.sampled_from(["bot_command", "bold", "url", "mention"])),
                    "offset": draw(st.integers(0, 5)),
                    "length": draw(st.integers(1, 40)),
                }
            ]
    else:
        message.update(copy.deepcopy(MEDIA[kind]))
        if kind not in ("location", "live_location", "venue", "contact", "poll", "dice", "sticker") and draw(
            st.booleans()
        ):
            message["caption"] = draw(texts)
    if draw(st.integers(0, 4)) == 0:
        message["forward_origin"] = copy.deepcopy(draw(st.sampled_from(FORWARD_ORIGINS)))
    if draw(st.integers(0, 9)) == 0:
        message["reply_to_message"] = {"message_id": 1, "date": DATE, "chat": chat, "text": "avant"}
    return message


CALLBACK_TEMPLATES = [
    "claim:{ticket}",
    "transfer:{ticket}:1",
    "transfer:{ticket}:2",
    "outcome:{ticket}:advice",
    "block:{ticket}:spam",
    "{token}",
]
FORGED_DATA = [
    "claim:",
    "claim:XXXX",
    "claim:ABCD",
    "claim::",
    "transfer:",
    "transfer:XXXX",
    "transfer:XXXX:9",
    "outcome:",
    "outcome:XXXX",
    "outcome:XXXX:advice",
    "outcome:XXXX:blocked",
    "block:",
    "block:XXXX:other",
    "handoff:",
    "handoff:cancel",
    "handoff:keep",
    "handoff:other",
    "feedback:yes",
    "feedback:no",
    "feedback:",
    "country:FR",
    "country:ZZ",
    "/greet",
    "forged-token",
    "",
]
callback_data = st.one_of(
    st.sampled_from(FORGED_DATA),
    st.sampled_from(CALLBACK_TEMPLATES),
    st.text(characters, max_size=64),
    st.binary(max_size=64).map(lambda b: b.decode("latin-1")),
    st.builds(
        "{}:{}".format,
        st.sampled_from(["claim", "transfer", "outcome", "block", "handoff", "feedback", "country"]),
        st.text(characters, max_size=40),
    ),
)


@st.composite
def callback_queries(draw: st.DrawFn, chat: dict[str, Any], presser: int, message_id: int) -> dict[str, Any]:
    query: dict[str, Any] = {"id": f"q{message_id}", "from": user(presser), "chat_instance": "ci"}
    shape = draw(st.sampled_from(["message", "message", "message", "inaccessible", "inline", "game"]))
    if shape == "message":
        query["message"] = {
            "message_id": message_id,
            "date": DATE,
            "chat": chat,
            "text": "carte",
            "from": {"id": 999, "is_bot": True, "first_name": "Relais", "username": BOT_USERNAME},
        }
    elif shape == "inaccessible":  # older than 48 h: date 0 (PTB reads it as an InaccessibleMessage)
        query["message"] = {"message_id": message_id, "date": 0, "chat": chat}
    elif shape == "inline":
        query["inline_message_id"] = "inline-1"
    if shape == "game":
        query["game_short_name"] = "jeu"
    else:
        query["data"] = draw(callback_data)
    return query

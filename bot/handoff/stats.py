"""The coordinators' figures (/stats) and the wait a person is told, from the audit events alone.

The audit holds labels and ids, never text (bot/storage/repository.record_event): which request was
made at what urgency, when it was claimed and by which volunteer (a pseudonym), whether it was
cancelled before, and the person's one-tap survey answers. /oubli erases a person's events, so an
erased conversation no longer counts; retention (RETENTION_DAYS) bounds how far back figures go.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.handoff.cards import Render
from bot.storage.handoffs import aware
from bot.storage.models import AuditEvent
from core.labels import URGENCIES

# The events the figures read (what bot/handoff/service.py and the adapter record).
READ = (
    "handoff_requested",
    "handoff_raised",
    "handoff_claimed",
    "handoff_transferred",
    "handoff_cancelled",
    "handoff_feedback",
    "handoff_survey",
)
# The person's survey after /fin: did it help (the first, older question), would they come back.
SURVEY_QUESTIONS = ("useful", "return")
# A wait estimate needs a few past claims of that urgency: below this, the person is told none.
MIN_SAMPLES = 3


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (``share`` in 0..1) of a non-empty list: p50 is the median."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class Request:
    ticket: str
    urgency: str
    at: datetime
    claimed_at: datetime | None = None
    cancelled_before_claim: bool = False


@dataclass
class Figures:
    """What /stats shows for one period."""

    requests: Counter[str] = field(default_factory=Counter)  # by urgency (the highest before its claim)
    waits_s: dict[str, list[float]] = field(default_factory=dict)  # time to first claim, by urgency
    abandoned: int = 0  # cancelled by the person before any volunteer claimed it
    chats: Counter[str] = field(default_factory=Counter)  # claims and transfers received, by volunteer
    survey: dict[str, Counter[str]] = field(default_factory=dict)  # question -> yes/no counts

    @property
    def total(self) -> int:
        return sum(self.requests.values())


def _events(session: Session, since: datetime) -> Sequence[AuditEvent]:
    stored = since.astimezone(UTC).replace(tzinfo=None)  # the column holds UTC without a zone
    query = (
        select(AuditEvent)
        .where(AuditEvent.event_type.in_(READ), AuditEvent.at >= stored)
        .order_by(AuditEvent.id)
    )
    return session.scalars(query).all()


def figures(session: Session, since: datetime, staffed: Callable[[datetime], bool] | None = None) -> Figures:
    """Requests made since ``since`` (only those made while ``staffed`` says the team was on duty,
    if given), and what became of them; volunteers' chats and survey answers given in the period."""
    events = _events(session, since)
    requests: dict[str, Request] = {}
    out = Figures()
    rank = {u: i for i, u in enumerate(URGENCIES)}  # low … critical
    for event in events:
        details, at = event.details, event.at
        ticket = str(details.get("ticket", ""))
        request = requests.get(ticket)
        if event.event_type == "handoff_requested":
            requests[ticket] = Request(ticket, str(details.get("urgency", "low")), at)
        elif event.event_type == "handoff_raised" and request is not None and request.claimed_at is None:
            # Raised while waiting: it waited as that urgency. Raised later (a crisis during the
            # relay), it is still counted as it waited: the claim's delay is judged by what was known.
            raised = str(details.get("urgency", "low"))
            if rank.get(raised, 0) > rank.get(request.urgency, 0):
                request.urgency = raised
        elif event.event_type == "handoff_claimed":
            out.chats[str(details.get("volunteer", ""))] += 1
            if request is not None and request.claimed_at is None:
                request.claimed_at = at
        elif event.event_type == "handoff_transferred":
            out.chats[str(details.get("to", ""))] += 1
        elif event.event_type == "handoff_cancelled" and request is not None and request.claimed_at is None:
            request.cancelled_before_claim = True
        elif event.event_type == "handoff_feedback":
            out.survey.setdefault("useful", Counter())[str(details.get("useful"))] += 1
        elif event.event_type == "handoff_survey":
            question = str(details.get("question", ""))
            out.survey.setdefault(question, Counter())[str(details.get("answer"))] += 1
    for request in requests.values():
        if staffed is not None and not staffed(aware(request.at)):
            continue
        out.requests[request.urgency] += 1
        out.abandoned += request.cancelled_before_claim
        if request.claimed_at is not None:
            wait = (request.claimed_at - request.at).total_seconds()
            out.waits_s.setdefault(request.urgency, []).append(wait)
    return out


def usual_wait_s(
    session: Session, urgency: str, now: datetime, staffed: Callable[[datetime], bool]
) -> float | None:
    """The median time to claim of this urgency over the last 7 days, for requests made while the
    team was on duty (a night request claimed in the morning says nothing of the wait now); None
    with too few claims: what a person waiting is told, rather than a promise nobody measured."""
    waits = figures(session, now - timedelta(days=7), staffed).waits_s.get(urgency, [])
    return percentile(waits, 0.5) if len(waits) >= MIN_SAMPLES else None


def duration(seconds: float) -> str:
    """'45 s', '3 min 05', '2 h 05'."""
    whole = int(round(seconds))
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d}"
    return f"{whole // 3600} h {whole % 3600 // 60:02d}"


def report(render: Render, title: str, figures: Figures, volunteer_number: Callable[[str], int]) -> str:
    """One period of /stats, in the words of responses/handoff.yml."""
    order = list(reversed(URGENCIES))  # critical first
    by_urgency = " · ".join(
        f"{render(f'utter_volunteer_urgency_icon_{u}')} {figures.requests[u]}"
        for u in order
        if figures.requests[u]
    )
    waits = [
        render(
            "utter_stats_wait_line",
            urgency=render(f"utter_volunteer_urgency_{u}"),
            median=duration(percentile(figures.waits_s[u], 0.5)),
            slowest=duration(percentile(figures.waits_s[u], 0.9)),
            n=len(figures.waits_s[u]),
        )
        for u in order
        if figures.waits_s.get(u)
    ]
    share = round(100 * figures.abandoned / figures.total) if figures.total else 0
    chats = " · ".join(
        render("utter_stats_chats_item", number=volunteer_number(v), count=n)
        for v, n in sorted(figures.chats.items(), key=lambda item: volunteer_number(item[0]))
    )
    survey = " ; ".join(
        render(
            f"utter_stats_survey_{question}",
            agreed=answers.get("yes", 0),
            declined=answers.get("no", 0),
        )
        for question, answers in sorted(figures.survey.items())
        if question in SURVEY_QUESTIONS
    )
    none = render("utter_stats_none")
    return render(
        "utter_stats_period",
        title=title,
        total=figures.total,
        by_urgency=f"({by_urgency})" if by_urgency else "",
        waits="\n".join(waits) or none,
        abandoned=figures.abandoned,
        share=share,
        chats=chats or none,
        survey=survey or none,
    )

"""Fictional co-design demonstration for the configured council: last year's cycle, closed and adopted (group
meetings, a consultation answered online, on paper and at events, decisions and the version they made), and this
year's consultation, open for responses."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from codesign import services
from codesign.models import SUPPORT_LABELS, Consultation, Proposal, ResponseChannel
from codesign.services.adoption import make_version
from codesign.services.consultation import Reply, ShowOfSupport
from core import timesource
from core.charters import published_charter
from core.extensions import db
from core.models import Role, StaffUser
from core.standards import Standard
from reviews.cycles import ReviewYear, review_year_holding
from reviews.models import Review
from surveys.models import Answer

SEED = 20261203
#: Comments residents might leave, by how they feel about a proposal (fictional).
COMMENTS = {
    5: ["Yes, this is long overdue.", "Good idea, I often wait too long.", "Great, please do this."],
    4: ["Sounds sensible.", "Fine by me if staff can manage it."],
    3: ["Not sure it will make much difference.", ""],
    2: ["I would rather you kept the old promise.", "This feels like lowering the bar."],
    1: ["No. The current standard is better for residents.", "Please do not do this."],
}
MEMBERS = [("Maureen Ellis", "resident"), ("Tom Aldous", "resident"), ("Grace Bell", "resident"),
           ("Sam Okafor", "resident"), ("Jo Pike", "staff"), ("Dev Rao", "staff")]


@contextmanager
def _on(day: date) -> Iterator[None]:
    """Act as if today were `day`, then put the date back as it was."""
    before = timesource._fixed_today
    timesource.set_today(day)
    try:
        yield
    finally:
        timesource.set_today(before)


def _review_for(year: ReviewYear) -> Review:
    review = db.session.scalar(select(Review).where(Review.council_slug == year.council_slug,
                                                    Review.starts_on == year.starts_on))
    if review is None:
        review = Review(council_slug=year.council_slug, title=year.title, starts_on=year.starts_on,
                        ends_on=year.ends_on)
        db.session.add(review)
        db.session.commit()
    return review


def _commitment_code(charter, words: str, fallback: int) -> str:
    """A commitment of the loaded charter whose wording has `words`, or the one at position `fallback`."""
    found = next((c for c in charter.commitments if words in c.wording.lower()), None)
    return (found or charter.commitments[min(fallback, len(charter.commitments) - 1)]).code


def _last_years_proposals(review: Review, charter, officer: StaffUser) -> list[Proposal]:
    phone = _commitment_code(charter, "answer your call", 0)
    promise = _commitment_code(charter, "do what we say", 1)
    messaging = _commitment_code(charter, "call messaging", 2)
    sorry = _commitment_code(charter, "say sorry", 3)
    return [
        services.save_proposal(review, kind="retargeted", commitment_code=phone,
                               proposed_text="We aim to answer your call within 2 minutes.",
                               proposed_standards=[Standard("answer", 120, "seconds", 0.9)],
                               reason="Callers told the group that two and a half minutes feels too long, and we met "
                                      "two minutes in most months last year.", evidence_codes=[phone],
                               author="group", by=officer),
        services.save_proposal(review, kind="reworded", commitment_code=promise,
                               proposed_text="We will do what we say we will do, and tell you straight away if we "
                                             "cannot.", proposed_standards=None,
                               reason="Complaints often said we had not told people about a delay.",
                               evidence_codes=[promise], evidence_notes="Theme in complaints: not kept informed",
                               author="group", by=officer),
        services.save_proposal(review, kind="retired", commitment_code=messaging, proposed_text=None,
                               proposed_standards=None,
                               reason="This is how we run the phone line, not a promise residents can hold us to.",
                               by=officer),
        services.save_proposal(review, kind="new", commitment_code="NN-CHAT", channel="web_chat",
                               proposed_text="We will answer your web chat within 2 minutes.",
                               proposed_standards=[Standard("connect_chat", 2, "minutes", 0.8)],
                               reason="Web chat started last year and has no promise yet.", by=officer),
        services.save_proposal(review, kind="reworded", commitment_code=sorry,
                               proposed_text="We will say sorry and put it right within 10 working days if we make a "
                                             "mistake.", proposed_standards=None,
                               reason="Residents asked how long putting things right would take.", by=officer),
    ]


def _reply(rng: random.Random, proposals: list[Proposal], leaning: list[float], consultation: Consultation) -> Reply:
    """One fictional response: a view on most proposals (leaning is each proposal's chance of support), sometimes a
    comment, and the equality questions answered about half the time."""
    given: dict[int, object] = {}
    for proposal, chance in zip(proposals, leaning, strict=True):
        if rng.random() < 0.15:
            continue
        scale = rng.choice([4, 5]) if rng.random() < chance else rng.choice([1, 2, 3])
        given[proposal.scale_question_id] = SUPPORT_LABELS[5 - scale]
        if rng.random() < 0.35:
            given[proposal.comment_question_id] = rng.choice(COMMENTS[scale])
    if rng.random() < 0.5:
        for question in consultation.survey.sections[-1].questions:  # the equality questions, "About you"
            given[question.id] = rng.choice(question.options[:-1])
    return Reply(given)


def _closed_cycle(council: str, charter, officer: StaffUser, rng: random.Random, day: date) -> Consultation:
    review = _review_for(review_year_holding(council, day).previous())
    opens, closes = day - timedelta(days=180), day - timedelta(days=150)
    with _on(opens - timedelta(days=60)):
        for name, kind in MEMBERS:
            services.add_member(review, name=name, kind=kind, by=officer)
        services.add_meeting(review, held_on=opens - timedelta(days=90), attendance=6, notes="Read a year of "
                             "complaints and survey comments; chose five changes to look at.", by=officer)
        services.add_meeting(review, held_on=opens - timedelta(days=60), attendance=5,
                             notes="Agreed the wording of the proposals.", by=officer)
        proposals = _last_years_proposals(review, charter, officer)
        consultation = services.save_consultation(
            review, title="Our customer promises: have your say", opens_on=opens, closes_on=closes,
            summary="We are reviewing the promises in our customer charter with a group of residents and staff. We "
                    "propose five changes. Tell us what you think of each one.",
            easy_read="We make promises about how we treat you.\nWe want to change some promises.\nTell us if you "
                      "agree.", by=officer)
        services.publish_consultation(consultation, by=officer)
    leaning = [0.8, 0.7, 0.55, 0.85, 0.3]
    for n in range(24):
        with _on(opens + timedelta(days=n % 30)):
            services.respond(consultation, _reply(rng, proposals, leaning, consultation),
                             channel=ResponseChannel.ONLINE, browser_key=f"demo-online-{n}")
    with _on(closes + timedelta(days=3)):
        for n in range(6):
            services.respond(consultation, _reply(rng, proposals, leaning, consultation),
                             channel=ResponseChannel.PAPER, received_on=closes - timedelta(days=n), by=officer)
        events = [("workshop", opens + timedelta(days=6), "Cromer library", 18,
                   [(12, 3, 3), (10, 4, 4), (7, 5, 6), (14, 1, 3), (4, 9, 5)]),
                  ("panel", opens + timedelta(days=20), "Residents' panel, council offices", 11,
                   [(8, 2, 1), (6, 3, 2), (5, 3, 3), (9, 1, 1), (3, 6, 2)])]
        for kind, held_on, place, attendance, shows in events:
            services.record_event(consultation, kind=kind, held_on=held_on, place=place, attendance=attendance,
                                  support={p.id: ShowOfSupport(*show, "Most agreed; some asked about evenings"
                                                               if i == 0 else None)
                                           for i, (p, show) in enumerate(zip(proposals, shows, strict=True))},
                                  by=officer)
    with _on(closes + timedelta(days=14)):
        for proposal in proposals[:2]:  # a comment quoted as representative of what was said
            quote = db.session.scalar(select(Answer).where(Answer.question_id == proposal.comment_question_id,
                                                           Answer.text != "").order_by(Answer.id))
            if quote is not None:
                services.choose_highlight(proposal, quote, by=officer)
        reasons = [("adopt", None, "Most people supported answering calls faster, so we have made it our promise."),
                   ("amend", "We will do what we say we will do, and tell you within 1 working day if we cannot.",
                    "You supported this and asked us to say how soon we would tell you, so we added a timescale."),
                   ("adopt", None, "Most people agreed this is about how we run the phones, so it is no longer a "
                                   "promise."),
                   ("adopt", None, "Web chat users strongly supported a promise, so we have added one."),
                   ("reject", None, "Most people felt a fixed time would not suit every mistake. We will keep the "
                                    "current promise and report how long putting things right takes.")]
        for proposal, (decision, text, reason) in zip(proposals, reasons, strict=True):
            services.decide(proposal, decision=decision, text=text, reason=reason, by=officer)
        services.adopt_decisions(consultation, effective_from=closes + timedelta(days=30), by=officer)
    with _on(closes + timedelta(days=30)):  # what `flask codesign publish` does on the day
        make_version(consultation, by=officer)
    return consultation


def _open_cycle(council: str, charter, officer: StaffUser, rng: random.Random, day: date) -> Consultation:
    review = _review_for(review_year_holding(council, day))
    opens, closes = day - timedelta(days=10), day + timedelta(days=25)
    reply = _commitment_code(charter, "respond to your online form", 4)
    with _on(opens - timedelta(days=20)):
        services.add_member(review, name="Maureen Ellis", kind="resident", by=officer)
        services.add_member(review, name="Jo Pike", kind="staff", by=officer)
        services.add_meeting(review, held_on=opens - timedelta(days=25), attendance=7,
                             notes="Looked at email reply times.", by=officer)
        proposals = [
            services.save_proposal(review, kind="retargeted", commitment_code=reply, proposed_text=None,
                                   proposed_standards=[Standard("reply", 3, "working_days", 0.9, "working-days:3")],
                                   reason="We now reply to most emails within 3 working days.",
                                   evidence_codes=[reply], author="group", by=officer),
            services.save_proposal(review, kind="new", commitment_code="NN-TEXT", channel="any",
                                   proposed_text="We will text you when your request is complete, if you ask us to.",
                                   proposed_standards=None, reason="Residents asked to know when a job is done.",
                                   by=officer),
        ]
        consultation = services.save_consultation(
            review, title="Faster replies and text updates: have your say", opens_on=opens, closes_on=closes,
            summary="We propose two changes to our customer charter: a faster reply to emails and online forms, and a "
                    "new promise to text you when your request is done.",
            easy_read="We want to answer your emails faster.\nWe want to text you when a job is done.\nTell us what "
                      "you think.", by=officer)
        services.publish_consultation(consultation, by=officer)
    for n in range(6):
        with _on(opens + timedelta(days=n)):
            services.respond(consultation, _reply(rng, proposals, [0.8, 0.7], consultation),
                             channel=ResponseChannel.ONLINE, browser_key=f"demo-open-{n}")
    return consultation


def load_demo_codesign() -> str:
    """Last year's co-design cycle, closed and adopted, and this year's consultation, open; nothing the second time."""
    council = current_app.config["CHARTERLINE_COUNCIL"]
    charter = published_charter(council)
    officer = db.session.scalar(select(StaffUser).where(StaffUser.role == Role.POLICY_OFFICER).order_by(StaffUser.id))
    if charter is None or officer is None:
        return "no published charter or policy officer to work with"
    if db.session.scalar(select(Consultation.id).join(Review).where(Review.council_slug == council)) is not None:
        return "already loaded"
    day = timesource.today()
    rng = random.Random(SEED)
    closed = _closed_cycle(council, charter, officer, rng, day)
    _open_cycle(council, published_charter(council), officer, rng, day)
    return (f"last year's consultation adopted as version {closed.adopted_charter.version}; "
            "this year's open for responses")

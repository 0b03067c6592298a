"""Fictional demonstration surveys: phone, email, visit and complaint closure, with a year of answers."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import insert, select

from core.charters import published_charter
from core.contacts import ContactRecord, ContactSource, contact_commitment
from core.demo import history_start
from core.equality import EQUALITY_QUESTIONS
from core.extensions import db
from core.models import Commitment, ServiceArea
from core.sentiment.scoring import score as sentiment_score
from core.timesource import today
from surveys.equality import EQUALITY_HINT, EQUALITY_SECTION
from surveys.models import (
    TP09_LABELS,
    TP09_TEXT,
    Answer,
    Invitation,
    InvitationRule,
    Question,
    QuestionType,
    Response,
    Section,
    Survey,
    SurveyState,
)
from surveys.services import new_token

#: Fixed seed: the same day's demo data is the same every time.
SEED = 20261120


@dataclass(frozen=True)
class DemoQuestion:
    type: str
    text: str
    section: int = 1
    #: (channels, keywords) used to find the commitment in whichever charter is loaded.
    tag: tuple[tuple[str, ...], tuple[str, ...]] | None = None
    options: tuple[str, ...] = ()
    required: bool = True
    #: (index of an earlier question, answer) that makes this one show.
    condition: tuple[int, str] | None = None
    tsm_code: str | None = None
    equality_key: str | None = None


def _equality_questions(section: int) -> tuple[DemoQuestion, ...]:
    """The optional equality questions, as the survey builder adds them."""
    return tuple(DemoQuestion(QuestionType.SINGLE, text, section=section, options=tuple(label for _v, label in options),
                              required=False, equality_key=key) for key, (text, options) in EQUALITY_QUESTIONS.items())


@dataclass(frozen=True)
class DemoSurvey:
    slug: str
    title: str
    description: str
    channel: str
    trigger: str
    #: Responses in an average month, and the share of invitations answered.
    monthly: int
    response_rate: float
    sections: tuple[str, ...]
    questions: tuple[DemoQuestion, ...]


ANY = ("any",)
SURVEYS = [
    DemoSurvey(
        "how-did-we-do-on-the-phone", "How did we do on the phone?",
        "You called us recently. These questions take about two minutes.", "phone", "contact", 130, 0.28,
        ("Your call", "Anything else"),
        (
            DemoQuestion(QuestionType.GOOD_AVERAGE_POOR, "How would you rate the service you got on the phone?",
                         tag=(ANY, ("respect", "courte", "friendl"))),
            DemoQuestion(QuestionType.YES_NO, "Did the person you spoke to give their name?",
                         tag=(("phone",), ("name", "identif"))),
            DemoQuestion(QuestionType.YES_NO, "Did we sort out what you called about?",
                         tag=(("phone",), ("first point", "resolve"))),
            DemoQuestion(QuestionType.RATING, "How satisfied are you with how long it took to get through?",
                         tag=(("phone",), ("answer", "minute", "second"))),
            DemoQuestion(QuestionType.TEXT, "What could we have done better?", section=2, required=False,
                         condition=(2, "no")),
            DemoQuestion(QuestionType.NPS, "How likely are you to recommend calling us to someone who needs help?",
                         section=2),
        ),
    ),
    DemoSurvey(
        "how-did-we-do-by-email", "How did we do by email?",
        "You emailed us recently. Tell us how our reply was.", "email", "contact", 90, 0.22,
        ("Our reply", EQUALITY_SECTION),
        (
            DemoQuestion(QuestionType.GOOD_AVERAGE_POOR, "How would you rate our reply?",
                         tag=(("email", "web_form", "letter"), ("respond", "reply"))),
            DemoQuestion(QuestionType.YES_NO, "Did our reply answer your question?",
                         tag=(ANY, ("do what we say", "complete", "deal with"))),
            DemoQuestion(QuestionType.RATING, "How easy was our reply to understand?",
                         options=("Very difficult", "Difficult", "Neither easy nor difficult", "Easy", "Very easy"),
                         tag=(ANY, ("plain", "clear"))),
            DemoQuestion(QuestionType.TEXT, "Is there anything else you want to tell us?", required=False),
            *_equality_questions(section=2),
        ),
    ),
    DemoSurvey(
        "how-did-we-do-at-our-offices", "How did we do at our offices?",
        "You visited us. Tell us about your visit.", "visit", "contact", 60, 0.0,
        ("Your visit",),
        (
            DemoQuestion(QuestionType.GOOD_AVERAGE_POOR, "How were you greeted when you arrived?",
                         tag=(("visit",), ("greet", "welcom"))),
            DemoQuestion(QuestionType.YES_NO, "Were you seen on time?", tag=(("visit",), ("on time", "appointment"))),
            DemoQuestion(QuestionType.RATING, "How satisfied are you with the building: safe, clean and easy to use?",
                         tag=(("visit",), ("building", "clean", "access"))),
            DemoQuestion(QuestionType.MULTIPLE, "What did you come in for?", required=False,
                         options=("Paying a bill", "Housing", "Benefits", "Parking permit", "Something else")),
            DemoQuestion(QuestionType.TEXT, "Anything else you want to tell us?", required=False),
        ),
    ),
    DemoSurvey(
        "how-did-we-handle-your-complaint", "How did we handle your complaint?",
        "We have closed your complaint. Your answers help us handle complaints better.", "any", "complaint_closed",
        35, 0.34,
        ("How we handled it", "Anything else"),
        (
            DemoQuestion(QuestionType.RATING, "How satisfied are you with how we handled your complaint?",
                         tag=(ANY, ("complaints procedure", "complaint"))),
            DemoQuestion(QuestionType.YES_NO, "Did we explain our decision clearly?",
                         tag=(ANY, ("explain", "plain", "clear"))),
            DemoQuestion(QuestionType.YES_NO, "Did we tell you what to do if you were still not satisfied?",
                         tag=(ANY, ("not satisfied", "what to do next"))),
            DemoQuestion(QuestionType.RATING, TP09_TEXT, options=tuple(TP09_LABELS),
                         tag=(ANY, ("complaints procedure", "complaint")), tsm_code="TP09"),
            DemoQuestion(QuestionType.TEXT, "What should we learn from your complaint?", section=2,
                         required=False),
        ),
    ),
]

GOOD_WORDS = ["Very helpful and polite, thank you.", "Quick and friendly service.", "Sorted out first time.",
              "The officer explained everything clearly.", "Much better than last time."]
POOR_WORDS = ["Nobody called me back as promised.", "I was passed around three departments.",
              "The wait was far too long.", "The letter was confusing and full of jargon.",
              "Staff were rude when I asked for help."]
NEUTRAL_WORDS = ["It was fine.", "Okay, nothing special.", "I got an answer eventually."]


def _pick(commitments: list[Commitment], channels: tuple[str, ...], keywords: tuple[str, ...]) -> Commitment | None:
    """The commitment a demo question is evidence for in whichever charter is loaded: the first keyword (in order
    of preference) found as a word in a commitment for the channel, else the channel's first commitment."""
    for keyword in keywords:
        pattern = re.compile(rf"\b{re.escape(keyword)}", re.IGNORECASE)
        found = next((c for c in commitments if c.channel in channels and pattern.search(c.wording)), None)
        if found is not None:
            return found
    return next((c for c in commitments if c.channel in channels), None)


def _build(spec: DemoSurvey, commitments: list[Commitment], landlord: str) -> Survey:
    survey = Survey(slug=spec.slug, version=1, title=spec.title, description=spec.description, state=SurveyState.LIVE,
                    live_at=datetime.combine(history_start(today()), datetime.min.time()))
    survey.sections = [Section(position=i, title=title,
                               description=EQUALITY_HINT if title == EQUALITY_SECTION else None)
                       for i, title in enumerate(spec.sections, start=1)]
    db.session.add(survey)
    db.session.flush()
    made: list[Question] = []
    for q in spec.questions:
        section = survey.sections[q.section - 1]
        tagged = _pick(commitments, *q.tag) if q.tag else None
        question = Question(survey_id=survey.id, position=len(section.questions) + 1, type=q.type,
                            text=q.text.format(landlord=landlord), required=q.required, options=list(q.options),
                            commitments=[tagged] if tagged else [], tsm_code=q.tsm_code, equality_key=q.equality_key)
        if q.condition:
            question.condition_question = made[q.condition[0]]
            question.condition_value = q.condition[1]
        section.questions.append(question)
        made.append(question)
    db.session.flush()
    return survey


def _months() -> list[date]:
    """Every month from the demo's history start to this one."""
    month, last = history_start(today()).replace(day=1), today().replace(day=1)
    months = []
    while month <= last:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def _value(question: Question, mood: float, rng: random.Random) -> object:
    """An answer leaning satisfied as `mood` rises (0-1)."""
    kind = question.type_enum
    roll = rng.random()
    if kind == QuestionType.GOOD_AVERAGE_POOR:
        return "good" if roll < mood else ("average" if roll < mood + (1 - mood) * 0.55 else "poor")
    if kind == QuestionType.RATING:
        return str(max(1, min(5, round(1 + 4 * mood + rng.gauss(0, 1.1)))))
    if kind == QuestionType.YES_NO:
        return "yes" if roll < mood + 0.05 else ("no" if roll < 0.96 else "not_sure")
    if kind == QuestionType.NPS:
        return str(max(0, min(10, round(10 * mood + rng.gauss(0, 2.2)))))
    if kind == QuestionType.MULTIPLE:
        return rng.sample(question.options, k=1 + (roll > 0.8))
    if kind == QuestionType.SINGLE:
        if question.equality_key and roll < 0.3:
            return None  # the equality questions are optional: some leave them
        return rng.choice(question.options)
    if roll > 0.35:
        return None  # most people leave the free-text box empty
    words = GOOD_WORDS if mood > 0.7 else (POOR_WORDS if mood < 0.45 else NEUTRAL_WORDS)
    return rng.choice(words)


class _Writer:
    """Rows collected per table and written with executemany, not one ORM object at a time."""

    def __init__(self) -> None:
        self.contacts: list[dict] = []
        self.links: list[dict] = []
        self.invitations: list[dict] = []
        self.responses: list[dict] = []
        self.answers: list[dict] = []

    def flush(self) -> None:
        for model, rows in ((ContactRecord, self.contacts), (Invitation, self.invitations),
                            (Response, self.responses), (Answer, self.answers)):
            if rows:
                db.session.execute(insert(model), rows)
        if self.links:
            db.session.execute(insert(contact_commitment), self.links)


def _next_ids(*models) -> list[int]:
    return [(db.session.scalar(select(db.func.max(m.id))) or 0) + 1 for m in models]


def _answers_for(survey: Survey, response_id: int, month: date, channel: str, regime: str | None, mood: float,
                 rng: random.Random) -> list[dict]:
    rows, given = [], {}
    for question in survey.all_questions:
        if question.tsm_code and regime != "ho":
            continue
        if question.condition_question_id and given.get(question.condition_question_id) != question.condition_value:
            continue
        value = _value(question, mood, rng)
        given[question.id] = value
        if value is None:
            continue
        base = {"response_id": response_id, "question_id": question.id, "survey_id": survey.id, "month": month,
                "channel": channel}
        if question.type_enum == QuestionType.TEXT:
            # Bulk inserts bypass the write-time hook, so the demo scores its texts itself, the same way.
            scored = sentiment_score(value)
            rows.append({**base, "text": value, "sentiment_label": scored.label, "sentiment_version": scored.version,
                         "sentiment_polarity": scored.polarity, "sentiment_subjectivity": scored.subjectivity})
            continue
        for part, choice in enumerate(value if isinstance(value, list) else [value]):
            score = question.score(choice)
            rows.append({**base, "part": part, "choice": choice, "number": score.number, "satisfied": score.satisfied,
                         "net": score.net, "nps": score.nps, "kept": score.kept})
    return rows


def _year_of_answers(pairs: list[tuple[DemoSurvey, Survey]], services: list[ServiceArea], rng: random.Random) -> int:
    writer = _Writer()
    contact_id, invitation_id, response_id = _next_ids(ContactRecord, Invitation, Response)
    months = _months()
    for spec, survey in pairs:
        tagged = sorted({c.id for q in survey.all_questions for c in q.commitments})
        for index, month in enumerate(months):
            # Satisfaction improves through the year, with a winter dip: something for the charts to show.
            mood = 0.55 + 0.02 * index - (0.08 if month.month in (12, 1) else 0)
            count = max(1, round(spec.monthly * rng.uniform(0.8, 1.2)))
            invited = round(count / spec.response_rate) if spec.response_rate else 0
            for n in range(max(count, invited)):
                day = datetime(month.year, month.month, rng.randint(1, 27), rng.randint(8, 17), rng.randint(0, 59))
                area = rng.choice(services) if services else None
                regime = area.regime if area is not None else None
                channel = spec.channel if spec.channel != "any" else rng.choice(["phone", "email", "letter"])
                link_invitation = None
                if invited:
                    writer.contacts.append({
                        "id": contact_id, "channel": channel, "occurred_at": day, "source":
                            ContactSource.COMPLAINT if spec.trigger == "complaint_closed" else ContactSource.FORM,
                        "service_area_id": area.id if area else None, "regime": regime,
                        "email": None, "phone": None})
                    writer.links += [{"contact_id": contact_id, "commitment_id": c} for c in tagged[:1]]
                    answered = n < count
                    sent = day + timedelta(hours=24)
                    writer.invitations.append({
                        "id": invitation_id, "survey_id": survey.id, "contact_id": contact_id, "status": "sent",
                        "token_hash": new_token()[1], "channel": channel, "sent_at": sent, "sent_month": month,
                        "service_area_id": area.id if area else None, "expires_at": sent + timedelta(days=28),
                        "used_at": sent + timedelta(hours=rng.randint(1, 72)) if answered else None})
                    link_invitation = invitation_id
                    contact_id += 1
                    invitation_id += 1
                    if not answered:
                        continue
                writer.responses.append({
                    "id": response_id, "survey_id": survey.id, "invitation_id": link_invitation,
                    "token_hash": new_token()[1], "via": "invitation" if link_invitation else "open",
                    "channel": channel, "service_area_id": area.id if area and link_invitation else None,
                    "regime": regime if link_invitation else None, "status": "submitted", "draft": {},
                    "started_at": day, "submitted_at": day + timedelta(minutes=3), "month": month})
                writer.answers += _answers_for(survey, response_id, month, channel,
                                               regime if link_invitation else None, mood + rng.uniform(-0.1, 0.1), rng)
                response_id += 1
    writer.flush()
    return len(writer.responses)


def _fix_sequences() -> None:
    """PostgreSQL: rows inserted with explicit ids leave the id sequences behind; move them on."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in ("contact_record", "survey_invitation", "survey_response", "survey_answer"):
        db.session.execute(db.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                   f"COALESCE((SELECT MAX(id) FROM {table}), 1))"))


def load_demo_surveys() -> str:
    """Four live surveys with invitation rules and a year of fictional answers; does nothing the second time."""
    if db.session.scalar(select(Survey).where(Survey.slug == SURVEYS[0].slug)) is not None:
        return "already loaded"
    charter = published_charter(current_app.config["CHARTERLINE_COUNCIL"])
    commitments = list(charter.commitments) if charter else []
    landlord = current_app.config["COUNCIL_NAME"]
    services = list(db.session.scalars(select(ServiceArea).order_by(ServiceArea.code)))
    rng = random.Random(SEED)
    pairs = []
    for spec in SURVEYS:
        survey = _build(spec, commitments, landlord)
        db.session.add(InvitationRule(survey_id=survey.id, trigger=spec.trigger,
                                      channel=spec.channel if spec.trigger == "contact" else None,
                                      delay_hours=0 if spec.trigger == "complaint_closed" else 24))
        pairs.append((spec, survey))
    responses = _year_of_answers(pairs, services, rng)
    _fix_sequences()
    db.session.commit()
    return f"{len(SURVEYS)} live surveys with {responses:,} responses over {len(_months())} months"


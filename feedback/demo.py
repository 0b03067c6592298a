"""A fictional year of residents' feedback for `flask demo load`: varied, realistic and the same every time."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, select

from core.config import review_year_of, review_year_start
from core.demo import history_start
from core.extensions import db
from core.models import AuditEvent, Channel, Role, ServiceArea, StaffUser
from core.timesource import today, uk_date
from feedback.acknowledgement import mark_acknowledged
from feedback.models import EqualityMonitoring, FeedbackItem, FeedbackKind, FeedbackMessage, FeedbackStatus
from feedback.quotes import choose_quote, suggested_text
from feedback.rules import EQUALITY_QUESTIONS, ContactDetails, Submission
from feedback.services import active_charter, reclassify, submit_feedback

#: How many items a year of demonstration feedback has.
DEMO_ITEMS = 720
SEED = 20260401

CHANNEL_WEIGHTS = [
    (Channel.WEB_FORM, 40), (Channel.EMAIL, 18), (Channel.PHONE, 20), (Channel.LETTER, 6), (Channel.VISIT, 5),
    (Channel.SOCIAL_MEDIA, 4), (Channel.WEB_CHAT, 4), (Channel.VOICEMAIL, 2), (Channel.HOME_VISIT, 1),
]
KIND_WEIGHTS = [(FeedbackKind.COMPLAINT, 38), (FeedbackKind.SERVICE_REQUEST, 27), (FeedbackKind.COMMENT, 18),
                (FeedbackKind.COMPLIMENT, 17)]

#: What goes wrong, service by service: (what happened, what they want).
PROBLEMS = {
    "waste-recycling": [
        ("My green bin was missed again on {day}. This is the third time since {month}.", "Collect it this week."),
        ("The crew left rubbish strewn across the pavement outside number {number} after emptying the bins.",
         "Clear it up and make sure it does not happen again."),
        ("I ordered a replacement recycling box {weeks} weeks ago and it still has not arrived.", "Deliver it."),
        ("The bulky waste collection I paid for did not happen and nobody told me why.", "A refund or a new date."),
    ],
    "housing-repairs": [
        ("Damp and mould in the back bedroom has come back since the repair in {month}. My son has asthma.",
         "A proper inspection and a lasting fix."),
        ("The boiler has broken down {times} times this winter and the engineer did not turn up on {day}.",
         "A new boiler and compensation for the days without heating."),
        ("I reported a leaking kitchen tap {weeks} weeks ago and was given three appointments that nobody kept.",
         "Fix the tap and tell me who is coming."),
        ("The communal front door lock has been broken for {weeks} weeks so anyone can walk in.", "Repair it now."),
    ],
    "tenancy": [
        ("My neighbour's noise has been reported many times and nobody from the council has called me back.",
         "Someone to take this seriously."),
        ("I asked to add my partner to the tenancy in {month} and have heard nothing since.", "A decision."),
    ],
    "council-tax": [
        ("I was sent a reminder for council tax I had already paid by direct debit on {day}.",
         "Correct my account and stop the reminders."),
        ("The single person discount was removed without any explanation.", "Put the discount back."),
        ("I waited {minutes} minutes on the phone to the council tax line and was then cut off.", "A call back."),
    ],
    "benefits": [
        ("My housing benefit claim has taken {weeks} weeks and I am now in rent arrears.", "A decision this week."),
        ("I sent the documents you asked for twice and was told both times they had not arrived.",
         "Confirm you have them."),
    ],
    "parking": [
        ("I was given a parking ticket while parked in a bay with a valid permit on display.", "Cancel the ticket."),
        ("The pay machine in the {place} car park has been out of order for {weeks} weeks.", "Repair the machine."),
    ],
    "planning": [
        ("Nobody replied to my objection to the application next door, and it was decided without it.",
         "An explanation of how my objection was considered."),
        ("The planning officer did not return my calls for {weeks} weeks.", "Someone to call me back."),
    ],
    "highways": [
        ("There is a deep pothole outside the school on {place} Road. A cyclist fell there on {day}.",
         "Fill it in before someone is badly hurt."),
        ("The street light outside number {number} has been out for {weeks} weeks.", "Repair it."),
        ("The pavement was dug up and left unsafe with no barriers.", "Make it safe."),
    ],
    "libraries": [
        ("The library opened late again on {day} and there was no notice on the door.", "Keep to the opening hours."),
        ("The public computers have been out of order for {weeks} weeks.", "Repair them."),
    ],
    "customer-services": [
        ("I was kept waiting {minutes} minutes at reception and the officer was dismissive when I asked why.",
         "An apology."),
        ("I emailed on {day} and did not get any reply, not even an acknowledgement.", "A reply."),
        ("The online form would not let me submit and lost everything I had typed.", "Fix the form."),
    ],
    "environmental-health": [
        ("I reported fly-tipping behind the shops on {place} Street {weeks} weeks ago and it is still there.",
         "Remove it."),
        ("Food waste from the takeaway next door attracts rats and nobody has inspected it.", "An inspection."),
    ],
    "estate-services": [
        ("The communal stairs have not been cleaned for {weeks} weeks.", "Clean them as the schedule says."),
        ("The grass on the estate has not been cut since {month}.", "Cut it."),
    ],
    "rents": [
        ("My rent statement shows a payment missing from {month}.", "Correct the statement."),
    ],
    "leasehold": [
        ("My service charge bill went up by a third with no breakdown of the costs.", "A full breakdown."),
    ],
    "housing-options": [
        ("I am about to be homeless and have been waiting {weeks} weeks for an assessment.", "Urgent help."),
    ],
}

COMPLIMENTS = [
    "I want to thank {staff} in {service} who went out of their way to help me on {day}.",
    "The {service} team sorted my problem in one phone call. Friendly and quick, thank you.",
    "Thank you to the crew who help my elderly mother with her bins every week. They are always cheerful.",
    "Excellent service from {staff} at the reception desk, who explained everything clearly and patiently.",
    "The repair was done on time, the engineer was polite and tidied up afterwards. Very impressed.",
]
COMMENTS = [
    "It would help if the {service} pages on the website said how long things usually take.",
    "Could {service} offer appointments in the evening for people who work during the day?",
    "Letters from {service} use a lot of jargon. Plain English would be easier for everyone.",
    "Please add more bins to the park near the {place} play area; they overflow every weekend.",
    "The new online account is good but I would like text message updates as well as emails.",
]

FIRST_NAMES = ["Amara", "Bilal", "Carys", "Deepak", "Eleanor", "Femi", "Gwen", "Hamza", "Isla", "Jonah", "Kezia",
               "Luca", "Maryam", "Niall", "Olu", "Priti", "Quentin", "Rosa", "Samir", "Tegan", "Uma", "Viktor",
               "Wendy", "Xander", "Yasmin", "Zofia"]
LAST_NAMES = ["Abbott", "Begum", "Castellano", "Dunmore", "Evans", "Fairlie", "Gallagher", "Hussain", "Iqbal",
              "Jenkins", "Kowalski", "Lindqvist", "Mensah", "Nakamura", "O'Hara", "Pellow", "Quarrie", "Rahman",
              "Sutherland", "Thorne", "Underhill", "Varga", "Whitlock", "Yeung", "Zielinski"]
STREETS = ["Meadow Lane", "Orchard Close", "Station Road", "Mill Street", "Church View", "Willow Crescent",
           "Harbour Walk", "Kingfisher Way"]
TOWNS = ["Ashby Wold", "Little Marden", "Fenbridge", "Coldharbour", "Eastwick Green"]
PLACES = ["Market", "Riverside", "Northgate", "Elm", "Victoria"]
STAFF_NAMES = ["Dev in the contact centre", "Janet at reception", "Mo, the duty officer", "Siobhan in housing"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]

STAFF_REPLIES = [
    "Thank you for telling us. We have passed this to the team and will update you within 5 working days.",
    "We have booked an engineer for next Tuesday between 8am and 1pm.",
    "We are sorry for the inconvenience. The collection has been rescheduled for tomorrow.",
]


def _weighted(rng: random.Random, pairs: list[tuple]) -> object:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights, k=1)[0]


def _fill(rng: random.Random, template: str, service: str) -> str:
    return template.format(
        day=f"{rng.choice(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'])}",
        month=rng.choice(MONTHS), number=rng.randint(2, 140), weeks=rng.randint(2, 9), times=rng.randint(2, 5),
        minutes=rng.choice([25, 35, 40, 55]), place=rng.choice(PLACES), staff=rng.choice(STAFF_NAMES),
        service=service.lower(),
    )


def _resident(rng: random.Random, kind: str) -> ContactDetails:
    if kind in {FeedbackKind.COMPLIMENT, FeedbackKind.COMMENT} and rng.random() < 0.35:
        return ContactDetails()
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    email = f"{first}.{last}".lower().replace("'", "") + f"{rng.randint(1, 99)}@example.com"
    has_email, has_address = rng.random() < 0.8, rng.random() < 0.6
    ways = ["phone"] + (["email"] if has_email else []) + (["letter"] if has_address else [])
    reply_by = "email" if has_email and rng.random() < 0.8 else rng.choice(ways)
    adjustments = []
    if rng.random() < 0.08:
        adjustments = [rng.choice(["large_print", "easy_read", "braille", "interpreter", "bsl"])]
    return ContactDetails(
        name=f"{first} {last}", email=email if has_email else None, phone=f"07700 900{rng.randint(100, 999)}",
        address=f"{rng.randint(1, 90)} {rng.choice(STREETS)}\n{rng.choice(TOWNS)}" if has_address else None,
        postcode=f"ZZ{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRSTU')}",
        reply_by=reply_by, adjustments=adjustments,
        language="Polish" if "interpreter" in adjustments else None,
    )


def _text_for(rng: random.Random, kind: str, area: ServiceArea) -> tuple[str, str | None]:
    if kind == FeedbackKind.COMPLIMENT:
        return _fill(rng, rng.choice(COMPLIMENTS), area.name), None
    if kind == FeedbackKind.COMMENT:
        return _fill(rng, rng.choice(COMMENTS), area.name), None
    problem, wanted = rng.choice(PROBLEMS.get(area.code, PROBLEMS["customer-services"]))
    return _fill(rng, problem, area.name), wanted


def _submission(rng: random.Random, kind: str, area: ServiceArea, commitments: list, channel: str) -> Submission:
    description, wanted = _text_for(rng, kind, area)
    # Promises about this way of contacting us, or about every way.
    relevant = [c for c in commitments if c.channel in {channel, Channel.ANY}]
    chosen = rng.sample(relevant, k=min(len(relevant), rng.choice([0, 1, 1, 2])))
    return Submission(kind=kind.value, description=description, service_area=area, commitments=chosen,
                      outcome_wanted=wanted, contact=_resident(rng, kind))


def _received_on(rng: random.Random, first_day):
    day = first_day + timedelta(days=rng.randrange(max(1, (today() - first_day).days + 1)))
    while day.weekday() >= 5 and rng.random() < 0.85:  # most contact comes on working days
        day += timedelta(days=1)
    return min(day, today())


def _settle(rng: random.Random, item: FeedbackItem, handlers: list[StaffUser]) -> None:
    """Give an item the history a year would have: acknowledged (sometimes late), worked on, closed."""
    item.received_at = datetime.combine(item.received_on, time(rng.randint(8, 18), rng.randint(0, 59)))
    for event in db.session.scalars(select(AuditEvent).where(AuditEvent.target_type == "feedback_item",
                                                             AuditEvent.target_id == item.id)):
        event.at = item.received_at
    age = (today() - item.received_on).days
    if item.acknowledged_at is None and item.resident is not None and age > 0:
        delay = rng.choices([0, 1, 2, 4, 7], weights=[55, 25, 10, 6, 4])[0]
        item.acknowledged_at = item.received_at + timedelta(days=min(delay, age))
        item.acknowledgement_met = uk_date(item.acknowledged_at) <= item.acknowledgement_due_on
        item.status = FeedbackStatus.ACKNOWLEDGED.value
    elif item.acknowledged_at is not None:
        item.acknowledged_at = item.received_at + timedelta(minutes=rng.randint(1, 20))
        item.acknowledgement_met = True
    if age > 40:
        item.status = rng.choices([FeedbackStatus.CLOSED, FeedbackStatus.RESOLVED, FeedbackStatus.WITHDRAWN],
                                  weights=[75, 20, 5])[0].value
    elif age > 10:
        item.status = rng.choice([FeedbackStatus.IN_PROGRESS, FeedbackStatus.RESOLVED]).value
    if item.status == FeedbackStatus.CLOSED:
        item.closed_at = item.received_at + timedelta(days=rng.randint(5, 30))
    if item.status == FeedbackStatus.WITHDRAWN:
        item.withdrawn_at = item.received_at + timedelta(days=rng.randint(1, 10))
    if item.kind in {FeedbackKind.COMPLAINT, FeedbackKind.SERVICE_REQUEST} and item.resident and rng.random() < 0.3:
        item.messages.append(FeedbackMessage(author="staff", staff_id=rng.choice(handlers).id,
                                             body=rng.choice(STAFF_REPLIES),
                                             created_at=item.received_at + timedelta(days=rng.randint(1, 6))))


def _equality_answers(rng: random.Random) -> dict[str, str]:
    return {name: rng.choice(options)[0] for name, (_question, options) in EQUALITY_QUESTIONS.items()
            if rng.random() < 0.85}


def _choose_quotes(officer: StaffUser) -> int:
    """Quote one item of each kind received in last review year, the year the demo's published pack covers: the
    first on a commitment, in the words the form offers (anonymised)."""
    month, day = review_year_start(current_app.config)
    starts = date(review_year_of(current_app.config, today()) - 1, month, day)
    ends = starts.replace(year=starts.year + 1) - timedelta(days=1)
    chosen = 0
    for kind in FeedbackKind:
        item = db.session.scalar(select(FeedbackItem).where(
            FeedbackItem.kind == kind.value, FeedbackItem.received_on.between(starts, ends),
            FeedbackItem.tagged.is_(True)).order_by(FeedbackItem.id).limit(1))
        if item is not None:
            choose_quote(item, suggested_text(item), by=officer)
            chosen += 1
    return chosen


def load_demo_feedback() -> str:
    """Add fictional feedback since the demo's history starts (core.demo.history_start), unless there is some."""
    existing = db.session.scalar(select(func.count()).select_from(FeedbackItem))
    if existing:
        return f"{existing} items already; nothing added."
    areas = db.session.scalars(select(ServiceArea).where(ServiceArea.active.is_(True)).order_by(ServiceArea.code)).all()
    handlers = db.session.scalars(select(StaffUser).where(StaffUser.role.in_(
        [Role.CASE_HANDLER, Role.COMPLAINTS_OFFICER]))).all()
    if not areas or not handlers:
        return "needs the demo staff and charters first; nothing added."
    charter = active_charter()
    commitments = list(charter.commitments) if charter else []
    rng = random.Random(SEED)
    first_day = history_start(today())
    for _ in range(DEMO_ITEMS):
        kind = _weighted(rng, KIND_WEIGHTS)
        channel = _weighted(rng, CHANNEL_WEIGHTS)
        submission = _submission(rng, kind, rng.choice(areas), commitments, channel)
        if rng.random() < 0.2:
            submission.equality = _equality_answers(rng)
        by = None if channel == Channel.WEB_FORM else rng.choice(handlers)
        sent = submit_feedback(submission, channel=channel.value, received_on=_received_on(rng, first_day),
                               by=by, acknowledge=False)
        if sent.problems:
            raise ValueError(f"demo feedback refused: {sent.problems}")
        item = sent.item
        if channel == Channel.WEB_FORM:
            mark_acknowledged(item)
        _settle(rng, item, handlers)
        if kind == FeedbackKind.COMPLAINT and rng.random() < 0.06:
            reclassify(item, FeedbackKind.SERVICE_REQUEST.value, by=rng.choice(handlers),
                       reason="This is the first time the problem has been reported, so we are putting it right "
                              "as a service request.")
    db.session.commit()
    monitoring = db.session.scalar(select(func.count()).select_from(EqualityMonitoring))
    officers = [user for user in handlers if user.role == Role.COMPLAINTS_OFFICER]
    quoted = _choose_quotes(officers[0]) if officers else 0
    return (f"{DEMO_ITEMS} items across {len(areas)} services since {first_day:%-d %B %Y}; "
            f"{monitoring} equality answers; {quoted} quoted for last year's review.")


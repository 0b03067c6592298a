"""`flask complaints remind`'s work: reminders before due dates, breach notices and restriction reviews."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select

from complaints import deadlines
from complaints.models import Complaint, Reminder, Restriction, running
from complaints.services.clocks import running_clock
from core.extensions import db
from core.models import Role, StaffUser
from core.outbox import queue_message


@dataclass
class ReminderReport:
    due_soon: int = 0
    breaches: int = 0
    reviews: int = 0


def _officer_addresses() -> list[str]:
    configured = current_app.config["CHARTERLINE_BREACH_NOTICE_TO"]
    if configured:
        return [address.strip() for address in configured.split(",") if address.strip()]
    return list(db.session.scalars(
        select(StaffUser.email).where(StaffUser.role == Role.COMPLAINTS_OFFICER, StaffUser.active.is_(True))
        .order_by(StaffUser.email)))


def _remind_once(key: str, to: list[str], subject: str, body: str, *, on: date, complaint: Complaint | None = None,
                 restriction: Restriction | None = None) -> bool:
    if db.session.scalar(select(Reminder.id).where(Reminder.key == key)) is not None or not to:
        return False
    messages = [queue_message(to=address, subject=subject, body=body, related=complaint or restriction)
                for address in to]
    db.session.flush()
    db.session.add(Reminder(key=key, complaint_id=complaint.id if complaint else None,
                            restriction_id=restriction.id if restriction else None, sent_on=on,
                            outbox_message_id=messages[0].id))
    return True


def _case_link(complaint: Complaint) -> str:
    return f"{current_app.config['CHARTERLINE_BASE_URL']}/complaints/{complaint.id}"


def send_reminders(on: date) -> ReminderReport:
    """Queue each reminder and breach notice once: a key per clock and due date records what was sent."""
    report = ReminderReport()
    horizon = deadlines.add_working_days(on, current_app.config["CHARTERLINE_COMPLAINT_REMINDER_DAYS"])
    officers = _officer_addresses()
    soon = select(Complaint).where(running(), Complaint.due_on >= on, Complaint.due_on <= horizon)
    for complaint in db.session.scalars(soon.order_by(Complaint.due_on, Complaint.id)):
        clock = running_clock(complaint)
        to = [complaint.handler.email] if complaint.handler else officers
        duty = "acknowledge" if clock.kind == deadlines.ACKNOWLEDGE else "respond to"
        body = (f"You need to {duty} complaint {complaint.reference} (stage {complaint.stage}) by "
                f"{deadlines.long_date(complaint.due_on)}.\n\n{_case_link(complaint)}\n")
        report.due_soon += _remind_once(f"due:{clock.id}:{complaint.due_on}", to,
                                        f"Complaint {complaint.reference} is due soon", body, on=on,
                                        complaint=complaint)
    late = select(Complaint).where(running(), Complaint.due_on < on)
    for complaint in db.session.scalars(late.order_by(Complaint.due_on, Complaint.id)):
        clock = running_clock(complaint)
        handler = complaint.handler.name if complaint.handler else "no handler assigned"
        body = (f"Complaint {complaint.reference} (stage {complaint.stage}, {handler}) was due on "
                f"{deadlines.long_date(complaint.due_on)} and is overdue.\n\n{_case_link(complaint)}\n")
        report.breaches += _remind_once(f"breach:{clock.id}:{complaint.due_on}", officers,
                                        f"Overdue: complaint {complaint.reference}", body, on=on, complaint=complaint)
    report.reviews = _review_reminders(on)
    db.session.commit()
    return report


def _review_reminders(on: date) -> int:
    horizon = deadlines.add_working_days(on, current_app.config["CHARTERLINE_RESTRICTION_REMINDER_DAYS"])
    sent = 0
    due = select(Restriction).where(Restriction.ended_on.is_(None), Restriction.review_on <= horizon)
    for restriction in db.session.scalars(due.order_by(Restriction.review_on, Restriction.id)):
        body = (f"The restriction on contact decided on {deadlines.long_date(restriction.decided_on)} is due for "
                f"review on {deadlines.long_date(restriction.review_on)}. It lapses then unless there are good "
                f"grounds to continue it.\n\n{current_app.config['CHARTERLINE_BASE_URL']}"
                f"/complaints/restrictions/{restriction.id}\n")
        to = [restriction.decided_by.email] if restriction.decided_by.active else _officer_addresses()
        sent += _remind_once(f"review:{restriction.id}:{restriction.review_on}", to,
                             "A restriction on contact is due for review", body, on=on, restriction=restriction)
    return sent

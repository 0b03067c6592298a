"""`flask complaints remind`: reminders before due dates, breach notices, restriction reviews; twice sends nothing."""

from datetime import date

from sqlalchemy import func, select

from complaints import services
from complaints.models import Reminder
from core.clocks.closures import add_closure
from core.extensions import db
from core.models import OutboxMessage, Role
from tests.complaints.conftest import acknowledge, send
from tests.helpers import make_complaint, make_staff


def _messages() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.subject.not_like("We have%"))
                                   .order_by(OutboxMessage.id)))


def test_handler_is_reminded_before_the_due_date_once(case, people):
    # Acknowledgement due Monday 9 March; two working days before is Thursday 5 March.
    assert services.send_reminders(date(2026, 3, 4)).due_soon == 0
    report = services.send_reminders(date(2026, 3, 5))
    assert (report.due_soon, report.breaches) == (1, 0)
    [message] = _messages()
    assert message.to_address == people["first"].email
    assert "by Monday 9 March 2026" in message.body and f"/complaints/{case.id}" in message.body
    assert services.send_reminders(date(2026, 3, 5)).due_soon == 0
    assert services.send_reminders(date(2026, 3, 6)).due_soon == 0  # still the same due date
    assert len(_messages()) == 1


def test_a_breach_notifies_every_complaints_officer_once(case, people):
    second_officer = make_staff(role=Role.COMPLAINTS_OFFICER)
    report = services.send_reminders(date(2026, 3, 10))
    assert report.breaches == 1
    assert sorted(m.to_address for m in _messages()) == sorted([people["officer"].email, second_officer.email])
    assert "was due on Monday 9 March 2026 and is overdue" in _messages()[0].body
    assert services.send_reminders(date(2026, 3, 11)).breaches == 0
    assert db.session.scalar(select(func.count()).select_from(Reminder)) == 1


def test_breach_notices_can_go_to_a_configured_address(case, app, monkeypatch):
    monkeypatch.setitem(app.config, "CHARTERLINE_BREACH_NOTICE_TO", "complaints-team@example.gov.uk")
    services.send_reminders(date(2026, 3, 10))
    assert [m.to_address for m in _messages()] == ["complaints-team@example.gov.uk"]


def test_a_new_due_date_gets_its_own_reminder(case, people):
    acknowledge(case, people["first"])  # response due Wednesday 18 March
    assert services.send_reminders(date(2026, 3, 16)).due_soon == 1
    on = date(2026, 3, 16)
    send(services.prepare_extension(case, days=5, reason="Survey", by=people["first"], on=on), people["first"], on)
    assert services.send_reminders(date(2026, 3, 16)).due_soon == 0
    assert services.send_reminders(date(2026, 3, 23)).due_soon == 1  # now due Wednesday 25 March


def test_unassigned_cases_remind_the_complaints_officer(people):
    make_complaint(received_on=date(2026, 3, 2))
    services.send_reminders(date(2026, 3, 5))
    assert [m.to_address for m in _messages()] == [people["officer"].email]


def test_due_dates_follow_a_new_closure_date_at_once(case, people):
    change = add_closure(day=date(2026, 3, 6), name="Office move", by=people["officer"])
    assert change.moved == 1 and case.due_on == date(2026, 3, 10)
    # The reminders read the moved date; they have nothing left to recompute.
    assert services.send_reminders(date(2026, 3, 6)).due_soon == 1


def test_restriction_review_reminder(case, people):
    acknowledge(case, people["first"])
    letter = services.prepare_restriction(case, reason="Abuse", restrictions="Writing only", service_area_id=None,
                                          channels_open=["Reporting repairs"], review_on=date(2026, 6, 1),
                                          by=people["officer"], on=date(2026, 3, 5))
    send(letter, people["officer"], date(2026, 3, 5))
    assert services.send_reminders(date(2026, 5, 1)).reviews == 0
    assert services.send_reminders(date(2026, 5, 19)).reviews == 1  # 10 working days before 1 June
    assert services.send_reminders(date(2026, 5, 20)).reviews == 0
    review = [m for m in _messages() if m.subject.startswith("A restriction")]
    assert review[0].to_address == people["officer"].email and "due for review on Monday 1 June 2026" in review[0].body


def test_remind_command(runner, case):
    result = runner.invoke(args=["complaints", "remind", "--date", "2026-03-05"])
    assert result.exit_code == 0, result.output
    assert "Queued 1 due-date reminders, 0 breach notices and 0 restriction review reminders for 2026-03-05" in \
        result.output
    again = runner.invoke(args=["complaints", "remind", "--date", "2026-03-05"])
    assert "Queued 0 due-date reminders" in again.output


def test_remind_command_refuses_a_bad_date(runner):
    result = runner.invoke(args=["complaints", "remind", "--date", "5 March"])
    assert result.exit_code == 2
    assert "Error: --date must be a date like 2026-03-31" in result.output
    assert "Traceback" not in result.output

"""The staff home's figures: what needs doing, per role, each figure a link to the list behind it.

Each figure is one COUNT in its own package's queries (served by an index); this module only chooses which a role
sees and where each one leads. An administrator sees every section.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app, url_for
from sqlalchemy import select

from complaints import queries as complaints_queries
from core import queries as core_queries
from core.extensions import db
from core.formatting import govuk_date, pluralise
from core.models import OutboxStatus, Role, StaffUser
from feedback import queries as feedback_queries
from reviews.models import Review, ReviewStage
from surveys import comments as survey_comments
from surveys import queries as survey_queries


@dataclass(frozen=True)
class Figure:
    """One figure on the staff home: what it counts, its value as shown, and the list behind it."""

    label: str
    value: str
    href: str
    #: A line under the figure saying what it means.
    hint: str | None = None
    #: Needs attention now (shown in red): overdue cases, breaches, failed messages.
    urgent: bool = False


@dataclass
class Section:
    heading: str
    figures: list[Figure] = field(default_factory=list)


def last_twelve_months(on: date) -> tuple[date, date]:
    """The 12 months up to and including ``on``: from the day after the same date a year before."""
    try:
        year_before = on.replace(year=on.year - 1)
    except ValueError:  # 29 February
        year_before = on.replace(year=on.year - 1, day=28)
    return year_before + timedelta(days=1), on


def sections_for(user: StaffUser, on: date, moment: datetime) -> list[Section]:
    """The sections ``user``'s role sees on ``on`` (``moment`` for the sign-in throttle's window)."""
    sections = []
    if user.has_role(Role.CASE_HANDLER, Role.COMPLAINTS_OFFICER):
        sections.append(my_cases(user, on))
    if user.has_role(Role.COMPLAINTS_OFFICER):
        sections.append(complaints(on))
    if user.has_role(Role.POLICY_OFFICER):
        sections.append(charter(on))
    if user.has_role(Role.ADMIN):
        sections.append(administration(on, moment))
    return sections


def _count(n: int) -> str:
    return f"{n:,}"


def my_cases(user: StaffUser, on: date) -> Section:
    due_soon, overdue = complaints_queries.my_cases_due(user.id, on)
    days = pluralise(complaints_queries.DUE_SOON_WORKING_DAYS, "working day")
    return Section("Your cases", [
        Figure("Overdue", _count(overdue), url_for("complaints.my_cases", due="overdue"),
               "Cases you handle whose deadline has passed", urgent=overdue > 0),
        Figure(f"Due in the next {days}", _count(due_soon), url_for("complaints.my_cases", due="due_soon"),
               f"Due today or within {days}"),
    ])


def complaints(on: date) -> Section:
    month, _ = complaints_queries.month_span(on)
    breaches = complaints_queries.breaches_in_month(month, on)
    return Section("Complaints", [
        Figure("Not assigned", _count(complaints_queries.unassigned_count()),
               url_for("complaints.dashboard", handler="none"), "Open cases with nobody handling the current stage"),
        Figure(f"Breaches in {on:%B}", _count(breaches),
               url_for("complaints.dashboard", state="all", breached=f"{month:%Y-%m}"),
               "Cases that missed a stage deadline due this month", urgent=breaches > 0),
        Figure("Restriction reviews due", _count(complaints_queries.restriction_reviews_due(on)),
               url_for("complaints.restrictions", review="due"), "Restrictions on contact to review soon"),
        Figure("Letters to print", _count(core_queries.outbox_count(OutboxStatus.TO_PRINT)),
               url_for("staff.outbox", status=OutboxStatus.TO_PRINT.value), "Letters waiting to be printed and posted"),
    ])


def tag_share(start: date, end: date):
    """Feedback, complaints and survey comments from ``start`` to ``end``, and how many are on a commitment."""
    return feedback_queries.tagged_share(start, end) + survey_comments.tagged_share(start, end)


def current_review(council_slug: str) -> Review | None:
    """The council's latest charter review."""
    return db.session.scalar(select(Review).where(Review.council_slug == council_slug)
                             .order_by(Review.starts_on.desc()).limit(1))


def charter(on: date) -> Section:
    start, end = last_twelve_months(on)
    share = tag_share(start, end)
    month, _ = complaints_queries.month_span(on)
    rate = survey_queries.response_rate(month)
    review = current_review(current_app.config["CHARTERLINE_COUNCIL"])
    queue = url_for("staff.untagged")
    return Section("Charter and review", [
        Figure("Items on no commitment", _count(share.untagged), queue,
               "Feedback, complaints and survey comments from the last 12 months", urgent=False),
        Figure("Items tagged to a commitment", "No items" if share.share is None else f"{share.share:.0%}", queue,
               f"{share.tagged:,} of {share.total:,} in the last 12 months"),
        Figure(f"Survey response rate in {on:%B}", "No invitations" if rate is None else f"{rate.value:.0%}",
               url_for("surveys.commitments", start=f"{month:%Y-%m}", end=f"{month:%Y-%m}"),
               None if rate is None else f"{rate.successes:,} of {rate.n:,} invitations answered"),
        Figure("Charter review", ReviewStage(review.stage).label if review else "None started",
               url_for("reviews.index"), f"{review.title}: stage {ReviewStage(review.stage).position + 1} of "
               f"{len(ReviewStage)}" if review else "No review of the charter has been opened"),
    ])


def administration(on: date, moment: datetime) -> Section:
    failed = core_queries.outbox_count(OutboxStatus.FAILED)
    held_back = len(core_queries.accounts_held_back(moment))
    closure = core_queries.next_closure(on)
    return Section("Administration", [
        Figure("Messages that failed", _count(failed), url_for("staff.outbox", status=OutboxStatus.FAILED.value),
               "Emails and letters the outbox gave up on", urgent=failed > 0),
        Figure("Accounts under attack", _count(held_back), url_for("staff.users", show="held-back"),
               "Accounts with so many wrong passwords that sign-in is slowed for the addresses trying",
               urgent=held_back > 0),
        Figure("Disabled accounts", _count(core_queries.disabled_accounts()), url_for("staff.users", show="disabled"),
               "Accounts that cannot sign in"),
        Figure("Next closure", govuk_date(closure.day) if closure else "None set", url_for("clocks.closures"),
               closure.name if closure else "No closure dates ahead"),
    ])

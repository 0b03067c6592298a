"""The co-design and equalities sections of the annual standards-review pack, from the review's co-design record
and its consultation's results (codesign.queries); added to the pack by ``init_app``."""

from __future__ import annotations

from sqlalchemy import select

from codesign.diff import charter_diff
from codesign.models import Consultation, DecisionKind, MemberKind, Proposal, ProposalKind, ResponseChannel
from codesign.queries import Support, consultation_results, group_of
from core.extensions import db
from reviews.models import Review
from reviews.pack.model import Cell, Column, Kind, Section, Table, empty_section
from surveys.stats import suppression_note

CODESIGN = "Co-design of the charter with residents"
EQUALITIES = "Equalities: who took part in the consultation"


def _review(review) -> Review | None:
    """The review row, whether the pack was asked for a ``Review`` or a review year."""
    if isinstance(review, Review):
        return review
    return db.session.scalar(select(Review).where(Review.council_slug == review.council_slug,
                                                  Review.starts_on == review.starts_on))


def _consultation(review: Review) -> Consultation | None:
    return db.session.scalar(select(Consultation).where(Consultation.review_id == review.id))


def _support_cells(support: Support) -> tuple[Cell, ...]:
    """Answered, supported and opposed shares with the support's interval; shares below the minimum left out."""
    share, against = support.support, support.opposition
    return (support.answered, share.value if share else None, share.low if share else None,
            share.high if share else None, against.value if against else None,
            suppression_note(support.minimum).capitalize() if support.suppressed else None)


def codesign_section(review, _evidence) -> Section:
    row = _review(review)
    proposals = list(db.session.scalars(select(Proposal).where(Proposal.review_id == row.id)
                                        .order_by(Proposal.number))) if row else []
    if row is None or not proposals:
        return empty_section("codesign", CODESIGN)
    group = group_of(row)
    consultation = _consultation(row)
    results = consultation_results(consultation) if consultation else None
    residents = sum(1 for m in group.members if m.kind == MemberKind.RESIDENT)
    taking_part = [
        ("Residents in the co-design group", residents),
        ("Council staff in the co-design group", len(group.members) - residents),
        ("Group meetings", len(group.meetings)),
        ("Attendance at group meetings", sum(m.attendance for m in group.meetings)),
    ]
    if results:
        taking_part += [("Consultation responses online", results.responses.get(ResponseChannel.ONLINE.value, 0)),
                        ("Consultation responses on paper", results.responses.get(ResponseChannel.PAPER.value, 0)),
                        ("Consultation events", results.events), ("Attendance at events", results.event_attendance)]
    tables = [Table("codesign-taking-part", "Who took part and how", (Column("How"), Column("People or events",
                                                                                            Kind.COUNT)),
                    tuple(taking_part))]
    by_proposal = {r.proposal.id: r for r in results.proposals} if results else {}
    rows = []
    for proposal in proposals:
        found = by_proposal.get(proposal.id)
        support = _support_cells(found.together) if found else (0, None, None, None, None, None)
        decision = DecisionKind(proposal.decision).label if proposal.decision else "Not decided yet"
        rows.append((proposal.number, proposal.commitment_code, ProposalKind(proposal.kind).label,
                     proposal.proposed_text or proposal.current_text, *support, decision))
    tables.append(Table("codesign-proposals", "Results and decisions for each proposal", (
        Column("Proposal", Kind.COUNT), Column("Commitment"), Column("Change proposed"), Column("Wording"),
        Column("Answered", Kind.COUNT), Column("Supported", Kind.SHARE), Column("Interval from", Kind.SHARE),
        Column("Interval to", Kind.SHARE), Column("Opposed", Kind.SHARE), Column("Note"), Column("Decision")),
        tuple(rows)))
    quotes = tuple((proposal.number, highlight.text) for proposal in proposals for highlight in proposal.highlights)
    if quotes:
        tables.append(Table("codesign-quotes", "What residents said: quotes chosen by staff, anonymised", (
            Column("Proposal", Kind.COUNT), Column("Quote")), quotes))
    if consultation and consultation.adopted_charter:
        changes = charter_diff(consultation.charter, consultation.adopted_charter)
        tables.append(Table("charter-changes", "What changed in the charter", (
            Column("Commitment"), Column("Change"), Column("Before"), Column("After")),
            tuple((change.code, change.label, change.before, change.after) for change in changes)))
    text = (f"{len(proposals)} proposals were made with residents; support is the share of those answering who "
            "supported each, with its 95% interval, counting online and paper answers and shows of support at "
            "events.",)
    return Section("codesign", CODESIGN, text, tuple(tables))


def equalities_section(review, _evidence) -> Section:
    """Support for each proposal by the answers to the consultation's equality questions; a group with fewer than
    the surveys' minimum answers shows no figures (codesign.queries suppresses them)."""
    row = _review(review)
    consultation = _consultation(row) if row else None
    results = consultation_results(consultation) if consultation else None
    rows = tuple((found.proposal.number, question, support.label, *_support_cells(support)[:2],
                  _support_cells(support)[5])
                 for found in (results.proposals if results else []) for question, groups in found.by_equality.items()
                 for support in groups)
    if not rows:
        return empty_section("equalities-consultation", EQUALITIES)
    masked = tuple((*r[:3], None if r[5] else r[3], *r[4:]) for r in rows)
    table = Table("equalities-consultation", "Support for each proposal by equality group", (
        Column("Proposal", Kind.COUNT), Column("Question"), Column("Answer"), Column("Answered", Kind.COUNT),
        Column("Supported", Kind.SHARE), Column("Note")), masked)
    text = (f"Groups with {suppression_note(results.minimum)} are shown without figures, so nobody can be "
            "identified.",)
    return Section("equalities-consultation", EQUALITIES, text, (table,))

"""Staff co-design pages: a review's group, proposals, consultation, paper responses, events, results, decisions
and adoption. Thin: each parses a form, calls one service and redirects or shows the refusal."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from codesign import bp, services
from codesign.forms import (
    AdoptForm,
    ConfirmForm,
    ConsultationForm,
    DecisionForm,
    HighlightForm,
    MeetingForm,
    MemberForm,
    ProposalForm,
    event_form,
    grouped_fields,
    response_form,
)
from codesign.models import Consultation, ConsultationStatus, Proposal, ResponseChannel
from codesign.queries import consultation_results, group_of
from codesign.services.consultation import Reply, ShowOfSupport, proposals_of
from codesign.services.proposals import consultation_of
from core.auth import role_required
from core.charters import published_charter
from core.errors import attempt, attempt_or_flash
from core.extensions import db
from core.formatting import govuk_date
from core.models import Charter, Role
from core.text import storable_int
from core.timesource import today
from reviews.models import Review
from surveys.forms import answers_from
from surveys.models import Answer

#: Who may read co-design pages, and who may change them (administrators always may).
READERS = (Role.POLICY_OFFICER, Role.VIEWER)
WRITERS = (Role.POLICY_OFFICER,)


def _review(review_id: int) -> Review:
    return db.get_or_404(Review, review_id)


def _consultation(consultation_id: int) -> Consultation:
    return db.get_or_404(Consultation, consultation_id)


def _evidence_url(review: Review, code: str) -> str | None:
    """The review's evidence page for a commitment, where the review pages offer one."""
    if "reviews.commitment_evidence" in current_app.view_functions:
        return url_for("reviews.commitment_evidence", review_id=review.id, code=code)
    return None


@bp.get("/co-design")
@role_required(*READERS)
def index():
    reviews = db.session.scalars(select(Review).where(Review.council_slug == current_app.config["CHARTERLINE_COUNCIL"])
                                 .order_by(Review.starts_on.desc())).all()
    return render_template("codesign/index.html", reviews=reviews)


@bp.get("/co-design/reviews/<int:review_id>")
@role_required(*READERS)
def review(review_id: int):
    item = _review(review_id)
    return render_template("codesign/review.html", review=item, group=group_of(item),
                           proposals=proposals_of(item.id), consultation=consultation_of(item),
                           evidence_url=lambda code: _evidence_url(item, code), confirm=ConfirmForm(),
                           today=today())


@bp.route("/co-design/reviews/<int:review_id>/members/new", methods=["GET", "POST"])
@role_required(*WRITERS)
def new_member(review_id: int):
    item = _review(review_id)
    form = MemberForm()
    if form.validate_on_submit() and attempt(form, "name", lambda: services.add_member(
            item, name=form.name.data, kind=form.kind.data, by=current_user)):
        flash(f"{form.name.data.strip()} added to the co-design group.", "success")
        return redirect(url_for("codesign.review", review_id=item.id))
    return render_template("codesign/form_page.html", form=form, review=item, page_title="Add a group member")


@bp.route("/co-design/reviews/<int:review_id>/meetings/new", methods=["GET", "POST"])
@role_required(*WRITERS)
def new_meeting(review_id: int):
    item = _review(review_id)
    form = MeetingForm()
    if form.validate_on_submit() and attempt(form, "held_on", lambda: services.add_meeting(
            item, held_on=form.held_on.data, attendance=form.attendance.data, notes=form.notes.data,
            by=current_user)):
        flash("Meeting recorded.", "success")
        return redirect(url_for("codesign.review", review_id=item.id))
    return render_template("codesign/form_page.html", form=form, review=item, page_title="Record a group meeting")


def _proposal_page(item: Review, proposal: Proposal | None):
    charter = published_charter(item.council_slug)
    if charter is None:
        flash("The council has no published charter to propose changes to.", "error")
        return redirect(url_for("codesign.review", review_id=item.id))
    form = ProposalForm()
    form.set_commitments(list(charter.commitments))
    if request.method == "GET" and proposal is not None:
        form.fill_from(proposal)
    if form.validate_on_submit():
        current = next((c for c in charter.commitments if c.code == form.commitment_code.data), None)
        standards = form.standards(current)
        if not (form.target.errors or form.metric.errors) and attempt(form, "reason", lambda: services.save_proposal(
                item, kind=form.kind.data, commitment_code=form.code(), proposed_text=form.proposed_text.data,
                proposed_standards=standards, reason=form.reason.data, evidence_codes=form.evidence_codes.data,
                evidence_notes=form.evidence_notes.data, author=form.author.data, channel=form.channel.data,
                by=current_user, proposal=proposal)):
            flash("Proposal saved.", "success")
            return redirect(url_for("codesign.review", review_id=item.id))
    title = f"Proposal {proposal.number}" if proposal else "Propose a change to the charter"
    return render_template("codesign/proposal_form.html", form=form, review=item, page_title=title)


@bp.route("/co-design/reviews/<int:review_id>/proposals/new", methods=["GET", "POST"])
@role_required(*WRITERS)
def new_proposal(review_id: int):
    return _proposal_page(_review(review_id), None)


@bp.route("/co-design/proposals/<int:proposal_id>", methods=["GET", "POST"])
@role_required(*WRITERS)
def edit_proposal(proposal_id: int):
    proposal = db.get_or_404(Proposal, proposal_id)
    return _proposal_page(proposal.review, proposal)


@bp.route("/co-design/reviews/<int:review_id>/consultation", methods=["GET", "POST"])
@role_required(*WRITERS)
def consultation_setup(review_id: int):
    item = _review(review_id)
    existing = consultation_of(item)
    form = ConsultationForm(obj=existing) if request.method == "GET" and existing else ConsultationForm()
    if form.validate_on_submit() and attempt(form, "title", lambda: services.save_consultation(
            item, title=form.title.data, opens_on=form.opens_on.data, closes_on=form.closes_on.data,
            summary=form.summary.data, easy_read=form.easy_read.data, asks_equality=form.asks_equality.data,
            by=current_user)):
        flash("Consultation saved.", "success")
        return redirect(url_for("codesign.review", review_id=item.id))
    return render_template("codesign/consultation_form.html", form=form, review=item,
                           page_title="Set up the consultation")


@bp.post("/co-design/consultations/<int:consultation_id>/publish")
@role_required(*WRITERS)
def publish(consultation_id: int):
    consultation = _consultation(consultation_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if attempt_or_flash(lambda: services.publish_consultation(consultation, by=current_user)):
        flash("The consultation is published. Residents can respond from the opening date.", "success")
    return redirect(url_for("codesign.review", review_id=consultation.review_id))


@bp.route("/co-design/consultations/<int:consultation_id>/paper", methods=["GET", "POST"])
@role_required(*WRITERS)
def paper_response(consultation_id: int):
    consultation = _consultation(consultation_id)
    if consultation.survey is None:
        abort(404)
    questions = consultation.survey.all_questions
    form = response_form(questions, paper=True)()
    if form.validate_on_submit():
        reply = Reply(answers=answers_from(form, questions))
        if attempt(form, "received_on", lambda: services.respond(
                consultation, reply, channel=ResponseChannel.PAPER, received_on=form.received_on.data,
                by=current_user)):
            flash("Paper response saved. You can key in the next one.", "success")
            return redirect(url_for("codesign.paper_response", consultation_id=consultation.id))
    return render_template("codesign/paper.html", form=form, consultation=consultation,
                           sections=grouped_fields(consultation, form), page_title="Key in a paper response")


@bp.route("/co-design/consultations/<int:consultation_id>/events/new", methods=["GET", "POST"])
@role_required(*WRITERS)
def new_event(consultation_id: int):
    consultation = _consultation(consultation_id)
    proposals = proposals_of(consultation.review_id)
    form = event_form(proposals)()
    if form.validate_on_submit():
        support = {p.id: ShowOfSupport(form[f"p{p.id}_in_favour"].data or 0, form[f"p{p.id}_against"].data or 0,
                                       form[f"p{p.id}_neutral"].data or 0, form[f"p{p.id}_notes"].data)
                   for p in proposals}
        if attempt(form, "held_on", lambda: services.record_event(
                consultation, kind=form.kind.data, held_on=form.held_on.data, place=form.place.data,
                attendance=form.attendance.data, support=support, by=current_user)):
            flash("Event recorded.", "success")
            return redirect(url_for("codesign.review", review_id=consultation.review_id))
    return render_template("codesign/event_form.html", form=form, consultation=consultation, proposals=proposals,
                           page_title="Record an event")


@bp.get("/co-design/consultations/<int:consultation_id>/results")
@role_required(*READERS)
def results(consultation_id: int):
    consultation = _consultation(consultation_id)
    if consultation.status == ConsultationStatus.DRAFT:
        abort(404)
    return render_template("codesign/results.html", consultation=consultation,
                           results=consultation_results(consultation), highlight=HighlightForm(),
                           can_write=current_user.has_role(*WRITERS))


@bp.post("/co-design/proposals/<int:proposal_id>/highlights")
@role_required(*WRITERS)
def highlight(proposal_id: int):
    proposal = db.get_or_404(Proposal, proposal_id)
    consultation = consultation_of(proposal.review)
    if consultation is None:
        abort(404)
    form = HighlightForm()
    answer = db.session.get(Answer, storable_int(form.answer_id.data) or 0)
    if not form.validate_on_submit() or answer is None:
        flash("Enter the comment as it should be shown.", "error")
    elif attempt_or_flash(lambda: services.choose_highlight(proposal, answer, text=form.text.data, by=current_user)):
        flash(f"Comment quoted for proposal {proposal.number}.", "success")
    return redirect(url_for("codesign.results", consultation_id=consultation.id, _anchor=f"proposal-{proposal.id}"))


@bp.route("/co-design/proposals/<int:proposal_id>/decision", methods=["GET", "POST"])
@role_required(*WRITERS)
def decision(proposal_id: int):
    proposal = db.get_or_404(Proposal, proposal_id)
    form = DecisionForm()
    if request.method == "GET" and proposal.decision:
        form.decision.data, form.decided_text.data = proposal.decision, proposal.decided_text
        form.decision_reason.data = proposal.decision_reason
    if form.validate_on_submit() and attempt(form, "decision", lambda: services.decide(
            proposal, decision=form.decision.data, reason=form.decision_reason.data, text=form.decided_text.data,
            by=current_user)):
        flash(f"Decision on proposal {proposal.number} saved.", "success")
        return redirect(url_for("codesign.review", review_id=proposal.review_id))
    return render_template("codesign/decision.html", form=form, proposal=proposal,
                           page_title=f"Decide on proposal {proposal.number}")


@bp.route("/co-design/consultations/<int:consultation_id>/adopt", methods=["GET", "POST"])
@role_required(*WRITERS)
def adopt(consultation_id: int):
    consultation = _consultation(consultation_id)
    form = AdoptForm()
    if form.validate_on_submit():
        adopted = attempt(form, "effective_from", lambda: services.adopt_decisions(
            consultation, effective_from=form.effective_from.data, by=current_user))
        if isinstance(adopted, Charter):
            flash(f"The decisions are adopted: version {adopted.version} of the charter is in force.", "success")
        elif adopted:
            flash(f"The decisions are adopted. The new version will be published on "
                  f"{govuk_date(consultation.in_force_from)}, when it comes into force.", "success")
        if adopted:
            return redirect(url_for("codesign.review", review_id=consultation.review_id))
    return render_template("codesign/adopt.html", form=form, consultation=consultation,
                           proposals=proposals_of(consultation.review_id), page_title="Adopt the decisions")

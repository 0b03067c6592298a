"""Residents' co-design pages: the consultation (no account, one response per person), "We asked, you said, we
did", and the charter's history."""

from __future__ import annotations

import secrets

from flask import abort, current_app, redirect, render_template, request, session, url_for

from codesign import bp, services
from codesign.forms import grouped_fields, response_form
from codesign.models import Consultation, ConsultationStatus, ResponseChannel
from codesign.queries import (
    charter_history,
    consultation_for_charter,
    consultation_results,
    public_consultations,
    versions_to_come,
)
from codesign.services.consultation import AlreadyResponded, Reply, has_responded, proposals_of
from core.errors import RuleError, show_on_form
from core.extensions import db, limiter
from core.timesource import today
from surveys.forms import answers_from, field_name

#: The random key in the resident's signed session cookie that stands for their browser (codesign.models.Respondent).
BROWSER_KEY = "consultation_browser"


def _public_rate_limit() -> str:
    return current_app.config["CHARTERLINE_PUBLIC_RATE_LIMIT"]


def _public(consultation_id: int) -> Consultation:
    """A consultation residents may see: published (or adopted) and about this council's charter."""
    consultation = db.get_or_404(Consultation, consultation_id)
    if consultation.status == ConsultationStatus.DRAFT or \
            consultation.review.council_slug != current_app.config["CHARTERLINE_COUNCIL"]:
        abort(404)
    return consultation


def _browser_key() -> str:
    key = session.get(BROWSER_KEY)
    if not isinstance(key, str) or len(key) > 100:
        key = secrets.token_urlsafe(24)
        session[BROWSER_KEY] = key
    return key


@bp.get("/have-your-say")
def consultations():
    return render_template("codesign/public/index.html", consultations=public_consultations(), today=today())


@bp.route("/have-your-say/<int:consultation_id>", methods=["GET", "POST"])
@limiter.limit(_public_rate_limit, methods=["POST"])
def consultation(consultation_id: int):
    item = _public(consultation_id)
    key = _browser_key()
    questions = item.survey.all_questions
    form = response_form(questions, paper=False)()
    responded = has_responded(item, key)
    # After the closing date a response is refused with the date it closed, however it was filled in (a closed
    # consultation stores nothing, so the form need not be checked first).
    if request.method == "POST" and (not item.is_open(today()) or form.validate_on_submit()):
        reply = Reply(answers=answers_from(form, questions), email=form.email.data)
        try:
            services.respond(item, reply, channel=ResponseChannel.ONLINE, browser_key=key)
            return redirect(url_for("codesign.thank_you", consultation_id=item.id))
        except AlreadyResponded as refusal:
            if refusal.field is None:
                return redirect(url_for("codesign.thank_you", consultation_id=item.id, again=1))
            show_on_form(form, refusal)
        except RuleError as refusal:
            show_on_form(form, refusal, field_name(questions[0]))
    return render_template("codesign/public/consultation.html", consultation=item, form=form,
                           proposals=proposals_of(item.review_id), sections=grouped_fields(item, form),
                           responded=responded, is_open=item.is_open(today()), today=today())


@bp.get("/have-your-say/<int:consultation_id>/thank-you")
def thank_you(consultation_id: int):
    item = _public(consultation_id)
    return render_template("codesign/public/thank_you.html", consultation=item, again=bool(request.args.get("again")))


@bp.get("/have-your-say/<int:consultation_id>/we-did")
def we_did(consultation_id: int):
    """We asked, you said, we did: published once the decisions are adopted."""
    item = _public(consultation_id)
    if item.status != ConsultationStatus.ADOPTED:
        abort(404)
    return render_template("codesign/public/we_did.html", consultation=item, results=consultation_results(item))


@bp.get("/our-charter/history")
def charter_history_page():
    versions = charter_history(current_app.config["CHARTERLINE_COUNCIL"])
    if not versions:
        abort(404)
    return render_template("codesign/public/history.html", versions=versions,
                           to_come=versions_to_come(current_app.config["CHARTERLINE_COUNCIL"]),
                           consultation_for=consultation_for_charter)

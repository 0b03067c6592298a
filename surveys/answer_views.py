"""Residents' survey pages: invitation and open-link start pages, one page per section, check answers, thank you."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for

from core.extensions import limiter
from core.models import Channel
from surveys import answering, bp, invitations, services
from surveys.answering import AlreadySubmitted, LinkProblem
from surveys.forms import ConfirmForm, answers_from, build_section_form, field_name, initial_data, render_params
from surveys.models import Response, Survey
from surveys.services import SurveyRuleError

#: Status codes for links that cannot be answered: unknown links are not found; the others are gone for good.
PROBLEM_STATUS = {"unknown": 404, "used": 410, "expired": 410, "closed": 410}


def _problem(exc: LinkProblem):
    return render_template("surveys/answer/problem.html", kind=exc.kind, survey=exc.survey,
                           invitation_days=current_app.config["CHARTERLINE_SURVEY_INVITATION_DAYS"]), \
        PROBLEM_STATUS[exc.kind]


def _open_rate_limit() -> str:
    return current_app.config["CHARTERLINE_SURVEY_OPEN_RATE_LIMIT"]


@bp.route("/i/<token>", methods=["GET", "POST"])
def invited(token: str):
    try:
        invitation = answering.invitation_for_token(token)
    except LinkProblem as exc:
        return _problem(exc)
    form = ConfirmForm()
    if form.validate_on_submit():
        answering.start_invited_response(invitation)
        return redirect(url_for("surveys.answer", token=token, page=1))
    survey = services.live_version(invitation.survey)
    return render_template("surveys/answer/start.html", survey=survey, form=form, opt_out=url_for(
        "surveys.stop", token=token))


@bp.route("/i/<token>/stop", methods=["GET", "POST"])
def stop(token: str):
    """One-click opt-out. The click is a button (POST), so email link checkers that follow links change nothing."""
    invitation = answering.invitation_by_token(token)
    if invitation is None:
        return _problem(LinkProblem("unknown"))
    form = ConfirmForm()
    if form.validate_on_submit():
        invitations.opt_out_by_invitation(invitation)
        return render_template("surveys/answer/stopped.html")
    return render_template("surveys/answer/stop.html", form=form)


def _open_survey(slug: str, channel: str) -> Survey:
    if channel not in {c.value for c in Channel} or channel == Channel.ANY:
        abort(404)
    survey = services.live_survey_by_slug(slug)
    if survey is None:
        if services.any_survey_with_slug(slug):
            raise LinkProblem("closed")
        abort(404)
    return survey


@bp.route("/s/<slug>/<channel>", methods=["GET", "POST"])
@limiter.limit(_open_rate_limit, methods=["POST"])
def open_start(slug: str, channel: str):
    """A kiosk, QR code or web link for one channel: anyone may answer, nothing identifies them."""
    try:
        survey = _open_survey(slug, channel)
    except LinkProblem as exc:
        return _problem(exc)
    form = ConfirmForm()
    if form.validate_on_submit():
        _response, token = answering.start_open_response(survey, channel)
        return redirect(url_for("surveys.answer", token=token, page=1))
    return render_template("surveys/answer/start.html", survey=survey, form=form, opt_out=None)


def _response(token: str) -> Response:
    return answering.response_for_token(token)


@bp.route("/r/<token>/<int:page>", methods=["GET", "POST"])
def answer(token: str, page: int):
    try:
        response = _response(token)
    except LinkProblem as exc:
        return _problem(exc)
    sections = answering.pages(response)
    if not 1 <= page <= len(sections):
        abort(404)
    section = sections[page - 1]
    questions = answering.questions_on(response, section)
    form_class = build_section_form(questions)
    form = form_class() if request.method == "POST" else form_class(data=initial_data(questions, response.draft))
    if form.validate_on_submit():
        answering.save_section(response, section, answers_from(form, questions))
        following = answering.pages(response)
        position = following.index(section) + 1 if section in following else page
        if position < len(following) and request.args.get("change") is None:
            return redirect(url_for("surveys.answer", token=token, page=position + 1))
        return redirect(url_for("surveys.check", token=token))
    back = (url_for("surveys.answer", token=token, page=page - 1) if page > 1 else None)
    return render_template("surveys/answer/section.html", survey=response.survey, section=section, form=form,
                           fields=[(form[field_name(q)], render_params(q)) for q in questions], back=back)


def _thank(response: Response):
    return redirect(url_for("surveys.thank_you", slug=response.survey.slug,
                            channel=response.channel if response.via == "open" else None))


@bp.route("/r/<token>/check", methods=["GET", "POST"])
def check(token: str):
    try:
        response = _response(token)
    except LinkProblem as exc:
        # The answers sent again once they are in: the same thank-you page, and nothing stored twice.
        sent = answering.submitted_response(token) if exc.kind == "used" and request.method == "POST" else None
        return _thank(sent) if sent is not None else _problem(exc)
    missing = answering.first_unanswered(response)
    if missing is not None:
        return redirect(url_for("surveys.answer", token=token, page=answering.pages(response).index(missing) + 1))
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            answering.submit_response(response)
        except AlreadySubmitted:
            pass  # sent twice at once: the other sending stored the answers
        except SurveyRuleError:
            return redirect(url_for("surveys.check", token=token))
        return _thank(response)
    sections = answering.pages(response)
    rows = [(index, s, answering.questions_on(response, s)) for index, s in enumerate(sections, start=1)]
    return render_template("surveys/answer/check.html", survey=response.survey, response=response, rows=rows,
                           form=form, token=token)


@bp.get("/thank-you/<slug>")
def thank_you(slug: str):
    channel = request.args.get("channel")
    again = None
    if channel and services.live_survey_by_slug(slug) and channel in {c.value for c in Channel}:
        again = url_for("surveys.open_start", slug=slug, channel=channel)
    return render_template("surveys/answer/thank_you.html", again=again)

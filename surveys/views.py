"""Survey pages for staff: the builder, rules, contacts and imports, results and exports."""

from __future__ import annotations

from datetime import datetime, time

from flask import Response as HttpResponse
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from core.auth import ANY_STAFF, STAFF_WHO_CHANGE, role_required
from core.contacts import ContactSource
from core.errors import attempt, attempt_or_flash
from core.extensions import db
from core.models import Channel, Role, ServiceArea
from core.timesource import now, uk_time
from surveys import bp, equality, intake, invitations, queries, services
from surveys.forms import (
    ConfirmForm,
    ContactForm,
    ImportForm,
    QuestionForm,
    RuleForm,
    SectionForm,
    StaffOptOutForm,
    SurveyDetailsForm,
    choices,
)
from surveys.models import CHOICE_TYPES, ContactImport, InvitationRule, Question, Section, Survey
from surveys.services import QuestionSpec
from surveys.stats import format_net

#: Who may read results and figures.
READERS = (Role.POLICY_OFFICER, Role.COMPLAINTS_OFFICER, Role.VIEWER)
#: Who may read what residents wrote and download raw answers (free text can hold personal details).
RAW_READERS = (Role.POLICY_OFFICER, Role.COMPLAINTS_OFFICER)
BUILDERS = (Role.POLICY_OFFICER,)


@bp.app_template_filter("net")
def net_filter(value) -> str:
    return format_net(value)


def survey_or_404(survey_id: int) -> Survey:
    return db.get_or_404(Survey, survey_id)


def csv_response(body, filename: str) -> HttpResponse:
    return HttpResponse(body, mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/")
@role_required(*READERS)
def index():
    return render_template("surveys/index.html", rows=queries.survey_rows(),
                           can_build=current_user.has_role(*BUILDERS))


# --- Builder --------------------------------------------------------------------------------------------------


@bp.route("/new", methods=["GET", "POST"])
@role_required(*BUILDERS)
def new():
    form = SurveyDetailsForm()
    if form.validate_on_submit():
        survey = services.create_survey(title=form.title.data, description=form.description.data, by=current_user)
        flash(f"Survey “{survey.title}” created. Add its questions.", "success")
        return redirect(url_for("surveys.survey", survey_id=survey.id))
    return render_template("surveys/details.html", form=form, survey=None)


@bp.get("/<int:survey_id>")
@role_required(*READERS)
def survey(survey_id: int):
    item = survey_or_404(survey_id)
    channels = [c for c in Channel if c != Channel.ANY]
    return render_template("surveys/survey.html", survey=item, versions=queries.versions_of(item),
                           confirm=ConfirmForm(), can_build=current_user.has_role(*BUILDERS), channels=channels,
                           base_url=current_app.config["CHARTERLINE_BASE_URL"].rstrip("/"))


@bp.route("/<int:survey_id>/details", methods=["GET", "POST"])
@role_required(*BUILDERS)
def edit_details(survey_id: int):
    item = survey_or_404(survey_id)
    form = SurveyDetailsForm(obj=item)
    if form.validate_on_submit() and attempt(form, "title", lambda: services.update_survey_details(
            item, title=form.title.data, description=form.description.data, by=current_user)):
        return redirect(url_for("surveys.survey", survey_id=item.id))
    return render_template("surveys/details.html", form=form, survey=item)


@bp.route("/<int:survey_id>/sections/new", methods=["GET", "POST"])
@bp.route("/<int:survey_id>/sections/<int:section_id>", methods=["GET", "POST"])
@role_required(*BUILDERS)
def section(survey_id: int, section_id: int | None = None):
    item = survey_or_404(survey_id)
    existing = _section_of(item, section_id) if section_id else None
    form = SectionForm(obj=existing)
    if form.validate_on_submit() and attempt(form, "title", lambda: services.add_section(
            item, title=form.title.data, description=form.description.data, by=current_user) if existing is None
            else services.update_section(existing, title=form.title.data, description=form.description.data,
                                         by=current_user)):
        return redirect(url_for("surveys.survey", survey_id=item.id))
    return render_template("surveys/section.html", form=form, survey=item, section=existing)


@bp.post("/<int:survey_id>/sections/<int:section_id>/delete")
@role_required(*BUILDERS)
def delete_section(survey_id: int, section_id: int):
    item = survey_or_404(survey_id)
    target = _section_of(item, section_id)
    _confirmed()
    if attempt_or_flash(lambda: services.delete_section(target, by=current_user)):
        flash(f"Section “{target.title}” deleted.", "success")
    return redirect(url_for("surveys.survey", survey_id=item.id))


def _section_of(survey: Survey, section_id: int) -> Section:
    found = db.session.get(Section, section_id)
    if found is None or found.survey_id != survey.id:
        abort(404)
    return found


def question_of(survey: Survey, question_id: int) -> Question:
    found = db.session.get(Question, question_id)
    if found is None or found.survey_id != survey.id:
        abort(404)
    return found


def _confirmed() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


def _condition_choices(survey: Survey) -> list:
    pairs = [("", "Always show it")]
    for number, question in enumerate(survey.all_questions, start=1):
        if question.type_enum in CHOICE_TYPES:
            pairs += [(f"{question.id}:{value}", f"Q{number} ‘{question.text}’ was answered ‘{label}’")
                      for value, label in question.choices()]
    return choices(pairs)


def _question_form(survey: Survey, question: Question | None) -> QuestionForm:
    if question is not None and request.method == "GET":
        form = QuestionForm(section=str(question.section_id), text=question.text, hint=question.hint,
                            type=question.type, options="\n".join(question.options),
                            required="yes" if question.required else "no",
                            commitments=[str(c.id) for c in question.commitments],
                            condition=(f"{question.condition_question_id}:{question.condition_value}"
                                       if question.condition_question_id else ""))
    else:
        form = QuestionForm(section=request.args.get("section"))
    form.section.choices = choices((str(s.id), f"{s.position}. {s.title}") for s in survey.sections)
    commitments = intake.commitments_by_code().values()
    form.commitments.choices = choices((str(c.id), f"{c.code}: {c.wording}") for c in commitments)
    form.condition.choices = _condition_choices(survey)
    return form


def _spec_from(form: QuestionForm, survey: Survey) -> QuestionSpec:
    section_ = _section_of(survey, int(form.section.data))
    commitments = [c for c in intake.commitments_by_code().values() if str(c.id) in (form.commitments.data or [])]
    condition_question, condition_value = None, None
    if form.condition.data:
        question_id, _, condition_value = form.condition.data.partition(":")
        condition_question = question_of(survey, int(question_id))
    return QuestionSpec(section=section_, type=form.type.data, text=form.text.data, hint=form.hint.data,
                        required=form.required.data == "yes", options=form.option_lines, commitments=commitments,
                        condition_question=condition_question, condition_value=condition_value)


@bp.route("/<int:survey_id>/questions/new", methods=["GET", "POST"])
@bp.route("/<int:survey_id>/questions/<int:question_id>", methods=["GET", "POST"])
@role_required(*BUILDERS)
def question(survey_id: int, question_id: int | None = None):
    item = survey_or_404(survey_id)
    if not item.is_draft:
        flash("You can only change a draft survey. Create a new version to change a live survey.", "error")
        return redirect(url_for("surveys.survey", survey_id=item.id))
    existing = question_of(item, question_id) if question_id else None
    form = _question_form(item, existing)
    if form.validate_on_submit():
        spec = _spec_from(form, item)
        problems = services.check_spec(spec, existing)
        for field, message in problems:
            form[field].errors.append(message)
        if not problems:
            if existing is None:
                services.add_question(spec, by=current_user)
                flash("Question added.", "success")
            else:
                services.update_question(existing, spec, by=current_user)
                flash("Question saved.", "success")
            return redirect(url_for("surveys.survey", survey_id=item.id))
    return render_template("surveys/question.html", form=form, survey=item, question=existing)


@bp.post("/<int:survey_id>/questions/<int:question_id>/delete")
@role_required(*BUILDERS)
def delete_question(survey_id: int, question_id: int):
    item = survey_or_404(survey_id)
    target = question_of(item, question_id)
    _confirmed()
    if attempt_or_flash(lambda: services.delete_question(target, by=current_user)):
        flash("Question deleted.", "success")
    return redirect(url_for("surveys.survey", survey_id=item.id))


@bp.post("/<int:survey_id>/questions/<int:question_id>/move")
@role_required(*BUILDERS)
def move_question(survey_id: int, question_id: int):
    item = survey_or_404(survey_id)
    target = question_of(item, question_id)
    _confirmed()
    attempt_or_flash(lambda: services.move_question(target, -1 if request.form.get("direction") == "up" else 1,
                                                    by=current_user))
    return redirect(url_for("surveys.survey", survey_id=item.id, _anchor=f"question-{target.id}"))


@bp.post("/<int:survey_id>/questions/tp09")
@role_required(*BUILDERS)
def add_tp09(survey_id: int):
    item = survey_or_404(survey_id)
    _confirmed()

    def add() -> None:
        services.require_draft(item)
        complaints_promise = [c for c in intake.commitments_by_code().values() if "complaint" in c.wording.lower()]
        services.add_tp09_question(item.sections[-1], landlord=current_app.config["COUNCIL_NAME"],
                                   commitments=complaints_promise[:1], by=current_user)

    if attempt_or_flash(add):
        flash("The Tenant Satisfaction Measure TP09 question is added. Only the council’s tenants are asked it.",
              "success")
    return redirect(url_for("surveys.survey", survey_id=item.id))


@bp.post("/<int:survey_id>/questions/equality")
@role_required(*BUILDERS)
def add_equality_questions(survey_id: int):
    item = survey_or_404(survey_id)
    _confirmed()
    if attempt_or_flash(lambda: equality.add_equality_questions(item, by=current_user)):
        flash("The optional equality questions are added in a section called “About you”.", "success")
    return redirect(url_for("surveys.survey", survey_id=item.id))


@bp.post("/<int:survey_id>/live")
@role_required(*BUILDERS)
def make_live(survey_id: int):
    item = survey_or_404(survey_id)
    _confirmed()
    if attempt_or_flash(lambda: services.make_live(item, by=current_user)):
        flash(f"Version {item.version} is live. Its questions can no longer change.", "success")
    return redirect(url_for("surveys.survey", survey_id=item.id))


@bp.post("/<int:survey_id>/close")
@role_required(*BUILDERS)
def close(survey_id: int):
    item = survey_or_404(survey_id)
    _confirmed()
    if attempt_or_flash(lambda: services.close_survey(item, by=current_user)):
        flash("The survey is closed. Nobody can answer it now; its results stay.", "success")
    return redirect(url_for("surveys.survey", survey_id=item.id))


@bp.post("/<int:survey_id>/new-version")
@role_required(*BUILDERS)
def new_version(survey_id: int):
    item = survey_or_404(survey_id)
    _confirmed()
    copy = attempt_or_flash(lambda: services.new_version(item, by=current_user))
    if copy is None:
        return redirect(url_for("surveys.survey", survey_id=item.id))
    flash(f"Version {copy.version} is a draft copy. Residents keep answering version {item.version} until you make "
          "this one live.", "success")
    return redirect(url_for("surveys.survey", survey_id=copy.id))


# --- Invitation rules -----------------------------------------------------------------------------------------


def _rule_form() -> RuleForm:
    form = RuleForm()
    form.survey.choices = choices((str(s.id), f"{s.title} (version {s.version})") for s in queries.live_surveys())
    form.channel.choices = choices([("", "Any channel")] + [(c.value, c.label) for c in Channel if c != Channel.ANY])
    form.service.choices = choices([("", "Any service")] + [(str(s.id), s.name) for s in queries.services()])
    return form


@bp.route("/rules", methods=["GET", "POST"])
@role_required(*BUILDERS)
def rules():
    form = _rule_form()
    if form.validate_on_submit():
        target = survey_or_404(int(form.survey.data))
        service = db.session.get(ServiceArea, int(form.service.data)) if form.service.data else None
        invitations.create_rule(survey=target, trigger=form.trigger.data, channel=form.channel.data or None,
                                service_area=service, delay_hours=form.delay_hours.data, by=current_user)
        flash("Rule added. `flask surveys invite` sends the invitations it calls for.", "success")
        return redirect(url_for("surveys.rules"))
    return render_template("surveys/rules.html", form=form, rules=queries.rules(), confirm=ConfirmForm())


@bp.post("/rules/<int:rule_id>/active")
@role_required(*BUILDERS)
def toggle_rule(rule_id: int):
    rule = db.get_or_404(InvitationRule, rule_id)
    _confirmed()
    invitations.set_rule_active(rule, not rule.active, by=current_user)
    flash("Rule started." if rule.active else "Rule stopped. No more invitations are sent under it.", "success")
    return redirect(url_for("surveys.rules"))


# --- Contacts, imports and opt-outs ---------------------------------------------------------------------------


@bp.get("/contacts")
@role_required(*ANY_STAFF)
def contacts():
    return render_template("surveys/contacts.html", rows=queries.recent_contacts(), imports=queries.recent_imports(),
                           can_import=current_user.has_role(*BUILDERS), opt_outs=queries.opt_out_count(),
                           can_log=current_user.has_role(*STAFF_WHO_CHANGE))


def _contact_form() -> ContactForm:
    form = ContactForm()
    form.service.choices = choices([("", "Not about one service")] + [(s.code, s.name) for s in queries.services()])
    form.commitments.choices = choices((c.code, f"{c.code}: {c.wording}")
                                       for c in intake.commitments_by_code().values())
    return form


def _contact_time(form: ContactForm) -> datetime:
    """The UK time of a contact: the time given, or midday (or now, if that is earlier today) when none is."""
    if form.time.data:
        hour, minute = (int(p) for p in form.time.data.strip().replace(".", ":").split(":"))
        return datetime.combine(form.day.data, time(hour, minute))
    return min(datetime.combine(form.day.data, time(12, 0)), uk_time(now()).replace(tzinfo=None))


@bp.route("/contacts/new", methods=["GET", "POST"])
@role_required(*STAFF_WHO_CHANGE)
def new_contact():
    form = _contact_form()
    if form.validate_on_submit():
        raw = {"channel": form.channel.data, "when": _contact_time(form).isoformat(), "service": form.service.data,
               "email": form.email.data, "phone": form.phone.data, "commitments": form.commitments.data}
        data, problems = intake.check_contact(raw, intake.Lookups.load())
        for field, message in problems:
            form[{"when": "time"}.get(field, field)].errors.append(message)
        if not problems:
            intake.log_contact(data, source=ContactSource.FORM, by=current_user)
            flash("Contact logged." + (" If a rule applies, an invitation is sent after its delay." if data.email
                                       else ""), "success")
            return redirect(url_for("surveys.contacts"))
    return render_template("surveys/new_contact.html", form=form)


@bp.route("/contacts/import", methods=["GET", "POST"])
@role_required(*BUILDERS)
def import_contacts():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        batch = attempt(form, "file", lambda: intake.import_contacts_file(
            filename=upload.filename, content=upload.read(), by=current_user))
        if batch:
            if batch.problems:
                return redirect(url_for("surveys.contact_import", import_id=batch.id))
            flash(f"{batch.imported_count} contacts imported.", "success")
            return redirect(url_for("surveys.contacts"))
    return render_template("surveys/import.html", form=form, columns=intake.CSV_COLUMNS)


@bp.route("/contacts/imports/<int:import_id>", methods=["GET", "POST"])
@role_required(*BUILDERS)
def contact_import(import_id: int):
    batch = db.get_or_404(ContactImport, import_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        if request.form.get("decision") == "import":
            if attempt_or_flash(lambda: intake.import_good_rows(batch, by=current_user)):
                flash(f"{batch.imported_count} contacts imported. The rows with problems were not.", "success")
        elif attempt_or_flash(lambda: intake.discard_import(batch, by=current_user)):
            flash("Nothing was imported from the file.", "success")
        return redirect(url_for("surveys.contacts"))
    return render_template("surveys/import_report.html", batch=batch, form=form)


@bp.route("/opt-outs", methods=["GET", "POST"])
@role_required(*STAFF_WHO_CHANGE)
def opt_outs():
    form = StaffOptOutForm()
    if form.validate_on_submit():
        invitations.opt_out(form.address.data, source="staff")
        flash("Done. They will not be invited to any survey again.", "success")
        return redirect(url_for("surveys.contacts"))
    return render_template("surveys/opt_out_staff.html", form=form)

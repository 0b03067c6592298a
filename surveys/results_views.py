"""Staff pages for survey results: one survey's figures and its text answers, the figures by commitment across
surveys (narrowed to one commitment from the charter review), and their CSV downloads."""

from __future__ import annotations

from datetime import date, datetime

from flask import render_template, request, stream_with_context
from flask_login import current_user

from core.auth import role_required
from core.models import Channel
from surveys import bp, charts, commitment_figures, queries
from surveys.exports import commitment_aggregates_csv, raw_answers_csv, survey_aggregates_csv
from surveys.forms import ResultsFilterForm, choices
from surveys.models import Survey
from surveys.views import RAW_READERS, READERS, csv_response, question_of, survey_or_404


def _month_value(raw: str | None) -> date | None:
    try:
        return datetime.strptime(raw, "%Y-%m").date() if raw else None
    except ValueError:
        return None


def _filters(months: list[date], channels: list[str]) -> tuple[ResultsFilterForm, queries.Period, str | None]:
    form = ResultsFilterForm(request.args)
    start, end = _month_value(form.start.data), _month_value(form.end.data)
    # A link may name a month with no answers (a review year still running): the lists still show it.
    shown = sorted(set(months) | {month for month in (start, end) if month is not None})
    month_choices = [("", "Any month")] + [(f"{m:%Y-%m}", f"{m:%B %Y}") for m in shown]
    form.start.choices = choices(month_choices)
    form.end.choices = choices(month_choices)
    form.channel.choices = choices([("", "All channels")] + [(c, queries.channel_label(c)) for c in channels])
    if start and end and start > end:
        form.end.errors = ["‘To’ must be the same as or after ‘From’"]
        end = None
    channel = form.channel.data if form.channel.data in channels else None
    return form, queries.Period(start, end), channel


def _survey_filters(item: Survey):
    return _filters(queries.answer_months(item), [c.value for c in Channel if c != Channel.ANY])


@bp.get("/<int:survey_id>/results")
@role_required(*READERS)
def results(survey_id: int):
    item = survey_or_404(survey_id)
    form, period, channel = _survey_filters(item)
    data = queries.survey_results(item, period=period, channel=channel)
    question_charts = {qr.question.id: charts.options_chart(qr.options, qr.question.text) for qr in data.questions}
    return render_template("surveys/results.html", survey=item, results=data, filters=form,
                           question_charts=question_charts,
                           month_chart=charts.satisfaction_chart(data.by_month, "by month"),
                           channel_chart=charts.satisfaction_chart(data.by_channel, "by channel", horizontal=True),
                           can_read_raw=current_user.has_role(*RAW_READERS), query=_filter_query())


@bp.get("/<int:survey_id>/results/questions/<int:question_id>")
@role_required(*RAW_READERS)
def text_answers(survey_id: int, question_id: int):
    item = survey_or_404(survey_id)
    target = question_of(item, question_id)
    return render_template("surveys/text_answers.html", survey=item, question=target,
                           answers=queries.text_answers(target))


@bp.get("/<int:survey_id>/export/answers.csv")
@role_required(*RAW_READERS)
def export_answers(survey_id: int):
    item = survey_or_404(survey_id)
    return csv_response(stream_with_context(raw_answers_csv(item)),
                        f"{item.slug}-v{item.version}-answers.csv")


@bp.get("/<int:survey_id>/export/figures.csv")
@role_required(*READERS)
def export_figures(survey_id: int):
    item = survey_or_404(survey_id)
    _form, period, channel = _survey_filters(item)
    return csv_response(survey_aggregates_csv(queries.survey_results(item, period=period, channel=channel)),
                        f"{item.slug}-v{item.version}-figures.csv")


#: The query-string names of the results filters: what the download links keep (never a word url_for reads itself,
#: such as endpoint or _external).
FILTER_NAMES = ("start", "end", "channel", "commitment")


def _filter_query() -> dict[str, str]:
    return {name: request.args[name] for name in FILTER_NAMES if name in request.args}


def _commitment_filters():
    return _filters(queries.answer_months(), [c.value for c in Channel if c != Channel.ANY])


def _commitment_results(form, period: queries.Period) -> tuple[commitment_figures.CommitmentResults, str | None]:
    """The figures of every commitment, or, with ?commitment=CODE, of that one alone, by channel and by month too
    (the charter review links there from each commitment's satisfaction figure); a code no survey question asks
    about is ignored. The results and the code, or None."""
    codes = commitment_figures.commitment_codes_asked()
    form.commitment.choices = choices([("", "All commitments")] + [(code, code) for code in codes])
    code = form.commitment.data if form.commitment.data in codes else None
    if code is None:
        form.commitment.data = ""
    return commitment_figures.commitment_results(period=period, codes=None if code is None else [code]), code


@bp.get("/results")
@role_required(*READERS)
def commitments():
    form, period, _channel = _commitment_filters()
    # One commitment's page shows its figures and the questions behind them.
    data, code = _commitment_results(form, period)
    rows = [row.figures for row in data.commitments]
    return render_template("surveys/commitments.html", results=data, filters=form, query=_filter_query(),
                           code=code, questions=commitment_figures.commitment_questions(code, period) if code else [],
                           commitment_chart=charts.satisfaction_chart(rows, "by commitment", horizontal=True),
                           channel_chart=charts.satisfaction_chart(data.by_channel, "by channel", horizontal=True),
                           month_chart=charts.satisfaction_chart(data.by_month, "by month"))


@bp.get("/results/figures.csv")
@role_required(*READERS)
def export_commitments():
    form, period, _channel = _commitment_filters()
    data, _code = _commitment_results(form, period)
    return csv_response(commitment_aggregates_csv(data), "survey-figures.csv")

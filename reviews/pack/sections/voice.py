"""The pack's satisfaction section (per channel and per commitment, with intervals and suppression), what
residents said (sentiment by month and by service, the top themes, quotes chosen by staff) and the learning from
complaints."""

from __future__ import annotations

from collections import Counter, defaultdict

from feedback.quotes import QuoteRow
from reviews.evidence.results import ReviewEvidence
from reviews.pack.model import Cell, Chart, Column, Kind, Section, Table, empty_section
from reviews.pack.sections.records import NO_SERVICE, month_label
from surveys.stats import Figures, suppression_note

#: Themes the pack lists.
TOP_THEMES = 10
SENTIMENTS = (("positive", "Positive"), ("neutral", "Neutral"), ("negative", "Negative"))

_FIGURE_COLUMNS = (Column("Satisfaction answers", Kind.COUNT), Column("Satisfied", Kind.SHARE),
                   Column("Interval from", Kind.SHARE), Column("Interval to", Kind.SHARE),
                   Column("Net satisfaction", Kind.DECIMAL), Column("Note"))


def _figure_cells(figures: Figures) -> tuple[Cell, ...]:
    """A group's satisfaction with its interval and net satisfaction; a group below the surveys' minimum shows
    its count only (surveys.stats.figures suppresses the rest)."""
    satisfied = figures.satisfaction
    note = suppression_note(figures.minimum).capitalize() if figures.satisfaction_suppressed else None
    return (figures.tally.scored, satisfied.value if satisfied else None, satisfied.low if satisfied else None,
            satisfied.high if satisfied else None, None if figures.net is None else float(figures.net), note)


def satisfaction(evidence: ReviewEvidence, by_channel: list[Figures], minimum: int) -> Section:
    title = "Satisfaction"
    channels = [f for f in by_channel if f.tally.scored]
    commitments = [(item.code, item.voice.survey) for item in evidence.commitments
                   if item.voice and item.voice.survey and item.voice.survey.tally.scored]
    if not channels and not commitments:
        return empty_section("satisfaction", title)
    tables = (
        Table("satisfaction-by-channel", "Satisfaction by channel",
              (Column("Channel"), *_FIGURE_COLUMNS), tuple((f.label, *_figure_cells(f)) for f in channels)),
        Table("satisfaction-by-commitment", "Satisfaction by commitment",
              (Column("Code"), *_FIGURE_COLUMNS), tuple((code, *_figure_cells(f)) for code, f in commitments)),
    )
    text = (f"Satisfied is the share of survey answers rating the service good, with its 95% interval; net "
            f"satisfaction runs from -1 (all poor) to +1 (all good). Figures from {suppression_note(minimum)} are "
            "not shown.",)
    return Section("satisfaction", title, text, tuple(t for t in tables if t.rows))


def _sentiment_table(key: str, name: str, first: str, rows: list[tuple], label) -> Table:
    counts: dict[object, Counter] = defaultdict(Counter)
    for value, kind, sentiment, count in rows:
        if kind != "compliment":
            counts[value][sentiment or "not_scored"] += count
    ordered = sorted(counts, key=lambda value: (value is None, str(value) if value is not None else ""))
    if first == "Month":
        ordered = sorted(counts)
    body = tuple((label(value), *(counts[value][s] for s, _ in SENTIMENTS), counts[value]["not_scored"])
                 for value in ordered)
    return Table(key, name, (Column(first), *(Column(h, Kind.COUNT) for _, h in SENTIMENTS),
                             Column("Not scored", Kind.COUNT)), body)


def _quotes_table(quotes: list[QuoteRow]) -> Table:
    """The quotes staff chose from the items received, each with its type and the commitments it was tagged to."""
    return Table("feedback-quotes", "In residents' own words: quotes chosen by staff, anonymised", (
        Column("Month received"), Column("Type"), Column("Service"), Column("Commitments"), Column("Quote")),
        tuple((month_label(quote.month), quote.kind, quote.service or NO_SERVICE,
               ", ".join(quote.commitments) or None, quote.text) for quote in quotes))


def residents_said(by_month: list[tuple], by_service: list[tuple], themes: Counter,
                   quotes: list[QuoteRow]) -> Section:
    """The sentiment of the comments, complaints and service requests received (compliments are praise by
    definition and left out), by month and by service, the themes that came up most, and a few of residents' own
    words that staff chose as representative (feedback.quotes), anonymised."""
    title = "What residents said"
    months = _sentiment_table("sentiment-by-month", "Sentiment by month", "Month", by_month, month_label)
    if not months.rows and not quotes:
        return empty_section("residents-said", title)
    said = (f"{len(quotes)} {'quote was' if len(quotes) == 1 else 'quotes were'} chosen by staff as representative "
            "of what residents told us; names, contact details and addresses are removed."
            if quotes else "No quotes were chosen from the feedback received this year.")
    tables = (_quotes_table(quotes),) if quotes else ()
    if not months.rows:
        return Section("residents-said", title, (said,), tables)
    services = _sentiment_table("sentiment-by-service", "Sentiment by service", "Service", by_service,
                                lambda name: name or NO_SERVICE)
    top = Table("top-themes", "Top themes", (Column("Theme"), Column("Items", Kind.COUNT)),
                tuple(themes.most_common(TOP_THEMES)))
    negative = sum(row[3] for row in months.rows)
    total = sum(sum(row[1:]) for row in months.rows)
    text = (f"{negative:,} of the {total:,} comments, complaints and service requests read as negative.", said)
    chart = Chart("sentiment-by-month", "Sentiment by month", "line", tuple(h for _, h in SENTIMENTS),
                  f"Across the year {negative:,} of {total:,} items read as negative"
                  + (f"; the theme that came up most was {top.rows[0][0]}." if top.rows else "."))
    return Section("residents-said", title, text, tuple(t for t in (months, services, top) if t.rows) + tables,
                   (chart,))


def learning(actions: list) -> Section:
    """You said, we did: the learning actions from complaints completed in the year."""
    title = "Learning from complaints"
    if not actions:
        return empty_section("learning", title)
    rows = tuple((", ".join(c.code for c in action.commitments) or None, action.description,
                  action.what_we_changed, action.completed_on) for action in actions)
    table = Table("you-said-we-did", "You said, we did", (
        Column("Commitments"), Column("What we learned"), Column("What we changed"), Column("Completed on", Kind.DATE)),
        rows)
    return Section("learning", title, (f"{len(rows)} changes were made after complaints this year.",), (table,))


def _suppressed(count: int, minimum: int) -> int | None:
    return None if count < minimum else count


def _survey_equality_table(answers: list[tuple[str, str, int]], minimum: int) -> Table:
    small = suppression_note(minimum).capitalize()
    return Table("equalities-surveys", "Equality answers from people who answered our surveys", (
        Column("Question"), Column("Answer"), Column("People", Kind.COUNT), Column("Note")),
        tuple((question, answer, _suppressed(count, minimum), small if count < minimum else None)
              for question, answer, count in answers))


def equalities(answers: list[tuple[str, str, int, int]], minimum: int, without_kind: int = 0,
               survey_answers: list[tuple[str, str, int]] = ()) -> Section:
    """Who complained and who gave feedback, from the optional equality monitoring answers (never linked to an item:
    each set of answers knows only the kind of feedback it came with), and who answered our post-contact surveys,
    from the same optional questions asked at their end; each count below the surveys' minimum is not shown, so
    nobody can be identified. Answers given before the kind was kept count in everyone only."""
    title = "Equalities: feedback, complaints and surveys"
    if not answers and not survey_answers:
        return empty_section("equalities", title)
    small = suppression_note(minimum).capitalize()
    tables = []
    text = []
    if answers:
        rows = tuple((question, answer, _suppressed(complained, minimum), _suppressed(everyone, minimum),
                      small if min(complained, everyone) < minimum else None)
                     for question, answer, complained, everyone in answers)
        tables.append(Table(
            "equalities-feedback", "Equality monitoring answers from people who complained and everyone who gave "
            "feedback", (Column("Question"), Column("Answer"), Column("People who complained", Kind.COUNT),
                         Column("Everyone who gave feedback", Kind.COUNT), Column("Note")), rows))
        text.append("Residents may answer equality questions when they give feedback or complain. The answers are "
                    "kept apart from what they told us; each set of answers knows only the kind of feedback it came "
                    "with.")
        if without_kind:
            text.append(f"{without_kind:,} {'set' if without_kind == 1 else 'sets'} of answers given before we kept "
                        "the kind of feedback they came with are counted in everyone who gave feedback only.")
    else:
        text.append("Nobody answered the equality questions when they gave feedback this year.")
    if survey_answers:
        tables.append(_survey_equality_table(survey_answers, minimum))
        text.append("Some of our surveys after a contact end with the same optional equality questions.")
    else:
        text.append("None of our surveys after a contact asked the equality questions this year, or nobody "
                    "answered them.")
    text.append(f"Counts from {suppression_note(minimum)} are not shown.")
    return Section("equalities", title, tuple(text), tuple(tables))

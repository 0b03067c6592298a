"""The shared template components: the due-date tag and the table every staff list is drawn with."""

from __future__ import annotations

from datetime import date

import pytest
from bs4 import BeautifulSoup

TODAY = date(2026, 3, 18)  # a Wednesday


def render(app, source: str, **context) -> BeautifulSoup:
    with app.test_request_context():
        return BeautifulSoup(app.jinja_env.from_string(source).render(**context), "html.parser")


def due(app, due_on, **options) -> tuple[str, str] | None:
    source = '{% from "components/due.html" import due_date_tag %}{{ due_date_tag(due_on, today, **options) }}'
    tag = render(app, source, due_on=due_on, today=TODAY, options=options).select_one(".govuk-tag")
    return (tag.get_text(), tag["class"][-1].removeprefix("govuk-tag--")) if tag else None


@pytest.mark.parametrize(("due_on", "options", "expected"), [
    (date(2026, 3, 17), {}, ("Overdue", "red")),
    (date(2026, 3, 6), {"since": True}, ("Overdue since 6 Mar 2026", "red")),
    (date(2026, 3, 18), {}, ("Due today", "yellow")),
    (date(2026, 3, 19), {"soon_until": date(2026, 3, 20)}, ("Due in 1 day", "yellow")),
    (date(2026, 3, 20), {"soon_until": date(2026, 3, 20)}, ("Due in 2 days", "yellow")),
    (date(2026, 3, 23), {"soon_until": date(2026, 3, 20)}, ("On track", "green")),
    (date(2026, 3, 19), {}, ("On track", "green")),
    (date(2026, 3, 25), {"on_track": "Outstanding"}, ("Outstanding", "green")),
    (None, {}, None),
])
def test_due_date_tag(app, due_on, options, expected):
    assert due(app, due_on, **options) == expected


def test_data_table_draws_caption_headings_and_the_callers_rows(app):
    source = """{% from "components/table.html" import data_table %}
    {% call data_table('People', ['Name', {'text': 'Cases', 'numeric': true}, {'text': 'Action', 'hidden': true}],
                       attributes={'id': 'people'}) %}
      <tr class="govuk-table__row"><td>{{ who }}</td></tr>
    {% endcall %}"""
    table = render(app, source, who="<Ann>").select_one("table.govuk-table#people")
    assert table.caption["class"] == ["govuk-table__caption", "govuk-visually-hidden"]
    assert table.caption.get_text() == "People"
    headings = table.select("thead th[scope=col].govuk-table__header")
    assert [th.get_text() for th in headings] == ["Name", "Cases", "Action"]
    assert "govuk-table__header--numeric" in headings[1]["class"]
    assert headings[2].select_one("span.govuk-visually-hidden").get_text() == "Action"
    assert table.select_one("tbody.govuk-table__body td").get_text() == "<Ann>"


def test_data_table_can_show_its_caption_as_a_heading(app):
    source = """{% from "components/table.html" import data_table %}
    {% call data_table('Rules', ['Name'], caption_size='m') %}{% endcall %}"""
    caption = render(app, source).select_one("caption")
    assert caption["class"] == ["govuk-table__caption", "govuk-table__caption--m"]

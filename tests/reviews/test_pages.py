"""The review's evidence pages: the summary of every commitment, one page per commitment, and the items behind
each figure."""

from __future__ import annotations

import re
from datetime import date

from core.models import Role
from core.timesource import set_today
from feedback.quotes import choose_quote
from reviews.models import Review
from tests.helpers import make_complaint, make_feedback, make_staff, page
from tests.reviews.conftest import YEAR


def _review(db) -> Review:
    review = Review(council_slug="harrow", title=YEAR.title, starts_on=YEAR.starts_on, ends_on=YEAR.ends_on)
    db.session.add(review)
    db.session.commit()
    return review


def _references(soup) -> set[str]:
    return set(re.findall(r"\b(?:CMP|COM|CPL|SR)-[A-Z0-9]+-\d+\b", soup.select_one("main").get_text(" ")))


def test_the_summary_gives_every_commitment_its_verdict_figures_and_the_expectations(client, login_as, db, emails):
    review = _review(db)
    login_as(Role.VIEWER)
    soup = page(client.get(f"/reviews/{review.id}/evidence"))
    rows = {tr.select_one("th a").get_text(strip=True): [td.get_text(" ", strip=True) for td in tr.select("td")]
            for tr in soup.select("#evidence tbody tr")}
    assert list(rows) == ["E-01", "L-01", "C-01", "P-01", "R-01"]
    assert rows["E-01"][1:7] == ["Not met", "70%", "10 cases behind this figure", "40% to 89%", "90%", "50%"]
    assert rows["L-01"][1] == "No data" and "(the council's default)" in rows["L-01"][5]
    assert rows["R-01"][:2] == ["No numeric standard", "Not measurable"]
    assert "Treat our staff with courtesy." in soup.select_one("#expectations").get_text()
    assert "council's default of 90%" in soup.get_text()


def test_the_items_behind_a_figure_are_exactly_the_ones_counted(client, login_as, db, emails):
    counted, _others = emails
    review = _review(db)
    login_as(Role.POLICY_OFFICER)
    soup = page(client.get(f"/reviews/{review.id}/evidence/E-01"))
    link = soup.select_one("#measure-1 + dl a[href^='/staff/feedback']")
    assert link is not None
    listed = page(client.get(link["href"]))
    assert _references(listed) == {item.reference for item in counted}


def test_the_complaints_behind_a_stage_figure_are_listed(client, login_as, db, charter):
    set_today(date(2026, 3, 2))
    cases = [make_complaint(received_on=date(2026, 3, 2)) for _ in range(2)]
    make_complaint(received_on=date(2025, 3, 3))  # the year before
    set_today(date(2026, 4, 20))  # both acknowledgements are overdue
    review = _review(db)
    login_as(Role.COMPLAINTS_OFFICER)
    soup = page(client.get(f"/reviews/{review.id}/evidence/C-01"))
    link = soup.select_one("#measure-1 + dl a[href^='/complaints/']")
    listed = page(client.get(link["href"]))
    assert _references(listed) == {case.feedback.reference for case in cases}
    assert "stage 1 acknowledgement clock started from 1 April 2025 to 31 March 2026" in " ".join(
        listed.select_one("#clock-filter").get_text().split())


def test_the_commitment_page_shows_what_residents_said(client, login_as, db, charter):
    email = charter.commitments[0]
    for month, kind in ((6, "compliment"), (6, "complaint"), (9, "comment")):
        make_feedback(kind=kind, channel="email", received_on=date(2025, month, 2), commitments=[email],
                      description="The bin was missed again.")
    review = _review(db)
    login_as(Role.POLICY_OFFICER)
    soup = page(client.get(f"/reviews/{review.id}/evidence/E-01"))
    for hidden in soup.select("#months .govuk-visually-hidden"):
        hidden.decompose()  # what each linked count counts, read out only
    months = {tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.select("td")]
              for tr in soup.select("#months tbody tr")}
    assert len(months) == 12 and list(months)[0] == "April 2025" and list(months)[-1] == "March 2026"
    assert months["June 2025"][:4] == ["1", "0", "1", "0"] and months["September 2025"][:4] == ["0", "1", "0", "0"]
    # The compliment's words are not counted among the themes: the complaint and the comment are.
    assert [td.get_text(strip=True) for td in soup.select("#themes td")] == ["missed bin", "2"]
    assert "No survey question" in soup.select_one("#survey").get_text()
    [link] = [a for a in soup.select("main a") if " ".join(a.get_text().split()) == "See the 3 pieces of feedback "
              "tagged to this commitment"]
    assert len(_references(page(client.get(link["href"])))) == 3
    assert soup.select_one("#quotes").get_text(strip=True) == (
        "No quotes were chosen from the feedback tagged to this commitment.")


def test_the_commitment_page_shows_the_quotes_chosen_from_its_feedback(client, login_as, db, charter):
    email, respect = charter.commitments[0], charter.commitments[4]
    officer = make_staff(role=Role.COMPLAINTS_OFFICER)
    for month, commitments, words in ((9, [email], "Nobody answered my email, 01632 960123."),
                                      (6, [email, respect], "The reply was quick and kind."),
                                      (7, [respect], "Staff were polite.")):
        item = make_feedback(kind="comment", channel="email", received_on=date(2025, month, 2),
                             commitments=commitments, description=words)
        choose_quote(item, words, by=officer)
    review = _review(db)
    login_as(Role.VIEWER)
    soup = page(client.get(f"/reviews/{review.id}/evidence/E-01"))
    quotes = [[p.get_text(" ", strip=True) for p in quote.select("p")]
              for quote in soup.select("#quotes .govuk-inset-text")]
    assert quotes == [["The reply was quick and kind.", "Comment received in June 2025"],
                      ["Nobody answered my email, [phone number].", "Comment received in September 2025"]]


def test_a_promise_with_no_number_says_so_and_an_unknown_code_is_not_found(client, login_as, db, charter):
    review = _review(db)
    login_as(Role.VIEWER)
    soup = page(client.get(f"/reviews/{review.id}/evidence/R-01"))
    assert "not measurable" in soup.select_one("#not-measurable").get_text()
    assert client.get(f"/reviews/{review.id}/evidence/NOPE").status_code == 404


def test_the_rows_behind_a_channel_statistics_figure_are_listed(client, login_as, db, charter):
    from channel_stats.importing import import_csv

    rows = ("month,channel,service,calls_offered,calls_answered,answered_within_150s\n"
            "2025-03,phone,,100,90,50\n2025-06,phone,,1000,950,880\n2025-07,phone,,500,480,470\n")
    assert import_csv(rows, charter, by=None, source="calls.csv")[1] == []
    review = _review(db)
    login_as(Role.POLICY_OFFICER)
    soup = page(client.get(f"/reviews/{review.id}/evidence/P-01"))
    link = soup.select_one("#measure-1 + dl a[href^='/channel-statistics/rows']")
    listed = page(client.get(link["href"]))
    assert [tr.select("th, td")[0].get_text(strip=True) for tr in listed.select("main tbody tr")] == [
        "June 2025", "July 2025"]


def test_the_summary_says_how_much_of_the_year_is_tagged_to_a_commitment(client, login_as, db, charter, emails):
    counted, others = emails
    for item in counted[:3]:
        item.commitments.append(charter.commitments[0])
    db.session.commit()
    year = [item for item in counted + others if YEAR.starts_on <= item.received_on <= YEAR.ends_on]
    review = _review(db)
    login_as(Role.POLICY_OFFICER)
    soup = page(client.get(f"/reviews/{review.id}/evidence"))
    share = " ".join(soup.select_one("#tagged-share").get_text().split())
    assert f"{3 / len(year):.0%} of the year's feedback, complaints and survey comments (3 of {len(year)})" in share
    assert soup.select_one("#tagged-share a")["href"] == "/staff/untagged"

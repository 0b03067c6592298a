"""The published pack is kept as it was published: residents read the stored copy, never a pack built by their
visit; staff publish it again to take today's figures; moving the review back from adopted removes it."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from core.models import AuditEvent, Role
from core.timesource import set_today
from reviews.models import PublishedPack, Review, ReviewStage
from reviews.pack import publishing
from reviews.pack.builder import build_pack
from reviews.pack.model import Chart, Column, Kind, ReviewPack, Section, Table
from reviews.pack.stored import from_json, to_json
from reviews.stages import move_stage
from tests.helpers import make_feedback, make_staff, page
from tests.reviews.conftest import MONDAY, YEAR

#: The Email row of "Feedback by channel" for the fixture's ten emails: 1 compliment, 6 comments, 3 complaints.
EMAIL_ROW = ["Email", "1", "6", "3", "0", "10"]
#: ... and after one more comment arrives.
EMAIL_ROW_LATER = ["Email", "1", "7", "3", "0", "11"]


def _review(db, stage: str = ReviewStage.EVIDENCE) -> Review:
    review = Review(council_slug="harrow", title=YEAR.title, starts_on=YEAR.starts_on, ends_on=YEAR.ends_on,
                    stage=stage)
    db.session.add(review)
    db.session.commit()
    return review


def _email_row(soup) -> list[str]:
    return [c.get_text(strip=True) for c in soup.select_one("#feedback-by-channel tbody tr").select("th, td")]


def _adopt(review: Review, officer) -> None:
    while review.stage != ReviewStage.ADOPTED:
        move_stage(review, "forward", by=officer)


def test_a_pack_with_every_kind_of_cell_reads_back_exactly():
    cells = ("Email", 7, 0.7, Decimal("1250.50"), date(2025, 6, 2), None)
    table = Table("t", "Every cell", tuple(Column(h, k) for h, k in zip(
        "abcdef", (Kind.TEXT, Kind.COUNT, Kind.SHARE, Kind.MONEY, Kind.DATE, Kind.DECIMAL), strict=True)),
                  (cells, ("", -3, 1 / 3, Decimal("0.10"), date(2026, 3, 31), float("inf"))))
    pack = ReviewPack("harrow", "Harrow Council", "April 2025 to March 2026", date(2025, 4, 1), date(2026, 3, 31),
                      (Section("s", "A section", ("A paragraph.",), (table,),
                               (Chart("t", "A chart", "bar", ("b", "c"), "Seven of ten."),)),
                       Section("empty", "Nothing", ("No data for this year",))))
    # Through text, as the database keeps it.
    again = from_json(json.loads(json.dumps(to_json(pack), allow_nan=False)))
    assert again == pack
    # Equal is not enough (7 == 7.0 == Decimal(7)): each cell keeps its type, and Decimals their places.
    assert [type(value) for row in again.tables[0].rows for value in row] == [
        str, int, float, Decimal, date, type(None), str, int, float, Decimal, date, float]
    assert str(again.tables[0].rows[1][3]) == "0.10"
    assert again.tables[0].columns[3].kind is Kind.MONEY


def test_a_cell_of_another_type_is_refused_rather_than_stored_as_something_else():
    from datetime import datetime

    pack = ReviewPack("harrow", "Harrow", "2025", date(2025, 1, 1), date(2025, 12, 31),
                      (Section("s", "S", (), (Table("t", "T", (Column("a"),), ((datetime(2025, 1, 1, 9, 0),),)),)),))
    with pytest.raises(TypeError, match="datetime"):
        to_json(pack)


def test_the_real_pack_round_trips(db, emails):
    built = build_pack(YEAR)
    assert from_json(json.loads(json.dumps(to_json(built)))) == built


def test_residents_read_the_stored_copy_and_their_visits_never_build_the_pack(client, db, emails, monkeypatch):
    # Adopted before packs were kept: the first visit builds the pack once and keeps it.
    _review(db, stage=ReviewStage.ADOPTED)
    first = page(client.get("/our-charter/how-we-did"))
    assert _email_row(first) == EMAIL_ROW
    assert first.select_one("#published-on").get_text(strip=True) == "Published on 20 April 2026"
    assert db.session.query(PublishedPack).count() == 1

    def no_building(review, **_options):
        raise AssertionError("a resident's visit built the pack")

    # Every build starts from the review's evidence.
    monkeypatch.setattr("reviews.pack.builder.evidence_for", no_building)
    response = client.get("/our-charter/how-we-did")
    assert response.status_code == 200
    assert _email_row(page(response)) == EMAIL_ROW


def test_two_first_visits_at_once_keep_one_copy(client, db, emails, monkeypatch):
    review = _review(db, stage=ReviewStage.ADOPTED)

    def built_while_another_visit_stored_it(built_for):
        pack = build_pack(built_for)
        # The other visit, a moment earlier, stored its copy and committed.
        db.session.add(PublishedPack(review_id=review.id, content=to_json(pack)))
        db.session.commit()
        return pack

    monkeypatch.setattr(publishing, "build_pack", built_while_another_visit_stored_it)
    response = client.get("/our-charter/how-we-did")
    assert response.status_code == 200 and _email_row(page(response)) == EMAIL_ROW
    assert db.session.query(PublishedPack).count() == 1


def test_a_figure_that_changes_after_publication_waits_until_staff_publish_again(client, login_as, db, emails):
    officer = login_as(Role.POLICY_OFFICER)
    review = _review(db)
    _adopt(review, officer)
    stored = db.session.query(PublishedPack).one()
    assert stored.published_by_id == officer.id
    # A comment by email that arrived in the year, recorded after publication.
    make_feedback(channel="email", kind="comment", received_on=MONDAY)
    set_today(date(2026, 4, 22))

    assert _email_row(page(client.get("/our-charter/how-we-did"))) == EMAIL_ROW
    staff_page = page(client.get(f"/reviews/{review.id}/pack"))
    assert _email_row(staff_page) == EMAIL_ROW_LATER
    assert "Residents see the pack as it was published on 20 April 2026." in staff_page.select_one(
        "#published").get_text(" ", strip=True)
    assert staff_page.select_one("#publish-again").get_text(strip=True) == "Publish again with today's figures"

    response = client.post(f"/reviews/{review.id}/publish")
    assert response.headers["Location"] == f"/reviews/{review.id}/pack"
    banner = page(client.get(response.headers["Location"])).select_one(".govuk-notification-banner--success")
    assert "Residents now see the pack with the figures of 22 April 2026" in banner.get_text(" ", strip=True)
    public = page(client.get("/our-charter/how-we-did"))
    assert _email_row(public) == EMAIL_ROW_LATER
    assert public.select_one("#published-on").get_text(strip=True) == "Published on 22 April 2026"
    assert db.session.query(PublishedPack).count() == 1
    audits = db.session.query(AuditEvent).filter_by(action="review.pack_published", target_id=review.id).all()
    assert [(a.actor_id, a.before) for a in audits] == [(officer.id, None),
                                                        (officer.id, {"published_at": audits[0].after["published_at"]})]


def test_moving_the_review_back_removes_the_copy_and_adopting_it_again_publishes_todays(client, db, emails):
    officer = make_staff(role=Role.POLICY_OFFICER)
    review = _review(db)
    _adopt(review, officer)
    assert db.session.query(PublishedPack).count() == 1
    move_stage(review, "back", by=officer)
    assert db.session.query(PublishedPack).count() == 0
    assert client.get("/our-charter/how-we-did").status_code == 404
    make_feedback(channel="email", kind="comment", received_on=MONDAY)
    move_stage(review, "forward", by=officer)
    assert _email_row(page(client.get("/our-charter/how-we-did"))) == EMAIL_ROW_LATER


def test_readers_see_when_it_was_published_and_only_policy_officers_publish_again(client, login_as, db, emails):
    review = _review(db)
    _adopt(review, make_staff(role=Role.POLICY_OFFICER))
    login_as(Role.VIEWER)
    soup = page(client.get(f"/reviews/{review.id}/pack"))
    assert "published on 20 April 2026" in soup.select_one("#published").get_text(" ", strip=True)
    assert soup.select_one("#publish-again") is None
    assert client.post(f"/reviews/{review.id}/publish").status_code == 403


def test_a_review_residents_do_not_read_cannot_be_published(client, login_as, db, emails):
    review = _review(db, stage=ReviewStage.DECISIONS)
    login_as(Role.POLICY_OFFICER)
    assert page(client.get(f"/reviews/{review.id}/pack")).select_one("#published") is None
    response = client.post(f"/reviews/{review.id}/publish", follow_redirects=True)
    assert "Only the pack of the adopted review that residents read can be published again" in page(
        response).get_text(" ")
    assert db.session.query(PublishedPack).count() == 0


def test_a_review_adopted_before_packs_were_kept_can_be_published_by_staff_before_any_visit(client, login_as, db,
                                                                                            emails):
    review = _review(db, stage=ReviewStage.ADOPTED)
    officer = login_as(Role.POLICY_OFFICER)
    soup = page(client.get(f"/reviews/{review.id}/pack"))
    assert "Residents will see the pack as it is when it is first opened" in soup.select_one("#published").get_text()
    assert soup.select_one("#publish-again").get_text(strip=True) == "Publish with today's figures"
    client.post(f"/reviews/{review.id}/publish")
    assert db.session.query(PublishedPack).one().published_by_id == officer.id

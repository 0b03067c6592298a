"""The pack's co-design and equalities sections, added by codesign: who took part, results and decisions per
proposal, and support by equality group with small groups suppressed (figures counted by hand)."""

from __future__ import annotations

from datetime import date

import pytest

from codesign import services
from codesign.services.consultation import ShowOfSupport
from reviews.pack.builder import build_pack
from tests.codesign.factories import answers, equality_answer, published_consultation, respond_on_paper, respond_online


@pytest.fixture
def consulted(app, monkeypatch):
    monkeypatch.setitem(app.config, "CHARTERLINE_SURVEY_MIN_RESPONSES", 3)
    consultation, proposals, officer = published_consultation()
    first = proposals[0]
    sex = lambda label: equality_answer(consultation, "What is your sex?", label)  # noqa: E731
    for key, scale, given in (("a", 5, "Female"), ("b", 4, "Female"), ("c", 2, "Male"), ("d", 3, "Female")):
        respond_online(consultation, key, {**answers(first, scale), **sex(given)})
    respond_on_paper(consultation, {**answers(first, 5), **sex("Female")}, officer)
    respond_on_paper(consultation, answers(first, 1, "Too slow already"), officer)
    services.record_event(consultation, kind="drop_in", held_on=date(2026, 6, 8), place="Town hall", attendance=12,
                          support={first.id: ShowOfSupport(6, 2, 2, "Most liked it")}, by=officer)
    return consultation


def test_who_took_part_and_the_results_per_proposal(consulted):
    pack = build_pack(consulted.review)
    keys = [section.key for section in pack.sections]
    assert keys.index("codesign") == keys.index("learning") + 1
    assert keys.index("equalities") == keys.index("codesign") + 1
    assert keys.index("equalities-consultation") == keys.index("equalities") + 1
    taking_part = dict(pack.table("codesign-taking-part").rows)
    assert taking_part["Consultation responses online"] == 4
    assert taking_part["Consultation responses on paper"] == 2
    assert (taking_part["Consultation events"], taking_part["Attendance at events"]) == (1, 12)
    first = pack.table("codesign-proposals").rows[0]
    # 16 answered (4 online, 2 on paper, 10 hands at the event), 9 supported, 4 opposed.
    assert first[:6] == (1, "T-02", first[2], "We will treat you with courtesy and respect.", 16, 0.5625)
    assert first[8] == 4 / 16 and first[10] == "Not decided yet"
    assert first[6] == pytest.approx(0.3318, abs=1e-4) and first[7] == pytest.approx(0.7690, abs=1e-4)


def test_equality_groups_below_the_minimum_show_no_figures(consulted):
    rows = {row[2]: row for row in build_pack(consulted.review).table("equalities-consultation").rows}
    # Female: 4 answered, 3 supported; Male: 1 answered, below the minimum of 3.
    assert rows["Female"][3:] == (4, 0.75, None)
    assert rows["Male"][3:] == (None, None, "Fewer than 3 responses")

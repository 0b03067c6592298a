"""Charter files: every seed loads, every problem is reported with its line, and a bad file loads nothing."""

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.charters import (
    CharterFileError,
    CharterRuleError,
    describe_standard,
    edit_commitment_wording,
    load_charter_file,
    parse_charter,
    publish_draft,
    published_charter,
    start_draft,
)
from core.models import Charter, Commitment, Role
from core.standards import Standard
from tests.helpers import make_staff, page

CHARTERS = Path(__file__).resolve().parents[2] / "charters"
SEED_FILES = sorted(CHARTERS.glob("*.toml"))

GOOD = """\
[charter]
council = "testshire"
council_name = "Testshire Council"
title = "Our promises"
version = 1

[[commitments]]
code = "T-01"
channel = "email"
wording = "We will reply to emails within 3 working days."
metric = "reply"
target = 3
unit = "working_days"
share = 0.9
"""


def test_there_is_a_charter_file_for_each_seed_council():
    assert {p.stem for p in SEED_FILES} == {"barnet", "barnet-group", "care-code", "harrow", "north-norfolk"}


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.stem)
def test_every_seed_charter_loads(path, db):
    charter, created = load_charter_file(path)
    assert created and charter.status == "published" and charter.commitments
    assert load_charter_file(path) == (charter, False)


def test_seed_standards_are_captured():
    by_code = {}
    for path in SEED_FILES:
        for c in parse_charter(path.read_text()).commitments:
            for s in c.standards:
                by_code[(path.stem, s.metric, s.target, s.unit, s.rule)] = c
    expected = [
        ("harrow", "answer", 30.0, "seconds", None),
        ("harrow", "acknowledge", 24.0, "hours", None),
        ("harrow", "reply", 3.0, "working_days", "working-days:3"),
        ("harrow", "reply", 5.0, "working_days", "working-days:5"),
        ("north-norfolk", "answer", 150.0, "seconds", None),
        ("north-norfolk", "respond_voicemail", 1.0, "working_days", "working-days:1"),
        ("north-norfolk", "connect_chat", 3.0, "minutes", None),
    ]
    for key in expected:
        assert key in by_code, key
    rules = {(p.stem, s.rule) for p in SEED_FILES
             for c in parse_charter(p.read_text()).commitments for s in c.standards}
    assert ("north-norfolk", "foi") in rules and ("north-norfolk", "sar") in rules


def test_a_good_file_parses_and_derives_its_rule():
    spec = parse_charter(GOOD)
    assert spec.council_slug == "testshire"
    assert spec.commitments[0].standards[0].rule == "working-days:3"


def test_every_problem_is_reported_with_its_line(db, tmp_path):
    bad = GOOD.replace('channel = "email"', 'channel = "pigeon"').replace("share = 0.9", "share = 9") + """
[[commitments]]
code = "T-01"
wording = "Duplicate code."
metric = "reply"
"""
    with pytest.raises(CharterFileError) as exc:
        parse_charter(bad, "bad.toml")
    lines = exc.value.lines()
    assert any(line.startswith("bad.toml:9: 'channel' must be one of") for line in lines), lines
    assert any(line.startswith("bad.toml:14: 'share' must be a fraction") for line in lines), lines
    assert any(line.startswith("bad.toml:17: commitment code 'T-01' appears twice") for line in lines), lines
    assert any("a measurable standard needs metric, target and unit (missing target, unit)" in line
               for line in lines), lines


@pytest.mark.parametrize(("change", "message"), [
    (("version = 1", "version = 9223372036854775808"), "'version' must be a whole number from 1 to 2,147,483,647"),
    (('code = "T-01"', 'code = "T-01"\nnumber = 9223372036854775808'), "'number' must be a whole number from 1"),
    (("target = 3", "target = inf"), "'target' must be a number from 0 to 2,147,483,647"),
    (("target = 3", "target = nan"), "'target' must be a number from 0 to 2,147,483,647"),
    (('channel = "email"', 'channel = ["email"]'), "'channel' must be one of"),
    (('metric = "reply"', 'metric = {reply = 1}'), "'metric' must be one of"),
    (('unit = "working_days"', 'unit = ["working_days"]'), "'unit' must be one of"),
])
def test_values_no_database_column_holds_are_reported(change, message):
    with pytest.raises(CharterFileError) as exc:
        parse_charter(GOOD.replace(*change), "odd.toml")
    assert any(message in line for line in exc.value.lines()), exc.value.lines()


@pytest.mark.parametrize("rows", ['service_areas = [1, "two"]', 'service_areas = [{code = "a", name = "A", '
                                  'regime = ["ho"]}]'])
def test_service_areas_that_are_not_tables_are_reported(rows):
    with pytest.raises(CharterFileError) as exc:
        parse_charter(rows + "\n" + GOOD, "odd.toml")
    assert any("service area must be a [[service_areas]] table" in line or "'regime' must be" in line
               for line in exc.value.lines()), exc.value.lines()


def test_commitments_that_are_not_tables_are_reported():
    with pytest.raises(CharterFileError) as exc:
        parse_charter('commitments = [3]\n' + GOOD.split("[[commitments]]")[0], "odd.toml")
    assert any("each commitment must be a [[commitments]] table" in line for line in exc.value.lines())


def test_syntax_errors_name_the_line():
    with pytest.raises(CharterFileError) as exc:
        parse_charter('[charter]\ncouncil = "x"\ntitle = \n', "broken.toml")
    assert exc.value.problems[0][0] == 3


def test_a_bad_file_loads_nothing(db, runner, tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(GOOD.replace('unit = "working_days"', 'unit = "fortnights"'))
    result = runner.invoke(args=["charters", "load", str(path)])
    assert result.exit_code == 1
    assert f"{path}:13: 'unit' must be one of" in result.output
    assert "was not loaded" in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(Charter)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(Commitment)) == 0


def test_cli_loads_a_good_file(runner, tmp_path):
    path = tmp_path / "good.toml"
    path.write_text(GOOD)
    result = runner.invoke(args=["charters", "load", str(path)])
    assert result.exit_code == 0, result.output
    assert "Loaded Testshire Council: Our promises, version 1, 1 commitments (1 measurable)." in result.output


def test_describe_standard():
    c = Commitment(standards=[Standard("reply", 3, "working_days", 0.9)])
    assert describe_standard(c) == "Time to reply in full: 3 working days (90% of cases)"
    assert describe_standard(Commitment(standards=[])) is None
    assert describe_standard(Commitment(standards=[Standard("answer", 1, "minutes")])) == \
        "Time to answer a call: 1 minute"


def test_draft_versions_keep_the_published_one_unchanged(db, tmp_path):
    path = tmp_path / "good.toml"
    path.write_text(GOOD)
    published, _ = load_charter_file(path)
    policy = make_staff(role=Role.POLICY_OFFICER)
    draft = start_draft(published, by=policy)
    assert (draft.version, draft.status) == (2, "draft")
    assert start_draft(published, by=policy) is draft
    with pytest.raises(CharterRuleError):
        edit_commitment_wording(published.commitments[0], "Changed", by=policy)
    edit_commitment_wording(draft.commitments[0], "We will reply within 2 working days.", by=policy)
    assert published.commitments[0].wording.startswith("We will reply to emails")
    assert published_charter("testshire") == published
    publish_draft(draft, by=policy, effective_from=date(2027, 4, 1))
    assert published_charter("testshire") == draft
    assert published.status == "retired"


def test_charter_pages_for_staff(client, login_as, tmp_path):
    path = tmp_path / "good.toml"
    path.write_text(GOOD)
    charter, _ = load_charter_file(path)
    login_as(Role.VIEWER)
    soup = page(client.get("/charters"))
    assert "Testshire Council" in soup.select_one("table").get_text()
    soup = page(client.get(f"/charters/{charter.id}"))
    assert "Time to reply in full: 3 working days (90% of cases)" in soup.select_one("table").get_text()
    assert not soup.select("main form button")  # a viewer cannot start a draft
    assert client.post(f"/charters/{charter.id}/draft").status_code == 403


def test_policy_officer_edits_wording_as_a_new_draft(client, login_as, db, tmp_path):
    path = tmp_path / "good.toml"
    path.write_text(GOOD)
    charter, _ = load_charter_file(path)
    login_as(Role.POLICY_OFFICER)
    response = client.post(f"/charters/{charter.id}/draft")
    draft = db.session.scalar(db.select(Charter).where(Charter.status == "draft"))
    assert response.headers["Location"] == f"/charters/{draft.id}"
    commitment = draft.commitments[0]
    soup = page(client.post(f"/charters/{draft.id}/commitments/{commitment.id}", data={"wording": ""}))
    assert "Enter what the commitment says" in soup.select_one(".govuk-error-summary").get_text()
    client.post(f"/charters/{draft.id}/commitments/{commitment.id}", data={"wording": "New words."})
    soup = page(client.post(f"/charters/{draft.id}/publish", data={"effective_from": ["31", "2", "2027"]}))
    assert "must be a real date" in soup.select_one(".govuk-error-summary").get_text()
    client.post(f"/charters/{draft.id}/publish", data={"effective_from": ["1", "4", "2027"]})
    db.session.refresh(draft)
    assert draft.status == "published" and draft.commitments[0].wording == "New words."
    soup = page(client.get(f"/charters/{draft.id}"))
    assert "Reworded commitment T-01" in soup.get_text()


def test_residents_see_the_published_charter(client, tmp_path):
    load_charter_file(CHARTERS / "harrow.toml")
    soup = page(client.get("/our-charter"))
    assert "answer your telephone call within 30 seconds" in soup.get_text()


def test_published_commitments_are_read_once_per_version(db):
    from sqlalchemy import event

    from core.charters import published_commitments_of
    from tests.helpers import make_charter

    reads = []

    def count(_connection, _cursor, statement, *_rest):
        if "FROM commitment" in statement:
            reads.append(statement)

    make_charter()
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert [c.code for c in published_commitments_of("harrow")] == ["T-01", "T-02"]
        assert [c.code for c in published_commitments_of("harrow")] == ["T-01", "T-02"]
        assert len(reads) == 1
        make_charter(version=2, commitments=[{"code": "T-09", "wording": "We will answer the phone."}])
        assert [c.code for c in published_commitments_of("harrow")] == ["T-09"]
        assert len(reads) == 2
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    kept = published_commitments_of("harrow")[0]
    attached = db.session.merge(kept, load=False)
    assert attached in db.session and attached.wording == "We will answer the phone."
    assert attached is db.session.get(Commitment, kept.id)
    assert published_commitments_of("north-norfolk") == ()


def test_two_people_starting_a_draft_at_once_share_one(db, tmp_path, monkeypatch):
    path = tmp_path / "good.toml"
    path.write_text(GOOD)
    published, _ = load_charter_file(path)
    policy = make_staff(role=Role.POLICY_OFFICER)
    theirs = start_draft(published, by=policy)
    # The second request looked before the first had saved its draft: it saw no draft and the same latest version.
    real_scalar = db.session.scalar
    stale = [None, published.version]

    def scalar(*args, **kwargs):
        return stale.pop(0) if stale else real_scalar(*args, **kwargs)

    monkeypatch.setattr(db.session, "scalar", scalar)
    mine = start_draft(published, by=policy)
    monkeypatch.undo()
    assert mine.id == theirs.id and mine.version == 2
    assert db.session.scalar(select(func.count()).select_from(Charter)) == 2


def test_a_refused_publish_is_shown_on_the_form(client, login_as, db, tmp_path, monkeypatch):
    path = tmp_path / "good.toml"
    path.write_text(GOOD)
    charter, _ = load_charter_file(path)
    policy = login_as(Role.POLICY_OFFICER)
    draft = start_draft(charter, by=policy)

    def published_meanwhile(*args, **kwargs):  # someone else published it after this page checked
        raise CharterRuleError("This version is already published.")

    monkeypatch.setattr("staff.views.publish_draft", published_meanwhile)
    soup = page(client.post(f"/charters/{draft.id}/publish", data={"effective_from": ["1", "4", "2027"]}))
    assert "This version is already published." in soup.select_one(".govuk-error-summary").get_text()
    assert soup.select_one("#effective_from-error") or soup.select_one(".govuk-error-message")

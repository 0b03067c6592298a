"""Every shape of standard that councils publish loads from a charter file, reads back and is described in plain
English; each wrong way of writing one is refused with its line."""

import pytest

from core.charters import CharterFileError, describe_standard, load_charter_file, parse_charter, start_draft
from core.models import Role
from core.standards import Standard
from tests.helpers import make_staff, page

EVERY_SHAPE = """\
[charter]
council = "shapeshire"
council_name = "Shapeshire Council"
title = "Every kind of promise"
seconds_per_ring = 5

[[commitments]]
code = "S-01"
channel = "phone"
wording = "We aim to answer 85% of calls within 15 seconds."
metric = "answer"
target = 15
unit = "seconds"
share = 0.85

[[commitments]]
code = "S-02"
channel = "phone"
wording = "We will answer your call within four rings."
metric = "answer"
target = 4
unit = "rings"

[[commitments]]
code = "S-03"
channel = "phone"
wording = "If you are queued, we will put you through within 60 seconds."
metric = "put_through"
target = 60
unit = "seconds"

[[commitments]]
code = "S-04"
channel = "visit"
wording = "We will see you within 10 minutes, or within 5 minutes of your appointment time."

[[commitments.standards]]
metric = "see_visitor"
target = 10
unit = "minutes"

[[commitments.standards]]
metric = "see_appointment"
target = 5
unit = "minutes"

[[commitments]]
code = "S-05"
channel = "phone"
wording = "We will deal with an emergency immediately."
metric = "reply"
target = 0
unit = "working_days"

[[commitments]]
code = "S-06"
channel = "voicemail"
wording = "We will call you back by the end of the next working day."
metric = "call_back"
target = 1
unit = "working_days"

[[commitments]]
code = "S-07"
channel = "email"
wording = "We will acknowledge your email within 2 working days and reply within 5."

[[commitments.standards]]
metric = "acknowledge"
target = 2
unit = "working_days"

[[commitments.standards]]
metric = "reply"
target = 5
unit = "working_days"
share = 0.9

[[commitments]]
code = "S-08"
wording = "We will acknowledge a complaint within 5 working days and reply within 10."

[[commitments.standards]]
metric = "acknowledge"
target = 5
unit = "working_days"
subject = "complaint-stage-1"

[[commitments.standards]]
metric = "reply"
target = 10
unit = "working_days"
subject = "complaint-stage-1"

[[commitments]]
code = "S-09"
wording = "We will treat you with respect."

[[expectations]]
wording = "Treat staff with respect."

[[expectations]]
number = 2
wording = "Allow staff to speak."
"""

DESCRIBED = {
    "S-01": "Time to answer a call: 15 seconds (85% of cases)",
    "S-02": "Time to answer a call: 4 rings (about 20 seconds)",
    "S-03": "Time to put a queued call through: 60 seconds",
    "S-04": "Time to see a visitor without an appointment: 10 minutes; "
            "Time to see a visitor with an appointment: 5 minutes",
    "S-05": "Time to reply in full: the same working day",
    "S-06": "Time to call back: the end of the next working day",
    "S-07": "Time to acknowledge: 2 working days; Time to reply in full: 5 working days (90% of cases)",
    "S-08": "Time to acknowledge (complaints at stage 1): 5 working days; "
            "Time to reply in full (complaints at stage 1): 10 working days",
    "S-09": None,
}


def test_every_shape_reads_back():
    spec = parse_charter(EVERY_SHAPE)
    assert spec.seconds_per_ring == 5
    by_code = {c.code: c.standards for c in spec.commitments}
    assert by_code["S-01"] == [Standard("answer", 15.0, "seconds", share=0.85)]
    assert by_code["S-02"] == [Standard("answer", 4.0, "rings")]
    assert by_code["S-02"][0].seconds(spec.seconds_per_ring) == 20
    assert by_code["S-03"] == [Standard("put_through", 60.0, "seconds")]
    assert by_code["S-04"] == [Standard("see_visitor", 10.0, "minutes"), Standard("see_appointment", 5.0, "minutes")]
    assert by_code["S-05"] == [Standard("reply", 0.0, "working_days", rule="working-days:0")]
    assert by_code["S-06"] == [Standard("call_back", 1.0, "working_days", rule="working-days:1")]
    assert by_code["S-07"] == [Standard("acknowledge", 2.0, "working_days", rule="working-days:2"),
                               Standard("reply", 5.0, "working_days", share=0.9, rule="working-days:5")]
    assert by_code["S-08"] == [
        Standard("acknowledge", 5.0, "working_days", rule="working-days:5", subject="complaint-stage-1"),
        Standard("reply", 10.0, "working_days", rule="working-days:10", subject="complaint-stage-1"),
    ]
    assert by_code["S-09"] == []
    assert [(e.number, e.wording) for e in spec.expectations] == [
        (1, "Treat staff with respect."), (2, "Allow staff to speak."),
    ]


def test_every_shape_is_stored_and_described(db, tmp_path):
    path = tmp_path / "shapes.toml"
    path.write_text(EVERY_SHAPE)
    charter, _ = load_charter_file(path)
    assert charter.seconds_per_ring == 5
    assert {c.code: describe_standard(c) for c in charter.commitments} == DESCRIBED
    assert [c.code for c in charter.commitments if not c.is_measurable] == ["S-09"]
    assert [e.wording for e in charter.expectations] == ["Treat staff with respect.", "Allow staff to speak."]
    # Without the charter at hand, rings are described without their length.
    assert describe_standard(charter.commitments[1], seconds_per_ring=None) == \
        "Time to answer a call: 4 rings (about 20 seconds)"
    assert Standard("answer", 4, "rings").describe() == "Time to answer a call: 4 rings"


def test_a_draft_copies_standards_expectations_and_seconds_per_ring(db, tmp_path):
    path = tmp_path / "shapes.toml"
    path.write_text(EVERY_SHAPE)
    charter, _ = load_charter_file(path)
    draft = start_draft(charter, by=make_staff(role=Role.POLICY_OFFICER))
    assert draft.seconds_per_ring == 5
    assert [c.standards for c in draft.commitments] == [c.standards for c in charter.commitments]
    assert [(e.number, e.wording) for e in draft.expectations] == [(1, "Treat staff with respect."),
                                                                    (2, "Allow staff to speak.")]
    assert draft.commitments[0].standard_rows is not charter.commitments[0].standard_rows


def _problems(text: str) -> list[str]:
    with pytest.raises(CharterFileError) as exc:
        parse_charter(text, "bad.toml")
    return exc.value.lines()


@pytest.mark.parametrize(("change", "expected"), [
    (("seconds_per_ring = 5\n", ""),
     'bad.toml:21: a standard in rings needs seconds_per_ring in [charter], such as seconds_per_ring = 5'),
    (("seconds_per_ring = 5", "seconds_per_ring = 0"),
     "bad.toml:5: 'seconds_per_ring' must be a whole number of seconds from 1 to 60"),
    (('target = 0\nunit = "working_days"', 'target = 0\nunit = "calendar_days"'),
     "bad.toml:52: 'target' can be 0 only with unit = \"working_days\", meaning the same working day"),
    (('subject = "complaint-stage-1"\n\n[[commitments.standards]]\nmetric = "reply"',
      'subject = "complaint-stage-3"\n\n[[commitments.standards]]\nmetric = "reply"'),
     "bad.toml:87: 'subject' must be one of: complaint-stage-1, complaint-stage-2"),
    (('target = 10\nunit = "working_days"\nsubject = "complaint-stage-1"',
      'target = 7\nunit = "working_days"\nsubject = "complaint-stage-1"'),
     "bad.toml:91: a standard about complaints at stage 1 repeats the Complaint Handling Code's timescale, which "
     "the case's own clock measures: target = 10"),
    (('wording = "We will acknowledge your email within 2 working days and reply within 5."',
      'wording = "We will acknowledge your email within 2 working days and reply within 5."\nmetric = "reply"'),
     "bad.toml:67: write a commitment's standard either as keys on the commitment or as [[commitments.standards]] "
     "tables, not both"),
    (('number = 2\nwording = "Allow staff to speak."', 'number = 2'),
     "bad.toml:102: [expectations] needs 'wording'"),
    (('number = 2\nwording = "Allow staff to speak."', 'number = 1\nwording = "Allow staff to speak."'),
     "bad.toml:103: expectation number 1 appears twice"),
    (('target = 10\nunit = "minutes"', 'target = 10\nunits = "minutes"'),
     "bad.toml:40: unknown key 'units' in [[commitments.standards]]"),
    (('target = 10\nunit = "minutes"', 'target = 10'),
     "bad.toml:37: a standard needs metric, target and unit (missing unit)"),
    (('unit = "working_days"\nshare = 0.9', 'unit = "working_days"\nshare = 90'),
     "bad.toml:77: 'share' must be a fraction above 0 and at most 1, like 0.9 for 90%"),
])
def test_each_bad_shape_is_refused_with_its_line(change, expected):
    assert EVERY_SHAPE.count(change[0]) == 1, change[0]
    assert expected in _problems(EVERY_SHAPE.replace(*change))


def test_a_file_with_one_problem_loads_nothing(db, tmp_path):
    from sqlalchemy import func, select

    from core.models import Charter, Expectation

    path = tmp_path / "bad.toml"
    path.write_text(EVERY_SHAPE.replace('subject = "complaint-stage-1"\n\n', 'subject = "stage-1"\n\n'))
    with pytest.raises(CharterFileError):
        load_charter_file(path)
    assert db.session.scalar(select(func.count()).select_from(Charter)) == 0
    assert db.session.scalar(select(func.count()).select_from(Expectation)) == 0


def test_standards_written_inline_are_read_too():
    text = EVERY_SHAPE.replace('wording = "We will treat you with respect."',
                               'wording = "We will treat you with respect."\n'
                               'standards = [{metric = "reply", target = 3, unit = "working_days"}]')
    assert parse_charter(text).commitments[-1].standards == [Standard("reply", 3.0, "working_days",
                                                                      rule="working-days:3")]
    bad = text.replace('unit = "working_days"}]', 'unit = "fortnights"}]')
    assert any(line.startswith("bad.toml:98: 'unit' must be one of") for line in _problems(bad))


def test_staff_and_residents_see_each_standard_and_the_expectations(client, login_as, tmp_path, app, monkeypatch):
    path = tmp_path / "shapes.toml"
    path.write_text(EVERY_SHAPE)
    charter, _ = load_charter_file(path)
    monkeypatch.setitem(app.config, "CHARTERLINE_COUNCIL", "shapeshire")
    for url in (f"/charters/{charter.id}", "/our-charter"):
        if url.startswith("/charters"):
            login_as(Role.VIEWER)
        soup = page(client.get(url))
        text = " ".join(soup.get_text().split())
        for words in DESCRIBED.values():
            for part in (words or "Not measurable").split("; "):
                assert part in text, (url, part)
        heading = soup.find("h2", string=lambda s: s and "What we ask of you" in s)
        assert heading is not None, url
        assert [li.get_text(strip=True) for li in heading.find_next("ol").select("li")] == [
            "Treat staff with respect.", "Allow staff to speak."]


def test_the_seed_charters_use_the_new_shapes():
    from tests.core.test_charters import CHARTERS

    care = parse_charter((CHARTERS / "care-code.toml").read_text())
    assert care.seconds_per_ring == 5
    answer = next(c for c in care.commitments if c.code == "CCC-11").standards[0]
    assert answer.describe(care.seconds_per_ring) == "Time to answer a call: 4 rings (about 20 seconds) (90% of cases)"
    norfolk = parse_charter((CHARTERS / "north-norfolk.toml").read_text())
    call_back = next(c for c in norfolk.commitments if c.code == "NN-25").standards[0]
    assert call_back.describe() == "Time to call back: the end of the next working day"
    group = parse_charter((CHARTERS / "barnet-group.toml").read_text())
    assert [e.number for e in group.expectations] == [1, 2, 3, 4, 5]
    assert group.expectations[0].wording.startswith("Treat staff with respect.")
    assert group.expectations[4].wording.startswith("Not take things out on our staff if something goes wrong.")

"""Tests for deadline rules, the clock ledger and explanations: published vectors and ledger sequences."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.clocks.calendar import CALENDAR_NAMES, get_calendar
from core.clocks.deadline import add_months, compute
from core.clocks.ledger import Extension, Pause, Reset, ledger_from_json, ledger_to_json
from core.clocks.rules import RULES, ClockError, Unit, get_rule

D = date.fromisoformat
EW = "england-and-wales"


def due(rule, received, calendar=EW, ledger=(), closures=None):
    return compute(rule, D(received), get_calendar(calendar, closures), ledger).due


# --- Published vectors through the named rules ---------------------------------------------------------

# mySociety Alaveteli FOI vectors (deadline-vectors.md). The council's calendar is England and Wales,
# yet FOI must count on the union of UK holidays (FOIA s.10(6)), so these dates must still come out.
FOI_VECTORS = [
    ("2008-10-01", "2008-10-29"),
    ("2007-02-01", "2007-03-01"),
    ("2008-02-01", "2008-02-29"),
    ("2009-03-12", "2009-04-14"),
    ("2009-03-13", "2009-04-15"),
    ("2009-03-14", "2009-04-15"),
    ("2009-03-15", "2009-04-15"),
    ("2009-03-16", "2009-04-16"),
]


@pytest.mark.parametrize(("received", "expected"), FOI_VECTORS)
@pytest.mark.parametrize("calendar", [EW, "scotland"])
def test_foi_vectors_on_any_council_calendar(received, expected, calendar):
    assert due("foi", received, calendar) == D(expected)


@pytest.mark.parametrize(("received", "expected"), FOI_VECTORS)
def test_eir_counts_like_foi(received, expected):
    # EIR reg 5(2): 20 working days, with the FOIA meaning of working day.
    assert due("eir", received) == D(expected)


def test_alaveteli_england_and_wales_and_forty_day_vectors():
    # Alaveteli: 2009-03-12 + 20 WD is 2009-04-09 on England-and-Wales holidays; + 40 WD (union) 2009-05-13.
    assert due("working-days:20", "2009-03-12") == D("2009-04-09")
    assert due("foi-pit", "2009-03-12") == D("2009-05-13")
    assert due("eir-extended", "2009-03-12") == D("2009-05-13")
    assert due("working-days:40", "2009-03-12", "uk") == D("2009-05-13")


# Alaveteli calendar-day mode: 20 calendar days, rolled forward off weekends and holidays (union).
@pytest.mark.parametrize(
    ("received", "expected"),
    [
        ("2008-10-01", "2008-10-21"),
        ("2008-10-04", "2008-10-24"),
        ("2008-10-05", "2008-10-27"),
        ("2008-10-06", "2008-10-27"),
        ("2008-10-07", "2008-10-27"),
        ("2008-12-04", "2008-12-24"),
        ("2008-12-05", "2008-12-29"),
    ],
)
def test_calendar_day_vectors(received, expected):
    assert due("calendar-days:20", received, "uk") == D(expected)


def test_fixmystreet_vector_through_a_charter_rule():
    # FixMyStreet: holidays 2020-09-15 and 2020-09-21 only; from Saturday 2020-09-19, 1 WD on is 2020-09-22.
    closures = {D("2020-09-15"): "Closed", D("2020-09-21"): "Closed"}
    assert due("working-days:1", "2020-09-19", closures=closures) == D("2020-09-22")


# UK GDPR subject access: day of receipt is day 1; corresponding date next month, or the month's last day;
# rolled forward to a working day (deadline-vectors.md, complaint-codes.md §3).
@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2025-01-30", 1, "2025-02-28"),  # received 30 January, due 28 February
        ("2024-01-30", 1, "2024-02-29"),  # or 29 February in a leap year
        ("2026-01-15", 1, "2026-02-15"),
        ("2026-03-31", 1, "2026-04-30"),
        ("2026-01-31", 3, "2026-04-30"),
        ("2026-11-30", 3, "2027-02-28"),
        ("2026-12-15", 1, "2027-01-15"),
        ("2027-11-30", 3, "2028-02-29"),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(D(start), months) == D(expected)


@pytest.mark.parametrize(
    ("rule", "received", "calendar", "expected"),
    [
        ("sar", "2025-01-30", EW, "2025-02-28"),  # a Friday
        ("sar", "2024-01-30", EW, "2024-02-29"),  # leap year, a Thursday
        ("sar", "2026-01-30", EW, "2026-03-02"),  # 28 February 2026 is a Saturday
        ("sar", "2026-03-31", EW, "2026-04-30"),  # month end
        ("sar", "2026-11-25", EW, "2026-12-29"),  # Christmas Day, weekend, Boxing Day (observed)
        ("sar", "2026-10-30", "scotland", "2026-12-01"),  # St Andrew's Day
        ("sar", "2026-10-30", EW, "2026-11-30"),
        ("sar", "2026-03-03", EW, "2026-04-07"),  # 3 April is Good Friday: past the weekend and Easter Monday
        ("sar-extended", "2026-01-31", EW, "2026-04-30"),
        ("sar-extended", "2025-11-30", EW, "2026-03-02"),  # 28 February 2026 is a Saturday
    ],
)
def test_subject_access(rule, received, calendar, expected):
    assert due(rule, received, calendar) == D(expected)


# --- Complaint Handling Codes (LGSCO and Housing Ombudsman, aligned 2024 codes) ------------------------

CODE_CASES = [
    # (stage rule, start, calendar, expected), worked by hand from the holiday lists
    ("stage1-ack", "2026-12-21", EW, "2026-12-30"),  # 5 WD over Christmas Day and Boxing Day (observed)
    ("stage1-response", "2026-03-31", EW, "2026-04-16"),  # 10 WD over Good Friday and Easter Monday
    ("stage1-response", "2026-03-31", "scotland", "2026-04-15"),  # no Easter Monday in Scotland
    ("stage1-extended", "2026-03-31", EW, "2026-04-30"),  # 10 + the full 10 WD extension
    ("stage2-ack", "2026-07-08", "northern-ireland", "2026-07-16"),  # Battle of the Boyne substitute day
    ("stage2-ack", "2026-07-08", EW, "2026-07-15"),
    ("stage2-response", "2026-11-16", "scotland", "2026-12-15"),  # St Andrew's Day
    ("stage2-response", "2026-11-16", EW, "2026-12-14"),
    ("stage2-extended", "2026-11-16", "scotland", "2027-01-18"),  # Christmas, New Year, 2 January substitute
    ("stage1-ack", "2026-03-14", EW, "2026-03-20"),  # Saturday receipt: as from Friday 13 March
    ("stage1-ack", "2024-02-26", EW, "2024-03-04"),  # leap day counts
]


@pytest.mark.parametrize("code", ["lgsco", "ho"])
@pytest.mark.parametrize(("stage", "start", "calendar", "expected"), CODE_CASES)
def test_complaint_code_clocks(code, stage, start, calendar, expected):
    assert due(f"{code}-{stage}", start, calendar) == D(expected)


def test_complaint_clocks_skip_closures_but_foi_does_not():
    # A council closure day stops complaint clocks; FOI working days ignore closures (FOIA s.10(6)).
    closures = {D("2026-03-04"): "Staff training day"}
    assert due("lgsco-stage1-ack", "2026-03-02", closures=closures) == D("2026-03-10")
    assert due("lgsco-stage1-ack", "2026-03-02") == D("2026-03-09")
    assert due("foi", "2026-03-02", closures=closures) == due("foi", "2026-03-02")
    assert due("sar", "2026-03-06", closures={D("2026-04-07"): "Closed"}) == D("2026-04-07")


def test_charter_standards():
    assert due("working-days:3", "2026-12-23") == D("2026-12-30")
    assert due("calendar-days:3", "2024-02-27") == D("2024-03-01")  # leap year: 28, 29 February, 1 March
    assert due("calendar-days:3", "2023-02-27") == D("2023-03-02")


# --- Rules as data -----------------------------------------------------------------------------------------


def test_every_named_rule_is_present():
    stages = ["stage1-ack", "stage1-response", "stage1-extended", "stage2-ack", "stage2-response", "stage2-extended"]
    expected = {"foi", "foi-pit", "eir", "eir-extended", "sar", "sar-extended"}
    expected |= {f"{code}-{stage}" for code in ("lgsco", "ho") for stage in stages}
    assert set(RULES) == expected


def test_rules_know_their_citation_cap_and_calendar():
    assert get_rule("foi").uk_calendar and not get_rule("sar").uk_calendar
    assert get_rule("lgsco-stage1-response").citation == "LGSCO Complaint Handling Code 6.3"
    assert get_rule("ho-stage1-extended").extension.cap == 10
    assert get_rule("ho-stage2-response").extension.cap == 20
    assert get_rule("sar").extension.unit is Unit.MONTHS
    assert get_rule("lgsco-stage1-ack").extension is None
    assert get_rule("working-days:3").amount == 3


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("fio", "Unknown rule 'fio'. Use one of: foi, foi-pit"),
        ("calendar-days:0", "N must be a whole number from 1 to 3660"),
        ("working-days:-3", "N must be a whole number from 0 to 1000"),
        ("working-days:abc", "N must be a whole number"),
        ("working-days:\u00b2", "N must be a whole number"),  # isdigit() is true for superscripts; int() refuses
        ("working-days:1001", "from 0 to 1000"),
        ("working-days:", "Unknown rule"),
        ("calendar-days:9999", "from 1 to 3660"),
    ],
)
def test_bad_rule_names(name, message):
    with pytest.raises(ClockError, match=message):
        get_rule(name)


@pytest.mark.parametrize(
    ("received", "due_on"),
    [
        ("2026-12-03", "2026-12-03"),  # a Thursday: due that day
        ("2026-12-05", "2026-12-07"),  # a Saturday: the Monday, the first day anyone can act on it
        ("2026-12-24", "2026-12-24"),  # Christmas Eve is a working day
        ("2026-12-25", "2026-12-29"),  # Christmas Day: Boxing Day's substitute (Monday 28th) is a bank holiday too
    ],
)
def test_working_days_0_is_due_the_same_working_day(received, due_on):
    # A charter's "immediately" or "the same working day": day 0 is the day of receipt (rule working-days:0).
    deadline = compute("working-days:0", D(received), get_calendar(EW))
    assert deadline.due == D(due_on)
    assert deadline.explain()[0].startswith("The council must meet this charter standard on the same working day")


def test_compute_takes_a_rule_object():
    rule = get_rule("foi")
    assert compute(rule, D("2009-03-12"), get_calendar(EW)).due == D("2009-04-14")


def test_dates_beyond_the_calendar_are_a_clock_error():
    with pytest.raises(ClockError, match=r"Cannot work out the foi due date: .* covers \(1900 to 2100\)"):
        compute("foi", D("2100-12-20"), get_calendar(EW))


# --- The ledger: pause, extend, reset -------------------------------------------------------------------


def test_pause_does_not_count_the_paused_working_days():
    # FOIA s.10(2): fees notice Thursday 5 March, fee received Tuesday 10 March 2026; both days excluded.
    # Two working days ran before (3 and 4 March); 18 remain from 11 March, past St Patrick's Day and Easter.
    ledger = [Pause(D("2026-03-05"), D("2026-03-10"), "waiting for the fee")]
    assert due("foi", "2026-03-02") == D("2026-03-31")
    assert due("foi", "2026-03-02", ledger=ledger) == D("2026-04-08")


def test_open_pause_has_no_due_date():
    deadline = compute("foi", D("2026-03-02"), get_calendar(EW), [Pause(D("2026-03-05"), None, "waiting for the fee")])
    assert deadline.due is None
    assert deadline.paused_since == D("2026-03-05")
    assert "When it restarts, 18 working days will be left" in " ".join(deadline.explain())


def test_pause_on_the_due_date_leaves_one_day():
    ledger = [Pause(D("2026-03-31"), D("2026-04-01"), "waiting for the requester")]
    assert due("foi", "2026-03-02", ledger=ledger) == D("2026-04-02")


def test_pause_running_past_the_due_date():
    ledger = [Pause(D("2026-03-30"), D("2026-04-20"), "waiting for the requester")]
    assert due("foi", "2026-03-02", ledger=ledger) == D("2026-04-22")


def test_two_pauses():
    ledger = [
        Pause(D("2026-03-05"), D("2026-03-10"), "waiting for the fee"),
        Pause(D("2026-03-23"), D("2026-03-24"), "waiting for the requester"),
    ]
    assert due("foi", "2026-03-02", ledger=ledger) == D("2026-04-10")


def test_pause_on_a_calendar_day_clock():
    # 20 calendar days from 1 October 2008 is 21 October; three paused days move it to Friday 24 October.
    ledger = [Pause(D("2008-10-06"), D("2008-10-08"), "waiting for the resident")]
    assert due("calendar-days:20", "2008-10-01", "uk", ledger) == D("2008-10-24")


def test_stop_the_clock_on_a_subject_access_request():
    # Received 31 January 2026: one day ran, then 12 days waiting for identity (2 to 13 February); the other
    # 27 days of the month run from 14 February, moving Saturday 28 February to Thursday 12 March.
    ledger = [Pause(D("2026-02-02"), D("2026-02-13"), "waiting for proof of identity")]
    assert due("sar", "2026-01-31") == D("2026-03-02")
    assert due("sar", "2026-01-31", ledger=ledger) == D("2026-03-12")


def test_extension_within_the_cap():
    ledger = [Extension(D("2026-04-10"), 5, "a site visit is needed", "Complaints manager")]
    assert due("lgsco-stage1-response", "2026-03-31", ledger=ledger) == D("2026-04-23")


def test_extensions_add_up_to_the_cap():
    ledger = [
        Extension(D("2026-04-10"), 5, "a site visit is needed", "Complaints manager"),
        Extension(D("2026-04-20"), 5, "the contractor's report is late", "Complaints manager"),
    ]
    assert due("ho-stage1-response", "2026-03-31", ledger=ledger) == due("ho-stage1-extended", "2026-03-31")


def test_extended_rule_with_a_shorter_recorded_extension():
    ledger = [Extension(D("2026-04-10"), 5, "a site visit is needed", "Complaints manager")]
    assert due("lgsco-stage1-extended", "2026-03-31", ledger=ledger) == D("2026-04-23")


def test_extension_over_the_cap_names_the_rule_and_the_cap():
    ledger = [Extension(D("2026-04-01"), 12, "complex", "Complaints manager")]
    with pytest.raises(ClockError) as error:
        due("lgsco-stage1-extended", "2026-03-31", ledger=ledger)
    assert str(error.value) == (
        "An extension of 12 working days is more than the 10 working days allowed for lgsco-stage1-extended "
        "(LGSCO Complaint Handling Code 6.4)"
    )


def test_extensions_totalling_over_the_cap_are_refused():
    ledger = [
        Extension(D("2026-04-01"), 15, "complex", "Complaints manager"),
        Extension(D("2026-04-02"), 6, "more", "Complaints manager"),
    ]
    with pytest.raises(
        ClockError,
        match="Extensions totalling 21 working days are more than the 20 working days allowed for ho-stage2-extended",
    ):
        due("ho-stage2-response", "2026-03-31", ledger=ledger)


def test_subject_access_extension_is_in_months():
    ledger = [Extension(D("2026-02-10"), 2, "many records across services", "Data Protection Officer")]
    assert due("sar", "2026-01-15", ledger=ledger) == D("2026-04-15")
    too_long = [Extension(D("2026-02-10"), 3, "many records", "Data Protection Officer")]
    with pytest.raises(
        ClockError,
        match=r"An extension of 3 calendar months is more than the 2 calendar months "
        r"allowed for sar-extended \(UK GDPR Art 12\(3\)\)",
    ):
        due("sar", "2026-01-15", ledger=too_long)


def test_extension_must_be_agreed_before_the_due_date():
    ledger = [Extension(D("2026-04-17"), 5, "late", "Complaints manager")]
    with pytest.raises(ClockError, match="was due on Thursday 16 April 2026, and Friday 17 April 2026 is too late"):
        due("lgsco-stage1-response", "2026-03-31", ledger=ledger)


@pytest.mark.parametrize(
    ("rule", "extension", "message"),
    [
        ("lgsco-stage1-ack", Extension(D("2026-04-01"), 2, "busy", "Manager"), "cannot be extended"),
        ("working-days:3", Extension(D("2026-04-01"), 2, "busy", "Manager"), "cannot be extended"),
        ("foi", Extension(D("2026-04-01"), 0, "busy", "Manager"), "at least 1 working day"),
        ("foi", Extension(D("2026-04-01"), 5, " ", "Manager"), "Give a reason for the extension"),
        ("foi", Extension(D("2026-04-01"), 5, "busy", ""), "Say who agreed the extension"),
    ],
)
def test_bad_extensions(rule, extension, message):
    with pytest.raises(ClockError, match=message):
        due(rule, "2026-03-31", ledger=[extension])


def test_reset_restarts_from_the_clarification():
    # FOIA s.1(3): the clock runs from the clarification, 20 March 2026, over Easter.
    ledger = [Reset(D("2026-03-20"), "the requester clarified the request")]
    assert due("foi", "2026-03-02", ledger=ledger) == D("2026-04-21")


def test_reset_discards_earlier_pauses_and_extensions():
    earlier = [
        Pause(D("2026-03-05"), D("2026-03-10"), "waiting for the fee"),
        Extension(D("2026-03-11"), 20, "public interest test", "Information governance lead"),
    ]
    reset = Reset(D("2026-03-20"), "the requester clarified the request")
    assert due("foi", "2026-03-02", ledger=[*earlier, reset]) == due("foi", "2026-03-02", ledger=[reset])


def test_pause_extend_reset_sequence():
    ledger = [
        Pause(D("2026-03-05"), D("2026-03-10"), "waiting for the fee"),
        Reset(D("2026-03-20"), "the requester clarified the request"),
        Pause(D("2026-03-24"), D("2026-03-25"), "waiting for the fee"),
        Extension(D("2026-04-01"), 20, "public interest test", "Information governance lead"),
    ]
    # From 20 March: 40 WD, less 2 paused days, so 42 working days on from 20 March (union calendar).
    expected = get_calendar("uk").add_working_days(D("2026-03-20"), 42)
    assert due("foi", "2026-03-02", ledger=ledger) == expected == D("2026-05-22")


@pytest.mark.parametrize(
    ("ledger", "message"),
    [
        ([Pause(D("2026-03-10"), D("2026-03-05"), "x")], "A pause cannot end"),
        ([Pause(D("2026-04-01"), D("2026-04-02"), "x")], "was due on Tuesday 31 March 2026, so it cannot be paused"),
        ([Pause(D("2026-03-01"), D("2026-03-03"), "x")], "started on Monday 2 March 2026; nothing can change it"),
        (
            [Pause(D("2026-03-05"), D("2026-03-10"), "x"), Pause(D("2026-03-10"), D("2026-03-11"), "y")],
            "the previous pause of the foi clock ran to Tuesday 10 March 2026",
        ),
        ([Pause(D("2026-03-05"), None, "x"), Reset(D("2026-03-20"), "y")], "record when the pause ended"),
        ([Reset(D("2026-03-20"), "x"), Reset(D("2026-03-19"), "y")], "must be recorded in date order"),
        ([Reset(D("2026-03-20"), "")], "Give a reason for the reset"),
        ([Pause(D("2026-03-05"), D("2026-03-06"), "")], "Give a reason for the pause"),
    ],
)
def test_ledger_rules_are_enforced(ledger, message):
    with pytest.raises(ClockError, match=message):
        due("foi", "2026-03-02", ledger=ledger)


def test_ledger_json_round_trip():
    ledger = [
        Pause(D("2026-03-05"), D("2026-03-10"), "waiting for the fee"),
        Extension(D("2026-03-11"), 20, "public interest test", "Information governance lead"),
        Reset(D("2026-03-20"), "clarified"),
        Pause(D("2026-03-24"), None, "waiting again"),
    ]
    stored = ledger_to_json(ledger)
    assert stored[3] == {"type": "pause", "first_day": "2026-03-24", "last_day": None, "reason": "waiting again"}
    assert ledger_from_json(stored) == ledger


@pytest.mark.parametrize(
    "item", [{"type": "holiday"}, {"type": "pause"}, {"type": "reset", "on": "soon", "reason": "x"}]
)
def test_bad_stored_ledger_is_a_clock_error(item):
    with pytest.raises(ClockError, match="A stored ledger entry is not valid"):
        ledger_from_json([item])


# --- Explanations ----------------------------------------------------------------------------------------


def explain(rule, received, calendar=EW, ledger=(), closures=None):
    return "\n".join(compute(rule, D(received), get_calendar(calendar, closures), ledger).explain())


def test_foi_explanation_reads_as_plain_english():
    text = explain("foi", "2009-03-12")
    assert "Received on Thursday 12 March 2009 (day 0)." in text
    assert "Day 1 was Friday 13 March 2009, the first working day after day 0." in text
    assert "except bank holidays in any part of the UK (FOIA s.10(6))" in text
    assert "Weekend days not counted: 14, 15, 21, 22, 28 and 29 March 2009 and 4, 5, 11 and 12 April 2009." in text
    assert "Tuesday 17 March 2009 was not counted: Saint Patrick's Day (Northern Ireland), a bank holiday." in text
    assert "Friday 10 April 2009 was not counted: Good Friday, a bank holiday." in text
    assert "Monday 13 April 2009 was not counted: Easter Monday (England, Wales and Northern Ireland)" in text
    assert text.endswith(
        "Due by Tuesday 14 April 2009. It is on time if done on or before that day, and overdue "
        "from Wednesday 15 April 2009."
    )


def test_explanation_names_closures_pauses_and_extensions():
    closures = {D("2026-12-24"): "Christmas Eve closure"}
    ledger = [
        Pause(D("2026-12-01"), D("2026-12-04"), "waiting for the resident to send photos"),
        Extension(D("2026-12-10"), 5, "a site visit is needed", "Sam Patel"),
    ]
    text = explain("lgsco-stage1-response", "2026-11-26", closures=closures, ledger=ledger)
    assert "Acknowledged on Thursday 26 November 2026 (day 0)." in text
    assert (
        "The clock was paused from Tuesday 1 December 2026 to Friday 4 December 2026: waiting for the resident "
        "to send photos. The 4 working days in that time did not count."
    ) in text
    assert (
        "On Thursday 10 December 2026 the deadline was extended by 5 working days, agreed by Sam Patel: "
        "a site visit is needed."
    ) in text
    assert "Due by Wednesday 23 December 2026." in text
    extended = explain("lgsco-stage1-extended", "2026-11-26", closures=closures)
    assert "Thursday 24 December 2026 was not counted: the council was closed (Christmas Eve closure)." in extended
    assert (
        "This includes the longest extension allowed: 10 working days (LGSCO Complaint Handling Code 6.4)." in extended
    )


def test_subject_access_explanation_covers_month_end_and_roll_forward():
    text = explain("sar", "2026-01-30")
    assert "For this rule the day of receipt counts as day 1: Friday 30 January 2026." in text
    assert (
        "February 2026 has no 30th day, so 1 calendar month from Friday 30 January 2026 ends on the last day of "
        "that month, Saturday 28 February 2026." in text
    )
    assert "Saturday 28 February 2026 is not a working day, so the deadline moves to the next working day." in text
    assert "Weekend days skipped: 28 February 2026 and 1 March 2026." in text
    assert "Due by Monday 2 March 2026." in text


def test_calendar_day_explanation_names_skipped_holidays():
    text = explain("calendar-days:20", "2008-12-05", "uk")
    assert "20 days after day 0 is Thursday 25 December 2008." in text
    assert "Friday 26 December 2008 was skipped: Boxing Day, a bank holiday." in text


def test_reset_explanation():
    text = explain(
        "foi",
        "2026-03-02",
        ledger=[
            Pause(D("2026-03-05"), D("2026-03-10"), "waiting for the fee"),
            Reset(D("2026-03-20"), "the requester clarified the request"),
        ],
    )
    assert "The clock restarted on Friday 20 March 2026: the requester clarified the request." in text
    assert "Pauses and extensions recorded before the clock restarted no longer apply." in text
    assert "waiting for the fee" not in text


# --- Properties ------------------------------------------------------------------------------------------

rule_names = st.sampled_from([*RULES, "working-days:1", "working-days:3", "calendar-days:28", "calendar-days:7"])
closure_sets = st.one_of(
    st.just({}),
    st.dictionaries(st.dates(date(2026, 1, 1), date(2026, 12, 31)), st.just("Council closure"), max_size=4),
)


@settings(max_examples=150, deadline=None)
@given(
    name=rule_names,
    calendar=st.sampled_from(CALENDAR_NAMES),
    closures=closure_sets,
    start=st.dates(date(2025, 6, 1), date(2027, 6, 1)),
    pause_after=st.integers(0, 15),
    pause_days=st.integers(0, 10),
)
def test_due_dates_never_fall_on_a_non_working_day(name, calendar, closures, start, pause_after, pause_days):
    first = start + timedelta(days=pause_after)
    council = get_calendar(calendar, closures)
    plain = compute(name, start, council)
    assert plain.calendar.is_working_day(plain.due)
    assert plain.due > start
    if first <= plain.due:
        paused = compute(name, start, council, [Pause(first, first + timedelta(days=pause_days), "waiting")])
        assert paused.calendar.is_working_day(paused.due)
        assert paused.due > first + timedelta(days=pause_days)
        assert paused.due >= plain.due


def test_stored_ledger_is_not_checked_again_against_a_changed_calendar():
    # Agreed on the due date (29 December, with a 24 December closure); the closure later goes, and the
    # due date comes forward, but the extension recorded then still applies.
    ledger = [Extension(D("2026-12-29"), 2, "a site visit is needed", "Complaints manager")]
    with pytest.raises(ClockError, match="is too late"):
        due("lgsco-stage1-response", "2026-12-10", ledger=ledger)
    stored = compute("lgsco-stage1-response", D("2026-12-10"), get_calendar(EW), ledger, strict=False)
    assert stored.due == D("2026-12-30")


def test_a_pause_after_the_time_ran_out_changes_nothing():
    ledger = [Pause(D("2026-04-01"), D("2026-04-02"), "waiting for the requester")]
    assert compute("foi", D("2026-03-02"), get_calendar(EW), ledger, strict=False).due == D("2026-03-31")

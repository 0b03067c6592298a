"""Named deadline rules: the statutory clocks (FOI, EIR, SAR), the complaint codes' stage clocks and charter
standards ("working-days:3"), each with its amount, unit, calendar and extension policy, and the law it comes from.

The ledger of pauses, extensions and resets is in ``core.clocks.ledger``; working out a due date and explaining it
is ``core.clocks.deadline``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from core.clocks.calendar import WorkingCalendar, get_calendar
from core.errors import RuleError

ONE_DAY = timedelta(days=1)

#: Largest N accepted in ``working-days:N`` and ``calendar-days:N``.
MAX_WORKING_DAYS = 1000
MAX_CALENDAR_DAYS = 3660


class ClockError(RuleError, ValueError):
    """A rule, start date or ledger entry that cannot give a due date; the message says why."""


class Unit(StrEnum):
    WORKING_DAYS = "working day"
    CALENDAR_DAYS = "day"
    MONTHS = "calendar month"

    def count(self, n: int) -> str:
        """``n`` of this unit in words: "1 working day", "10 working days"."""
        return f"{n} {self.value}" if n == 1 else f"{n} {self.value}s"


@dataclass(frozen=True)
class ExtensionPolicy:
    """How far a rule's clock may be extended, and where that limit comes from."""

    cap: int
    unit: Unit
    #: The rule naming the longest clock the limit allows (for example ``lgsco-stage1-extended``).
    rule_name: str
    citation: str


@dataclass(frozen=True)
class Rule:
    """A named deadline: an amount of time from a start event, counted on a calendar."""

    name: str
    #: What must happen by the due date, completing "The council must ...".
    duty: str
    amount: int
    unit: Unit
    citation: str
    #: What the start date records, as the start of a sentence ("Received", "Acknowledged").
    started: str = "Received"
    #: FOIA s.10(6): a bank holiday "in any part of the United Kingdom" is not a working day.
    uk_calendar: bool = False
    #: Whether council closure days stop the count (statutory clocks define working days themselves).
    closures_count: bool = True
    #: Day of receipt is day 1 rather than day 0 (UK GDPR subject access, per the ICO).
    receipt_is_day_one: bool = False
    extension: ExtensionPolicy | None = None
    #: The rule is the longest clock its extension allows: with no extension recorded, assume the cap.
    full_extension: bool = False

    def calendar_for(self, calendar: WorkingCalendar) -> WorkingCalendar:
        """The calendar this rule counts on, given the council's calendar."""
        if self.uk_calendar:
            return get_calendar("uk")
        return calendar if self.closures_count else calendar.without_closures()


# --- The rules ---------------------------------------------------------------------------------------

_FOI_PIT = ExtensionPolicy(20, Unit.WORKING_DAYS, "foi-pit", "FOIA s.10(3) and ICO guidance")
# EIR reg 7(1): up to 40 working days in all when a request is complex and voluminous.
_EIR_EXTENDED = ExtensionPolicy(
    20, Unit.WORKING_DAYS, "eir-extended", "Environmental Information Regulations 2004 reg 7(1)"
)
# UK GDPR Art 12(3): two further months where requests are complex or numerous.
_SAR_EXTENDED = ExtensionPolicy(2, Unit.MONTHS, "sar-extended", "UK GDPR Art 12(3)")

_FOI = {"uk_calendar": True, "closures_count": False}
_SAR = {"closures_count": False, "receipt_is_day_one": True}


def _statutory_rules() -> list[Rule]:
    wd, months = Unit.WORKING_DAYS, Unit.MONTHS
    foi_citation = "Freedom of Information Act 2000 s.10(1)"
    eir_citation = "Environmental Information Regulations 2004 reg 5(2)"
    return [
        Rule("foi", "answer a Freedom of Information request", 20, wd, foi_citation, **_FOI, extension=_FOI_PIT),
        Rule(
            "foi-pit",
            "answer a Freedom of Information request that needs a public interest test",
            20,
            wd,
            foi_citation,
            **_FOI,
            extension=_FOI_PIT,
            full_extension=True,
        ),
        # EIR reg 2(1) gives "working day" the FOIA s.10(6) meaning, so EIR also counts on the UK calendar.
        Rule(
            "eir", "answer an environmental information request", 20, wd, eir_citation, **_FOI, extension=_EIR_EXTENDED
        ),
        Rule(
            "eir-extended",
            "answer a complex and voluminous environmental information request",
            20,
            wd,
            eir_citation,
            **_FOI,
            extension=_EIR_EXTENDED,
            full_extension=True,
        ),
        Rule("sar", "answer a subject access request", 1, months, "UK GDPR Art 12(3)", **_SAR, extension=_SAR_EXTENDED),
        Rule(
            "sar-extended",
            "answer a complex subject access request",
            1,
            months,
            "UK GDPR Art 12(3)",
            **_SAR,
            extension=_SAR_EXTENDED,
            full_extension=True,
        ),
    ]


def _complaint_code_rules(prefix: str, code: str) -> list[Rule]:
    """The stage clocks shared by the LGSCO and Housing Ombudsman codes (aligned 2024 codes)."""
    wd = Unit.WORKING_DAYS
    stage1_ext = ExtensionPolicy(10, wd, f"{prefix}-stage1-extended", f"{code} 6.4")
    # Stage 2 extension: at most 20 working days, as councils applying both codes set it out.
    stage2_ext = ExtensionPolicy(20, wd, f"{prefix}-stage2-extended", f"{code}, stage 2")
    ack1 = "Acknowledged"
    request2 = "Escalation to stage 2 requested"
    return [
        Rule(f"{prefix}-stage1-ack", "acknowledge a stage 1 complaint", 5, wd, f"{code} 6.2"),
        Rule(f"{prefix}-stage1-response", "respond at stage 1", 10, wd, f"{code} 6.3", ack1, extension=stage1_ext),
        Rule(
            f"{prefix}-stage1-extended",
            "respond at stage 1 after an extension",
            10,
            wd,
            f"{code} 6.3 and 6.4",
            ack1,
            extension=stage1_ext,
            full_extension=True,
        ),
        Rule(f"{prefix}-stage2-ack", "acknowledge a stage 2 complaint", 5, wd, f"{code}, stage 2", request2),
        Rule(
            f"{prefix}-stage2-response",
            "give the stage 2 final response",
            20,
            wd,
            f"{code}, stage 2",
            ack1,
            extension=stage2_ext,
        ),
        Rule(
            f"{prefix}-stage2-extended",
            "give the stage 2 final response after an extension",
            20,
            wd,
            f"{code}, stage 2",
            ack1,
            extension=stage2_ext,
            full_extension=True,
        ),
    ]


RULES: dict[str, Rule] = {
    rule.name: rule
    for rule in [
        *_statutory_rules(),
        *_complaint_code_rules("lgsco", "LGSCO Complaint Handling Code"),
        *_complaint_code_rules("ho", "Housing Ombudsman Complaint Handling Code"),
    ]
}

#: Each parametric form's unit and the smallest and largest N. "working-days:0" is a charter's "the same working
#: day" ("we will deal with it immediately"): day 0 is the day of receipt, so the action is due on day 0 itself when
#: that is a working day, and on the first working day after it otherwise (see core.clocks.deadline). A promise of
#: 0 calendar days means nothing that 0 working days does not, so calendar days start at 1.
_PARAMETRIC = {
    "working-days": (Unit.WORKING_DAYS, 0, MAX_WORKING_DAYS),
    "calendar-days": (Unit.CALENDAR_DAYS, 1, MAX_CALENDAR_DAYS),
}


def rule_names() -> list[str]:
    """Every named rule, plus the two parametric forms."""
    return [*RULES, "working-days:N", "calendar-days:N"]


def get_rule(name: str) -> Rule:
    """The rule called ``name``: a named rule, ``working-days:N`` or ``calendar-days:N``."""
    if name in RULES:
        return RULES[name]
    kind, _, amount = name.partition(":")
    if kind not in _PARAMETRIC or not amount:
        raise ClockError(f"Unknown rule '{name}'. Use one of: {', '.join(rule_names())}")
    return _parametric_rule(kind, amount)


def _parametric_rule(kind: str, amount: str) -> Rule:
    unit, smallest, largest = _PARAMETRIC[kind]
    if not (amount.isascii() and amount.isdigit()) or not smallest <= int(amount) <= largest:
        raise ClockError(f"In rule '{kind}:{amount}', N must be a whole number from {smallest} to {largest}")
    n = int(amount)
    # Charter standards such as "reply to emails within 3 working days" count on the council's calendar.
    return Rule(f"{kind}:{n}", "meet this charter standard", n, unit, "the council's charter")

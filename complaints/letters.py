"""Complaint letters: who they go to, what each one must say, and drafting them from their templates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import current_app

from complaints import deadlines
from complaints.models import (
    Complaint,
    ComplaintLetter,
    Exclusion,
    LetterKind,
    Outcome,
    RemedyKind,
)
from core.extensions import db
from core.models import Resident, ServiceArea, StaffUser


@dataclass(frozen=True)
class Ombudsman:
    name: str
    short_name: str
    website: str
    phone: str
    post: str
    email: str
    #: How long the resident has to go to the Ombudsman, in plain words.
    time_limit: str


#: Contact details every extension, refusal, final response and restriction letter must give
#: (Complaint Handling Code 6.5 and 2.2; LGSCO Code chapter 3). Checked in November 2026 against the details
#: councils and landlords publish for each Ombudsman; check them again when an Ombudsman announces a change.
OMBUDSMEN = {
    "lgsco": Ombudsman(
        name="Local Government and Social Care Ombudsman",
        short_name="the Ombudsman",
        website="www.lgo.org.uk",
        phone="0300 061 0614",
        post="PO Box 4771, Coventry, CV4 0EH",
        email="",
        # Local Government Act 1974 s.26B: within 12 months of first having notice of the matter.
        time_limit="You should normally contact the Ombudsman within 12 months of when you first knew about "
                   "the problem. The Ombudsman can sometimes look at complaints made later than that.",
    ),
    "ho": Ombudsman(
        name="Housing Ombudsman Service",
        short_name="the Housing Ombudsman",
        website="www.housing-ombudsman.org.uk",
        phone="0300 111 3000",
        post="PO Box 1484, Unit D, Preston, PR2 0ET",
        email="info@housing-ombudsman.org.uk",
        # Housing Ombudsman Scheme: not normally considered 12 months or more after the final response.
        time_limit="You should contact the Housing Ombudsman within 12 months of the date of this final "
                   "response. After that, the Ombudsman will only look at your complaint if you explain why "
                   "you could not contact them sooner.",
    ),
}

SUBJECTS = {
    LetterKind.ACKNOWLEDGEMENT: "We have received your complaint",
    LetterKind.EXTENSION: "We need more time to respond to your complaint",
    LetterKind.REFUSAL: "We cannot take your complaint forward",
    LetterKind.STAGE1_RESPONSE: "Our response to your complaint",
    LetterKind.STAGE2_RESPONSE: "Our final response to your complaint",
    LetterKind.RESTRICTION: "How you can contact us from now on",
}

_OUTCOME_WORDS = {
    Outcome.UPHELD: "We uphold this part of your complaint",
    Outcome.PARTLY_UPHELD: "We partly uphold this part of your complaint",
    Outcome.NOT_UPHELD: "We do not uphold this part of your complaint",
}


def recipient(resident: Resident | None) -> tuple[str, str, str]:
    """(channel, address, format) for a letter to this resident, honouring how they asked us to reply."""
    if resident is None:
        return "letter", "No contact details given: keep on file", "standard"
    fmt = resident.letter_format
    postal = "\n".join(part for part in (resident.name, resident.address, resident.postcode) if part)
    if resident.email and (resident.reply_by in (None, "email") or not resident.address) and fmt == "standard":
        return "email", resident.email, fmt
    if resident.address:
        return "letter", postal, fmt
    if resident.email:
        return "email", resident.email, fmt
    return "letter", postal or "No postal address given: keep on file", fmt


def ombudsman_for(regime: str) -> Ombudsman:
    return OMBUDSMEN[regime]


def _money(amount: Decimal | None) -> str:
    return "" if amount is None else f"£{amount:,.2f}"


def _day(value: date | None) -> str:
    return deadlines.long_date(value) if value else ""


def _contact() -> dict:
    cfg = current_app.config
    return {"council_name": cfg["COUNCIL_NAME"], "complaints_email": cfg["CHARTERLINE_COMPLAINTS_EMAIL"],
            "complaints_phone": cfg["CHARTERLINE_COMPLAINTS_PHONE"]}


def complaint_context(complaint: Complaint, kind: str, payload: dict, *, by: StaffUser, on: date) -> dict:
    """Everything a complaint letter's template uses: the case, the payload being recorded, and contacts."""
    item = complaint.feedback
    resident = item.resident
    context = {
        **_contact(),
        "kind": kind,
        "on": _day(on),
        "reference": item.reference,
        "resident_name": resident.name if resident and resident.name else "Sir or Madam",
        "stage": complaint.stage,
        "received_on": _day(item.received_on),
        "escalated_on": _day(complaint.escalated_on),
        "service": item.service_area.name if item.service_area else "",
        "signer": by.name,
        "ombudsman": ombudsman_for(complaint.regime),
        "points": [p.summary for p in complaint.points_for(complaint.stage)],
        "stage1_points": [p.summary for p in complaint.points_for(1)],
    }
    builder = _BUILDERS.get(kind)
    if builder:
        context.update(builder(complaint, payload, on))
    return context


def _acknowledgement(complaint: Complaint, payload: dict, on: date) -> dict:
    stage = complaint.stage
    due, _ = deadlines.stage_due(complaint.regime, stage, deadlines.RESPOND, on)
    return {"points": payload["points"], "response_due": _day(due),
            "response_days": deadlines.CLOCK_DAYS[(stage, deadlines.RESPOND)]}


def _extension(complaint: Complaint, payload: dict, on: date) -> dict:
    return {"reason": payload["reason"], "days": payload["days"],
            "previous_due": _day(date.fromisoformat(payload["previous_due_on"])),
            "new_due": _day(date.fromisoformat(payload["new_due_on"]))}


def _refusal(complaint: Complaint, payload: dict, on: date) -> dict:
    return {"exclusion": Exclusion(payload["exclusion"]).label, "reason": payload["reason"]}


def _response(complaint: Complaint, payload: dict, on: date) -> dict:
    response = complaint.response_for(complaint.stage)
    findings = []
    for point in complaint.points_for(complaint.stage):
        finding = response.finding_for(point) if response else None
        findings.append({
            "point": point.summary,
            "decision": _OUTCOME_WORDS[Outcome(finding.outcome)] if finding else "",
            "reasons": finding.reasons if finding else "",
        })
    remedies = [
        {"kind": RemedyKind(r.kind).label, "description": r.description, "responsible": r.responsible,
         "due": _day(r.due_on), "amount": _money(r.amount), "done": r.completed_on is not None}
        for r in complaint.remedies if response and r.response_id == response.id
    ]
    return {"findings": findings, "remedies": remedies,
            "outstanding": [r for r in remedies if not r["done"]]}


_BUILDERS = {
    LetterKind.ACKNOWLEDGEMENT: _acknowledgement,
    LetterKind.EXTENSION: _extension,
    LetterKind.REFUSAL: _refusal,
    LetterKind.STAGE1_RESPONSE: _response,
    LetterKind.STAGE2_RESPONSE: _response,
}


def restriction_context(resident: Resident, payload: dict, *, regime: str, by: StaffUser, on: date) -> dict:
    area = db.session.get(ServiceArea, payload["service_area_id"]) if payload.get("service_area_id") else None
    return {
        **_contact(),
        "kind": LetterKind.RESTRICTION.value,
        "on": _day(on),
        "resident_name": resident.name or "Sir or Madam",
        "signer": by.name,
        "reason": payload["reason"],
        "restrictions": payload["restrictions"],
        "scope": area.name if area else "all council services",
        "channels_open": payload["channels_open"],
        "review_on": _day(date.fromisoformat(payload["review_on"])),
        "ombudsman": ombudsman_for(regime),
    }


def render_body(kind: str, context: dict) -> str:
    # Straight from the Jinja environment: letters are also drafted outside a request (commands, demo data).
    text = current_app.jinja_env.get_template(f"complaints/letters/{kind}.txt").render(**context)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def required_parts(kind: str, context: dict) -> list[tuple[str, str]]:
    """(what it is, the exact words) that a letter of this kind must still contain when it is sent."""
    ombudsman = context["ombudsman"]
    contact = [("the Ombudsman's name", ombudsman.name), ("the Ombudsman's phone number", ombudsman.phone),
               ("the Ombudsman's website", ombudsman.website)]
    if kind == LetterKind.RESTRICTION:
        return [("the reason for the decision", context["reason"]), ("the review date", context["review_on"]),
                ("the right of appeal", "appeal"), *contact]
    parts = [("the complaint reference", context["reference"])]
    if kind == LetterKind.ACKNOWLEDGEMENT:
        # HO Code 6.2: acknowledged, defined and logged; the definition is the points we will answer.
        parts += [(f"point {n}", point) for n, point in enumerate(context["points"], 1)]
        parts += [("the date we will respond by", context["response_due"])]
    elif kind == LetterKind.EXTENSION:
        # Code 6.4-6.5: the reason, the new date and the Ombudsman's contact details.
        parts += [("the reason for the extension", context["reason"]), ("the new date", context["new_due"]),
                  *contact]
    elif kind == LetterKind.REFUSAL:
        # Code 2.2 and LGSCO chapter 3: the reasons, and the right to take the decision to the Ombudsman.
        parts += [("the reason for refusing", context["reason"]), *contact]
    elif kind in (LetterKind.STAGE1_RESPONSE, LetterKind.STAGE2_RESPONSE):
        parts += [(f"the decision on point {n}", f["decision"]) for n, f in enumerate(context["findings"], 1)]
        parts += [(f"the reasons for point {n}", f["reasons"]) for n, f in enumerate(context["findings"], 1)]
        parts += [(f"remedy: {r['kind'].lower()}", r["description"]) for r in context["remedies"]]
        if kind == LetterKind.STAGE1_RESPONSE:
            # Code 6.12: how to escalate, without having to give a reason.
            parts += [("how to ask for a stage 2 review", "stage 2")]
        else:
            parts += [("that this is our final response", "final response"), *contact,
                      ("the Ombudsman's time limit", "12 months")]
    return parts


def missing_parts(body: str, kind: str, context: dict) -> list[str]:
    return [label for label, words in required_parts(kind, context) if words and words not in body]


def discard_drafts(complaint_id: int | None, kind: str) -> None:
    """A new draft replaces any unsent draft of the same kind."""
    if complaint_id is None:
        return
    for letter in db.session.scalars(
        db.select(ComplaintLetter).where(ComplaintLetter.complaint_id == complaint_id,
                                         ComplaintLetter.kind == kind, ComplaintLetter.status == "draft")
    ):
        letter.status = "discarded"

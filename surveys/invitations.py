"""Who is invited to which survey and when: rules, single-use invitations through the outbox, and opt-outs."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from core.audit import record_audit
from core.contacts import ContactRecord, ContactSource, find_by_reference, record_contact
from core.extensions import db
from core.formatting import govuk_date
from core.models import Channel, ServiceArea, StaffUser
from core.outbox import clear_messages_about, queue_message
from core.timesource import now, uk_date
from surveys.models import (
    Invitation,
    InvitationRule,
    InvitationStatus,
    OptOut,
    RuleTrigger,
    SkipReason,
    Survey,
)
from surveys.services import live_version, new_token

#: Where residents answer and opt out; the views serve these paths.
ANSWER_PATH = "/surveys/i/{token}"
OPT_OUT_PATH = "/surveys/i/{token}/stop"


# --- Addresses and opt-outs -----------------------------------------------------------------------------------


def normalise_address(address: str) -> str:
    """One form per person: email addresses lower-cased; UK phone numbers as digits starting 0."""
    address = address.strip()
    if "@" in address:
        return address.lower()
    digits = re.sub(r"\D", "", address)
    if digits.startswith("44"):
        digits = "0" + digits[2:]
    return digits


def address_hash(address: str) -> str:
    """SHA-256 of the normalised address: what opt-outs and the re-invite rule keep, never the address itself."""
    return hashlib.sha256(normalise_address(address).encode("utf-8")).hexdigest()


def is_opted_out(*addresses: str | None) -> bool:
    hashes = [address_hash(a) for a in addresses if a]
    return bool(hashes) and db.session.scalar(select(exists().where(OptOut.address_hash.in_(hashes))))


def opt_out(*addresses: str | None, source: str = "link") -> int:
    """Never invite these addresses again; returns how many were new. Safe to repeat."""
    added = 0
    for address in addresses:
        if not address:
            continue
        hashed = address_hash(address)
        if db.session.scalar(select(exists().where(OptOut.address_hash == hashed))):
            continue
        db.session.add(OptOut(address_hash=hashed, source=source))
        added += 1
    db.session.commit()
    return added


def opt_out_by_invitation(invitation: Invitation) -> None:
    """The one-click opt-out in every invitation: works even after the link is used, expired or anonymised."""
    contact = invitation.contact
    addresses = [contact.email, contact.phone]
    if any(addresses):
        opt_out(*addresses, source="link")
    elif invitation.recipient_hash and not db.session.scalar(
            select(exists().where(OptOut.address_hash == invitation.recipient_hash))):
        db.session.add(OptOut(address_hash=invitation.recipient_hash, source="link"))
        db.session.commit()


def clear_invitation_emails(contact_ids: list[int]) -> None:
    """The contacts' details were cleared: so are the address and text of the invitations emailed to them, and
    any not yet sent are never sent. The decisions stay (the address is kept only as its hash, for opt-outs and the
    re-invite rule), and so do the answers, which never named anyone."""
    clear_messages_about(Invitation.__tablename__,
                         select(Invitation.id).where(Invitation.contact_id.in_(contact_ids)).scalar_subquery())


# --- Rules ----------------------------------------------------------------------------------------------------


def create_rule(*, survey: Survey, trigger: str, channel: str | None, service_area: ServiceArea | None,
                delay_hours: int, by: StaffUser | None) -> InvitationRule:
    rule = InvitationRule(survey=survey, trigger=RuleTrigger(trigger).value, channel=channel or None,
                          service_area=service_area, delay_hours=delay_hours,
                          created_by_id=by.id if by is not None else None)
    db.session.add(rule)
    record_audit(rule, "invitation_rule_created", by=by,
                 after={"survey": survey.title, "trigger": rule.trigger, "channel": rule.channel,
                        "service": service_area.code if service_area else None, "delay_hours": delay_hours})
    db.session.commit()
    return rule


def set_rule_active(rule: InvitationRule, active: bool, *, by: StaffUser) -> None:
    if rule.active != active:
        rule.active = active
        record_audit(rule, "invitation_rule_" + ("started" if active else "stopped"), by=by)
        db.session.commit()


def _trigger_of(contact: ContactRecord) -> str:
    return RuleTrigger.COMPLAINT_CLOSED if contact.source == ContactSource.COMPLAINT else RuleTrigger.CONTACT


def rule_for(contact: ContactRecord, rules: list[InvitationRule]) -> InvitationRule | None:
    """The most specific active rule for this contact: service and channel, then service, then channel, then any."""
    trigger = _trigger_of(contact)
    matching = [r for r in rules
                if r.active and r.trigger == trigger
                and r.channel in (None, contact.channel)
                and r.service_area_id in (None, contact.service_area_id)]
    return max(matching, key=lambda r: (r.specificity, r.id), default=None)


def active_rules() -> list[InvitationRule]:
    return list(db.session.scalars(select(InvitationRule).where(InvitationRule.active.is_(True))))


# --- Invitations ----------------------------------------------------------------------------------------------


@dataclass
class InviteReport:
    sent: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    #: Contacts with a rule whose delay has not passed yet, or whose survey is not live.
    waiting: int = 0

    def summary(self) -> str:
        skipped = sum(self.skipped.values())
        reasons = ", ".join(f"{SkipReason(k).label.lower()}: {v}" for k, v in sorted(self.skipped.items()))
        return (f"Sent {self.sent} invitation{'s' if self.sent != 1 else ''}, skipped {skipped}"
                + (f" ({reasons})" if reasons else "") + f", {self.waiting} waiting.")


def _recently_invited(recipient: str, at: datetime) -> bool:
    since = at - timedelta(days=current_app.config["CHARTERLINE_SURVEY_REINVITE_DAYS"])
    return bool(db.session.scalar(select(exists().where(
        Invitation.recipient_hash == recipient, Invitation.status == InvitationStatus.SENT,
        Invitation.sent_at >= since))))


def _link(path: str) -> str:
    return current_app.config["CHARTERLINE_BASE_URL"].rstrip("/") + path


def _invitation_email(invitation: Invitation, survey: Survey, token: str) -> tuple[str, str]:
    contact = invitation.contact
    council = current_app.config["COUNCIL_NAME"]
    if contact.source == ContactSource.COMPLAINT:
        about = "We have closed your complaint. Please tell us how we handled it."
    else:
        how = Channel(contact.channel).label.lower() if contact.channel in set(Channel) else contact.channel
        service = f" about {contact.service_area.name.lower()}" if contact.service_area else ""
        about = f"You contacted us ({how}){service} on {govuk_date(contact.occurred_at)}. Please tell us how we did."
    body = (
        f"{about}\n\n"
        f"Answer our short survey, “{survey.title}”:\n{_link(ANSWER_PATH.format(token=token))}\n\n"
        f"The link works once and until {govuk_date(invitation.expires_at)}. You do not have to answer, and you "
        "can answer without giving your name.\n\n"
        f"If you do not want any more survey invitations from us:\n{_link(OPT_OUT_PATH.format(token=token))}\n\n"
        f"{council}"
    )
    return f"Tell us how we did – {council}", body


def decide(contact: ContactRecord, rule: InvitationRule, survey: Survey, at: datetime) -> Invitation:
    """Invite this contact, or record why not; the caller commits."""
    invitation = Invitation(survey_id=survey.id, contact=contact, rule_id=rule.id, channel=contact.channel,
                            service_area_id=contact.service_area_id)
    reason = None
    if not contact.email:
        # Invitations go by email: the outbox sends email and letters, and a letter per contact is not proportionate.
        reason = SkipReason.NO_EMAIL
    elif is_opted_out(contact.email, contact.phone):
        reason = SkipReason.OPTED_OUT
    else:
        invitation.recipient_hash = address_hash(contact.email)
        if _recently_invited(invitation.recipient_hash, at):
            reason = SkipReason.RECENTLY_INVITED
    if reason is not None:
        invitation.status = InvitationStatus.SKIPPED
        invitation.skip_reason = reason.value
        db.session.add(invitation)
        return invitation
    token, hashed = new_token()
    invitation.status = InvitationStatus.SENT
    invitation.token_hash = hashed
    invitation.sent_at = at
    invitation.sent_month = uk_date(at).replace(day=1)
    invitation.expires_at = at + timedelta(days=current_app.config["CHARTERLINE_SURVEY_INVITATION_DAYS"])
    db.session.add(invitation)
    db.session.flush()
    subject, body = _invitation_email(invitation, survey, token)
    queue_message(to=contact.email, subject=subject, body=body, related=invitation)
    return invitation


def _still_free(contact_id: int) -> bool:
    """Whether the contact is still there and not held, as committed now, locking its row until the commit.

    Holding a contact writes its row and then checks for a decision (hold_while_reopened), so whichever of the
    two commits first wins: a decision committed first stands, and a hold committed first stops the decision.
    """
    row = db.session.execute(
        select(ContactRecord.held_at).where(ContactRecord.id == contact_id).with_for_update()).first()
    return row is not None and row.held_at is None


def _process(contact: ContactRecord, rules: list[InvitationRule], at: datetime, report: InviteReport) -> None:
    rule = rule_for(contact, rules)
    if rule is None:
        return
    survey = live_version(rule.survey)
    if survey is None or contact.occurred_at + timedelta(hours=rule.delay_hours) > at:
        report.waiting += 1
        return
    contact_id = contact.id
    try:
        invitation = decide(contact, rule, survey, at)
        db.session.flush()
        if not _still_free(contact_id):
            # The complaint was reopened while this run decided: the hold stands and nothing is sent.
            db.session.rollback()
            return
        db.session.commit()
    except IntegrityError:
        # Another run decided about this contact first; it is never invited twice.
        db.session.rollback()
        return
    if invitation.status == InvitationStatus.SENT:
        report.sent += 1
    else:
        report.skipped[invitation.skip_reason] = report.skipped.get(invitation.skip_reason, 0) + 1


def pending_contacts(at: datetime) -> list[int]:
    """Contacts recent enough to invite about that have no decision yet and are not held.

    A held contact (a closed complaint the resident escalated) is not waiting for an invitation: it waits for the
    case to end, so it is neither invited nor counted as waiting until it is released.
    """
    since = at - timedelta(days=current_app.config["CHARTERLINE_SURVEY_INVITE_WITHIN_DAYS"])
    decided = exists().where(Invitation.contact_id == ContactRecord.id)
    return list(db.session.scalars(
        select(ContactRecord.id)
        .where(ContactRecord.occurred_at >= since, ContactRecord.occurred_at <= at,
               ContactRecord.held_at.is_(None), ~decided)
        .order_by(ContactRecord.occurred_at, ContactRecord.id)
    ))


def send_due_invitations(*, at: datetime | None = None,
                         progress: Callable[[list[int]], object] | None = None) -> InviteReport:
    """Invite every contact whose rule's delay has passed; safe to run twice (one decision per contact)."""
    at = at or now()
    rules = active_rules()
    report = InviteReport()
    ids = pending_contacts(at) if rules else []
    for contact_id in (progress(ids) if progress else ids):
        contact = db.session.get(ContactRecord, contact_id)
        if contact is not None and contact.held_at is None:  # held if the case reopened meanwhile
            _process(contact, rules, at, report)
    return report


def _complaint_reference(complaint: object, feedback: object) -> str:
    return f"complaint-{getattr(complaint, 'id', None) or getattr(feedback, 'id', '')}"


def _release(contact: ContactRecord) -> None:
    """The complaint has ended: the held contact is dated now, so the rule's delay runs from the end of the case,
    and the resident is invited now if the rule has no delay."""
    contact.held_at = None
    contact.occurred_at = now()
    db.session.commit()
    _process(contact, active_rules(), now(), InviteReport())


def invite_after_complaint(complaint: object, *, feedback: object, regime: str) -> ContactRecord | None:
    """Record the closed complaint as a contact and invite the resident now if a rule says so without delay.

    Once per complaint: a case closed after stage 1 and closed again after stage 2 keeps its first contact, so
    the resident is asked about the complaint once. If the case reopened before that contact was invited, the
    contact was held (hold_while_reopened) and this final closure releases it, the delay counting from now.
    Returns the contact recorded or released, None when the first closure's contact stands. The contact keeps
    the complaint's regime, so a housing (Housing Ombudsman) complaint's survey asks the Tenant Satisfaction
    Measure TP09 question and other complaints' surveys do not.
    """
    reference = _complaint_reference(complaint, feedback)
    existing = find_by_reference(ContactSource.COMPLAINT, reference)
    if existing is not None:
        if existing.held_at is None:
            return None
        _release(existing)
        return existing
    resident = getattr(feedback, "resident", None)
    contact = record_contact(
        channel=getattr(feedback, "channel", None) or Channel.ANY, occurred_at=now(), source=ContactSource.COMPLAINT,
        service_area=getattr(feedback, "service_area", None), email=getattr(resident, "email", None),
        phone=getattr(resident, "phone", None), commitments=getattr(feedback, "commitments", None) or [],
        external_reference=reference, regime=regime, related=("feedback_item", feedback.id),
    )
    db.session.commit()
    _process(contact, active_rules(), now(), InviteReport())
    return contact


def on_complaint_closed(sender: object, **kwargs) -> None:
    """Receiver for core.events.complaint_closed (sender: the complaint; kwargs: feedback, regime, stage)."""
    invite_after_complaint(sender, feedback=kwargs["feedback"], regime=kwargs.get("regime") or "lgsco")


def hold_while_reopened(complaint: object, *, feedback: object) -> bool:
    """Hold a closed complaint's contact that no invitation has been decided for, because the case reopened.

    A resident who escalates has not finished with the complaint (Complaint Handling Code 6.10: what stage 1 left
    unresolved goes to stage 2), so asking how it was handled would come too early. The contact is kept (it is a
    contact that happened) but nobody is invited about it until the case ends: the final closure, or a
    withdrawal, releases it and the rule's delay runs from then, so the resident is surveyed once, after the
    case ends. A contact already decided about (invited, or skipped) stays as it is. Returns whether a contact
    was held.
    """
    contact = find_by_reference(ContactSource.COMPLAINT, _complaint_reference(complaint, feedback))
    if contact is None or contact.held_at is not None:
        return False
    contact.held_at = now()
    # Written before the check, so a run of `flask surveys invite` deciding at the same moment either committed
    # first (and is seen below) or finds the contact held when it locks the row (_still_free).
    db.session.flush()
    if db.session.scalar(select(exists().where(Invitation.contact_id == contact.id))):
        # `flask surveys invite` decided about it first: the invitation has gone, and it stands.
        db.session.rollback()
        return False
    db.session.commit()
    return True


def on_complaint_escalated(sender: object, **kwargs) -> None:
    """Receiver for core.events.complaint_escalated (sender: the complaint; kwargs: feedback)."""
    hold_while_reopened(sender, feedback=kwargs["feedback"])


def release_after_withdrawal(complaint: object, *, feedback: object) -> bool:
    """Release the contact held since the resident escalated, because they withdrew the complaint at stage 2.

    The case never closes again, yet the resident went through all of stage 1 and asked for stage 2 as they were
    entitled to (Complaint Handling Code 6.12), so how the complaint was handled is still worth asking about:
    once, the rule's delay counting from the withdrawal. A complaint withdrawn without ever having closed has no
    contact held, and gets no complaint-handling survey. Returns whether a contact was released.
    """
    contact = find_by_reference(ContactSource.COMPLAINT, _complaint_reference(complaint, feedback))
    if contact is None or contact.held_at is None:
        return False
    _release(contact)
    return True


def on_complaint_withdrawn(sender: object, **kwargs) -> None:
    """Receiver for core.events.complaint_withdrawn (sender: the complaint; kwargs: feedback, stage)."""
    release_after_withdrawal(sender, feedback=kwargs["feedback"])

"""Adopting the decisions makes the next charter version; the difference between versions is read commitment by
commitment: reworded, retargeted, new and stopped (retired)."""

from __future__ import annotations

from datetime import date

from codesign import services
from codesign.diff import ChangeKind, charter_diff
from codesign.queries import charter_history
from codesign.services.adoption import make_version, versions_due
from core.charters import published_charter
from core.models import AuditEvent, CharterStatus
from core.standards import Standard
from core.timesource import set_today, today, uk_date
from reviews.pack.publishing import stored_copy
from tests.codesign.factories import published_consultation


def _adopt_all(*, amend_new: str | None = None, reject_retire: bool = False):
    consultation, proposals, officer = published_consultation()
    set_today(date(2026, 7, 1))
    reword, retarget, retire, new = proposals
    services.decide(reword, decision="adopt", reason="Most people agreed", by=officer)
    services.decide(retarget, decision="adopt", reason="A target we can keep", by=officer)
    services.decide(retire, decision="reject" if reject_retire else "adopt", reason="Rings are not measured",
                    by=officer)
    if amend_new:
        services.decide(new, decision="amend", text=amend_new, reason="Clearer words", by=officer)
    else:
        services.decide(new, decision="adopt", reason="Web chat is popular", by=officer)
    old = published_charter("harrow")
    assert services.adopt_decisions(consultation, effective_from=date(2026, 10, 1), by=officer) is None
    # Until the day it comes into force, residents' feedback stays tagged to the version in force.
    assert published_charter("harrow").id == old.id and versions_due(date(2026, 9, 30)) == []
    set_today(date(2026, 10, 1))
    (due,) = versions_due(today())
    adopted = make_version(due, by=officer)
    assert versions_due(today()) == []
    return old, adopted, consultation


def test_adopting_makes_the_next_version_with_codes_kept_and_new_ones_added():
    old, adopted, consultation = _adopt_all(amend_new="We will answer web chats within 2 minutes, 9am to 5pm.")
    assert adopted.version == 2 and adopted.status == CharterStatus.PUBLISHED
    assert adopted.effective_from == date(2026, 10, 1)
    assert old.status == CharterStatus.RETIRED
    assert published_charter("harrow").id == adopted.id
    assert consultation.review.stage == "adopted"
    # Adopting published the review's pack for residents (1 July 2026), and it was published again with the
    # changes when the version came into force (1 October 2026).
    stored = stored_copy(consultation.review)
    assert uk_date(stored.published_at) == date(2026, 10, 1) and stored.published_by_id == consultation.adopted_by_id
    tables = [table["key"] for section in stored.content["sections"] for table in section["tables"]]
    assert "charter-changes" in tables
    published = [e.summary for e in AuditEvent.query.filter_by(action="review.pack_published").order_by(AuditEvent.id)]
    assert published == ["Pack published for residents with the figures of 1 July 2026",
                         "Pack published for residents with the figures of 1 October 2026"]
    rows = [(c.number, c.code, c.wording, c.standards) for c in adopted.commitments]
    assert rows == [
        (1, "T-01", "We will reply to your email within 3 working days.",
         (Standard("reply", 5, "working_days", 0.95, "working-days:5"),)),
        (2, "T-02", "We will treat you with courtesy and respect.", ()),
        (3, "N-01", "We will answer web chats within 2 minutes, 9am to 5pm.",
         (Standard("connect_chat", 2, "minutes"),)),
    ]
    assert adopted.commitments[2].channel == "web_chat"
    # The old version is still there, unchanged, for the evidence measured against it.
    assert [c.code for c in old.commitments] == ["T-01", "T-02", "T-03"]
    assert old.commitments[0].standards == (Standard("reply", 3, "working_days", 0.9, "working-days:3"),)


def test_the_difference_names_each_kind_of_change():
    old, adopted, _consultation = _adopt_all()
    changes = {c.code: c for c in charter_diff(old, adopted)}
    assert set(changes) == {"T-01", "T-02", "T-03", "N-01"}
    assert changes["T-02"].kinds == (ChangeKind.REWORDED,)
    assert (changes["T-02"].before, changes["T-02"].after) == ("We will treat you with respect.",
                                                               "We will treat you with courtesy and respect.")
    assert changes["T-01"].kinds == (ChangeKind.RETARGETED,)
    assert changes["T-01"].standards_before[0].target == 3 and changes["T-01"].standards_after[0].target == 5
    assert changes["T-03"].kinds == (ChangeKind.RETIRED,)
    assert (changes["T-03"].before, changes["T-03"].after) == ("We will answer the phone within 5 rings.", None)
    assert changes["N-01"].kinds == (ChangeKind.NEW,)
    assert changes["N-01"].before is None and changes["N-01"].after == "We will answer web chat within 2 minutes."
    assert [c.code for c in charter_diff(old, adopted)][-1] == "T-03"  # stopped promises come last


def test_a_rejected_proposal_changes_nothing_and_history_lists_versions_newest_first():
    old, adopted, _consultation = _adopt_all(reject_retire=True)
    assert [c.code for c in adopted.commitments] == ["T-01", "T-02", "T-03", "N-01"]
    history = charter_history("harrow")
    assert [v.charter.version for v in history] == [2, 1]
    assert {c.code for c in history[0].changes} == {"T-01", "T-02", "N-01"}
    assert history[1].changes == []


def test_a_commitment_both_reworded_and_retargeted_shows_both():
    from tests.helpers import make_charter

    before = make_charter(commitments=[{"code": "A", "wording": "Reply in 3 days.", "channel": "email",
                                        "standards": [Standard("reply", 3, "working_days")]}])
    after = make_charter(version=2, commitments=[{"code": "A", "wording": "Reply in 5 days.", "channel": "email",
                                                  "standards": [Standard("reply", 5, "working_days")]}])
    (change,) = charter_diff(before, after)
    assert change.kinds == (ChangeKind.REWORDED, ChangeKind.RETARGETED)
    assert change.label == "Reworded and new target"


def test_publishing_on_the_day_refuses_while_a_draft_is_being_edited(runner):
    from core.charters import start_draft

    consultation, proposals, officer = published_consultation()
    set_today(date(2026, 7, 1))
    for proposal in proposals:
        services.decide(proposal, decision="adopt", reason="Agreed", by=officer)
    services.adopt_decisions(consultation, effective_from=date(2026, 10, 1), by=officer)
    draft = start_draft(published_charter("harrow"), by=officer)
    set_today(date(2026, 10, 1))
    result = runner.invoke(args=["codesign", "publish"])
    assert result.exit_code == 1
    assert result.stderr == (f"‘Our promises for 2026’: Draft version {draft.version} is being edited on the charters "
                             "page. Publish it first, so the decisions are applied to the charter residents see.\n")
    assert result.stdout == "Published 0 adopted charter versions.\n"
    assert versions_due(today()) == [consultation]

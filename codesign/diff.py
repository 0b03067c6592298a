"""What changed between two versions of a charter, commitment by commitment, matched by their stable codes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.models import Charter, Commitment
from core.standards import Standard


class ChangeKind(StrEnum):
    NEW = "new"
    REWORDED = "reworded"
    RETARGETED = "retargeted"
    RETIRED = "retired"

    @property
    def label(self) -> str:
        return {"new": "New", "reworded": "Reworded", "retargeted": "New target", "retired": "Stopped"}[self.value]


@dataclass(frozen=True)
class Change:
    """One commitment's change. A commitment both reworded and retargeted has both kinds."""

    code: str
    kinds: tuple[ChangeKind, ...]
    before: str | None
    after: str | None
    standards_before: tuple[Standard, ...] = ()
    standards_after: tuple[Standard, ...] = ()

    @property
    def label(self) -> str:
        return " and ".join(kind.label.lower() for kind in self.kinds).capitalize()


def describe_standards(standards: tuple[Standard, ...] | None) -> str:
    """Plain words for a list of standards, e.g. 'Time to reply in full: 5 working days (90% of cases)'."""
    return "; ".join(s.describe() for s in standards or ()) or "No measurable standard"


def charter_diff(before: Charter | None, after: Charter) -> list[Change]:
    """Changes from `before` to `after`, in `after`'s order with stopped commitments last; unchanged ones left out."""
    old: dict[str, Commitment] = {c.code: c for c in (before.commitments if before else [])}
    changes: list[Change] = []
    for commitment in after.commitments:
        was = old.get(commitment.code)
        if was is None:
            changes.append(Change(commitment.code, (ChangeKind.NEW,), None, commitment.wording, (),
                                  commitment.standards))
            continue
        kinds = []
        if was.wording != commitment.wording:
            kinds.append(ChangeKind.REWORDED)
        if was.standards != commitment.standards:
            kinds.append(ChangeKind.RETARGETED)
        if kinds:
            changes.append(Change(commitment.code, tuple(kinds), was.wording, commitment.wording, was.standards,
                                  commitment.standards))
    kept = {c.code for c in after.commitments}
    changes += [Change(c.code, (ChangeKind.RETIRED,), c.wording, None, c.standards, ())
                for c in (before.commitments if before else []) if c.code not in kept]
    return changes

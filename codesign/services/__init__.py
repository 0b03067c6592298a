"""Co-design writes and rules, by what they do: the group and proposals, the consultation and its responses,
decisions, and adopting the next charter version. Each raises core.errors.RuleError (CodesignRuleError)."""

from codesign.services.adoption import adopt_decisions
from codesign.services.consultation import (
    AlreadyResponded,
    publish_consultation,
    record_event,
    respond,
    save_consultation,
)
from codesign.services.proposals import (
    CodesignRuleError,
    add_meeting,
    add_member,
    choose_highlight,
    decide,
    save_proposal,
)

__all__ = ["AlreadyResponded", "CodesignRuleError", "add_meeting", "add_member", "adopt_decisions",
           "choose_highlight", "decide", "publish_consultation", "record_event", "respond", "save_consultation",
           "save_proposal"]

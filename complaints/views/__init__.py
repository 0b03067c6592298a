"""Complaints pages: the officer dashboard, the case and each step of the procedure, letters, referrals,
learning, the restrictions register, and the resident's request for a stage 2 review.

Split by page area; importing this package adds every page to the ``complaints`` blueprint.
"""

from complaints.views import (  # noqa: F401
    case,
    dashboard,
    learning,
    letters,
    referrals,
    remedies,
    resident,
    restrictions,
)
from complaints.views.dashboard import page_numbers
from complaints.views.resident import tracking_section

__all__ = ["page_numbers", "tracking_section"]

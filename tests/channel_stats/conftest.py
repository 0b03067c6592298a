from datetime import date

import pytest

from core.standards import Standard
from core.timesource import set_today
from tests.helpers import make_charter, make_service_area

TODAY = date(2026, 5, 15)

#: A charter with every standard shape channel statistics measure, and one they do not (a reply in working days).
COMMITMENTS = [
    {"code": "CS-01", "wording": "We will answer your call within 4 rings.", "channel": "phone",
     "standards": [Standard("answer", 4, "rings", 0.85),
                   Standard("put_through", 60, "seconds", 0.9),
                   Standard("call_back", 1, "working_days", None, "working-days:1")]},
    {"code": "CS-02", "wording": "We will connect your web chat within 2 minutes.", "channel": "web_chat",
     "standards": [Standard("connect_chat", 2, "minutes", 0.8)]},
    {"code": "CS-03", "wording": "We will see you within 15 minutes, or 5 with an appointment.", "channel": "visit",
     "standards": [Standard("see_visitor", 15, "minutes", 0.9), Standard("see_appointment", 5, "minutes", 0.95)]},
    {"code": "CS-04", "wording": "We will answer freedom of information requests within 20 working days.",
     "channel": "any", "standards": [Standard("supply_information", 20, "working_days", 0.9, "foi")]},
    {"code": "CS-05", "wording": "We will reply to your email within 3 working days.", "channel": "email",
     "standards": [Standard("reply", 3, "working_days", 0.9, "working-days:3")]},
    {"code": "CS-06", "wording": "We will treat you with respect.", "channel": "any"},
]


@pytest.fixture
def charter(db):
    set_today(TODAY)
    make_service_area(code="council-tax", name="Council tax")
    return make_charter(commitments=COMMITMENTS, seconds_per_ring=5)

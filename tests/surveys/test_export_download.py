"""Downloading the survey exports end to end, as a browser does: each request has its own app context and
database session, and the whole stream is read after the view has returned."""

import csv
import io
import threading
from datetime import date

import pytest

from core.models import Role
from core.timesource import set_today
from tests.helpers import make_charter
from tests.surveys.factories import make_response, make_survey


@pytest.fixture(autouse=True)
def _today():
    set_today(date(2026, 11, 20))


def _fresh_context_get(client, url: str) -> tuple[int, str, str]:
    """GET url from a thread with no app context, so the request's session closes when the view returns, as in
    production (the tests' own app context would otherwise keep it open), and read the whole stream there."""
    result: dict = {}

    def run():
        try:
            response = client.get(url)
            result["answer"] = (response.status_code, response.headers.get("Content-Type", ""),
                                response.get_data(as_text=True))
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            result["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    if "error" in result:
        raise result["error"]
    return result["answer"]


def test_raw_answers_download_streams_every_response(client, login_as, db):
    charter = make_charter()
    survey = make_survey([
        {"type": "rating", "text": "How satisfied are you?", "commitments": [charter.commitments[1]]},
        {"type": "free_text", "text": "Anything else?", "required": False},
    ])
    for n in range(3):
        make_response(survey, [str(n + 2), f"Answer {n}"])
    make_response(survey, ["4", "=1+2"])
    login_as(Role.POLICY_OFFICER)
    status, content_type, body = _fresh_context_get(client, f"/surveys/{survey.id}/export/answers.csv")
    assert status == 200, body[:2000]
    assert content_type.startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    assert rows[0][:5] == ["Response", "Submitted", "Channel", "Through", "Service"]
    assert len(rows) == 5
    assert [row[6] for row in rows[1:]] == ["Answer 0", "Answer 1", "Answer 2", "'=1+2"]


@pytest.mark.parametrize("path", ["/surveys/{id}/export/figures.csv", "/surveys/results/figures.csv"])
def test_figure_downloads_work_in_their_own_context(client, login_as, db, path):
    survey = make_survey()
    make_response(survey, ["good"])
    login_as(Role.POLICY_OFFICER)
    status, content_type, body = _fresh_context_get(client, path.format(id=survey.id))
    assert status == 200, body[:2000]
    assert body.startswith("\ufeff")

"""Survey results at scale: 2,000,000 answers from 50,000 responses a month for a year, then time the results page
for one survey and the per-commitment table. Runs on SQLite, and on PostgreSQL when BENCH_DATABASE_URL is set.

    python bench/surveys.py            # SQLite file in bench/out/
    BENCH_DATABASE_URL=postgresql://user@host/db python bench/surveys.py
    python bench/surveys.py --reuse    # time the data the last run loaded, without loading it again
"""

from __future__ import annotations

import os
import random
import sqlite3
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from core.auth import SEEN_AT, SIGNED_IN_AT  # noqa: E402
from core.config import normalise_database_url  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import Charter, Commitment, Role, StaffUser  # noqa: E402
from surveys import commitment_figures, queries  # noqa: E402
from surveys.models import Question, Section, Survey  # noqa: E402

RESPONSES_PER_MONTH = 50_000
MONTHS = 12
#: Every response answers the first three questions of its survey and one in three also answers the fourth:
#: 600,000 responses × 10/3 = 2,000,000 answers.
QUESTION_TYPES = ["good_average_poor", "yes_no", "rating", "nps"]
SURVEY_CHANNELS = ["phone", "email", "visit", "letter"]
#: A quarter of responses come through invitations, and 40% of invitations are answered.
INVITED_SHARE, RESPONSE_RATE = 0.25, 0.40
BATCH = 50_000
COMMITMENTS = 20

# Store dates as SQLAlchemy does on SQLite (ISO text), explicitly rather than through sqlite3's deprecated defaults.
sqlite3.register_adapter(date, date.isoformat)
sqlite3.register_adapter(datetime, lambda moment: moment.strftime("%Y-%m-%d %H:%M:%S.%f"))


def _app():
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        url = normalise_database_url(url)
    else:
        out = ROOT / "bench" / "out"
        out.mkdir(parents=True, exist_ok=True)
        if "--reuse" not in sys.argv:
            (out / "surveys.db").unlink(missing_ok=True)
        url = f"sqlite:///{out / 'surveys.db'}"
    return create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                       "WTF_CSRF_ENABLED": False, "CHARTERLINE_COUNCIL": "bench", "RATELIMIT_ENABLED": False})


def _schema() -> tuple[list[Survey], list[Commitment]]:
    db.drop_all()
    db.create_all()
    charter = Charter(council_slug="bench", council_name="Bench Council", title="Charter", version=1,
                      status="published", effective_from=date(2025, 4, 1))
    charter.commitments = [Commitment(code=f"B-{n:02d}", number=n, wording=f"Promise {n}", channel="any")
                           for n in range(1, COMMITMENTS + 1)]
    db.session.add(charter)
    surveys = build_surveys(charter.commitments)
    db.session.add(StaffUser(email="bench@example.gov.uk", name="Bench", role=Role.POLICY_OFFICER,
                             password_hash="x"))
    db.session.commit()
    return surveys, list(charter.commitments)


def build_surveys(commitments: list[Commitment]) -> list[Survey]:
    """One live survey per channel, its questions of each type tagged to two of ``commitments``."""
    surveys = []
    for index, channel in enumerate(SURVEY_CHANNELS):
        survey = Survey(slug=f"bench-{channel}", version=1, title=f"How did we do ({channel})?", state="live")
        survey.sections = [Section(position=1, title="Your experience")]
        db.session.add(survey)
        db.session.flush()
        for position, kind in enumerate(QUESTION_TYPES, start=1):
            tags = [commitments[(index * 5 + position) % len(commitments)],
                    commitments[(index * 5 + position + 7) % len(commitments)]]
            survey.sections[0].questions.append(Question(survey_id=survey.id, position=position, type=kind,
                                                         text=f"Question {position}", commitments=tags))
        surveys.append(survey)
    return surveys


def _choice(kind: str, mood: float, rng: random.Random) -> tuple:
    """(choice, number, satisfied, net, nps, kept) for one answer."""
    roll = rng.random()
    if kind == "good_average_poor":
        choice = "good" if roll < mood else ("average" if roll < mood + 0.2 else "poor")
        net = {"good": 1, "average": 0, "poor": -1}[choice]
        return choice, None, int(net == 1), net, None, None
    if kind == "yes_no":
        return ("yes", None, None, None, None, 1) if roll < mood else ("no", None, None, None, None, 0)
    if kind == "rating":
        n = max(1, min(5, int(1 + 5 * roll * mood + 1)))
        return str(n), n, int(n >= 4), 1 if n >= 4 else (0 if n == 3 else -1), None, None
    n = min(10, int(11 * roll))
    return str(n), n, None, None, 1 if n >= 9 else (0 if n >= 7 else -1), None


class Loader:
    """Bulk writer: DBAPI executemany on SQLite, COPY on PostgreSQL, in batches of BATCH rows."""

    def __init__(self) -> None:
        self.connection = db.engine.raw_connection()
        self.postgres = db.engine.dialect.name == "postgresql"

    def write(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        cursor = self.connection.cursor()
        if self.postgres:
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in columns)
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
        self.connection.commit()
        cursor.close()


ANSWER_COLUMNS = ["id", "response_id", "question_id", "part", "survey_id", "month", "channel", "choice", "number",
                  "satisfied", "net", "nps", "kept"]
RESPONSE_COLUMNS = ["id", "survey_id", "invitation_id", "token_hash", "via", "channel", "status", "draft",
                    "started_at", "submitted_at", "month"]
CONTACT_COLUMNS = ["id", "channel", "occurred_at", "source", "created_at"]
INVITATION_COLUMNS = ["id", "survey_id", "contact_id", "status", "token_hash", "channel", "created_at", "sent_at",
                      "sent_month", "used_at"]


def generate(surveys: list[Survey], first: date = date(2025, 12, 1), commitment_ids: list[int] | None = None,
             per_month: int = RESPONSES_PER_MONTH) -> tuple[int, int, int]:
    """``per_month`` responses a month for MONTHS months from ``first``, with their answers, contacts (each
    on one of ``commitment_ids``) and invitations, bulk loaded; returns (responses, answers, invitations)."""
    commitment_ids = commitment_ids or list(range(1, COMMITMENTS + 1))
    rng = random.Random(7)
    loader = Loader()
    questions = {s.id: [(q.id, q.type) for q in s.all_questions] for s in surveys}
    answer_id = response_id = contact_id = invitation_id = 1
    answers: list[tuple] = []
    for m in range(MONTHS):
        month = date(first.year + (first.month - 1 + m) // 12, (first.month - 1 + m) % 12 + 1, 1)
        responses, contacts, links, invitations = [], [], [], []
        for n in range(per_month):
            survey = surveys[n % len(surveys)]
            channel = SURVEY_CHANNELS[n % len(surveys)]
            when = datetime(month.year, month.month, 1 + n % 27, 9 + n % 8)
            invitation = None
            if rng.random() < INVITED_SHARE:
                # This response's invitation, plus the unanswered ones that go with a 40% response rate.
                for k in range(round(1 / RESPONSE_RATE)):
                    contacts.append((contact_id, channel, when, "api", when))
                    links.append((contact_id, commitment_ids[contact_id % len(commitment_ids)]))
                    sent = when + timedelta(hours=24)
                    invitations.append((invitation_id, survey.id, contact_id, "sent", f"i{invitation_id}", channel,
                                        sent, sent, month, sent + timedelta(hours=6) if k == 0 else None))
                    if k == 0:
                        invitation = invitation_id
                    contact_id += 1
                    invitation_id += 1
            responses.append((response_id, survey.id, invitation, f"r{response_id}",
                              "invitation" if invitation else "open", channel, "submitted", "{}", when,
                              when + timedelta(minutes=3), month))
            mood = 0.55 + 0.02 * m
            for index, (question_id, kind) in enumerate(questions[survey.id]):
                if index == 3 and response_id % 3:
                    continue
                answers.append((answer_id, response_id, question_id, 0, survey.id, month, channel,
                                *_choice(kind, mood, rng)))
                answer_id += 1
            response_id += 1
        loader.write("contact_record", CONTACT_COLUMNS, contacts)
        loader.write("contact_commitment", ["contact_id", "commitment_id"], links)
        loader.write("survey_invitation", INVITATION_COLUMNS, invitations)
        loader.write("survey_response", RESPONSE_COLUMNS, responses)
        while len(answers) >= BATCH:
            loader.write("survey_answer", ANSWER_COLUMNS, answers[:BATCH])
            del answers[:BATCH]
        print(f"  {month:%B %Y}: {response_id - 1:,} responses, {answer_id - 1:,} answers so far", flush=True)
    loader.write("survey_answer", ANSWER_COLUMNS, answers)
    loader.connection.close()
    return response_id - 1, answer_id - 1, invitation_id - 1


def _refresh_statistics() -> None:
    """What the database does by itself soon after a bulk load: planner statistics, and on PostgreSQL the
    visibility map that lets index-only scans skip the table (autovacuum)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(db.text("VACUUM ANALYZE"))
    else:
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()


def _timed(label: str, run, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    print(f"{label}: first {times[0]:.3f} s, best {min(times):.3f} s")
    return min(times)


def main() -> None:
    app = _app()
    with app.app_context():
        engine = db.engine.dialect.name
        print(f"Survey results benchmark on {engine}")
        if "--reuse" not in sys.argv:
            surveys, _commitments = _schema()
            started = time.perf_counter()
            responses, answers, invited = generate(surveys)
            print(f"Loaded {responses:,} responses, {answers:,} answers and {invited:,} invitations "
                  f"in {time.perf_counter() - started:.1f} s")
            _refresh_statistics()
        survey = db.session.scalars(db.select(Survey).order_by(Survey.id)).first()
        results = queries.survey_results(survey)
        print(f"One survey: {results.responses:,} responses; {results.questions[0].answered:,} answered question 1")
        survey_time = _timed("Results for one survey (all its queries)", lambda: queries.survey_results(survey))
        commitment_time = _timed("Per-commitment table (all surveys, all months)",
                                 commitment_figures.commitment_results)
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = db.session.scalars(db.select(StaffUser)).first().get_id()
            session[SIGNED_IN_AT] = session[SEEN_AT] = int(time.time())
        page_time = _timed("Results page, rendered over HTTP", lambda: client.get(f"/surveys/{survey.id}/results"))
        _timed("Per-commitment page, rendered over HTTP", lambda: client.get("/surveys/results"))
        ok = survey_time < 1 and commitment_time < 1
        print(f"Target under 1 second each: {'met' if ok else 'NOT met'} "
              f"(survey {survey_time:.3f} s, commitments {commitment_time:.3f} s, page {page_time:.3f} s)")


if __name__ == "__main__":
    main()

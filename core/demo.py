"""Fictional demonstration data: staff, the example charters, and whatever each part of Charterline adds."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from core.accounts import create_staff
from core.charters import load_charter_file
from core.config import review_year_of, review_year_start
from core.extensions import db
from core.models import Role, StaffUser

CHARTER_DIR = Path(__file__).resolve().parent.parent / "charters"

#: Fictional staff, one or more per role. Passwords are generated and printed once.
DEMO_STAFF = [
    ("admin@example.gov.uk", "Ada Fairweather", Role.ADMIN),
    ("complaints@example.gov.uk", "Colin Marsh", Role.COMPLAINTS_OFFICER),
    ("handler@example.gov.uk", "Hana Osei", Role.CASE_HANDLER),
    ("handler2@example.gov.uk", "Harry Linden", Role.CASE_HANDLER),
    ("policy@example.gov.uk", "Priya Nandakumar", Role.POLICY_OFFICER),
    ("member@example.gov.uk", "Cllr Vera Quill", Role.VIEWER),
]


def history_start(today: date) -> date:
    """The first day of the demo's history: the start of the review year two years before the current one, so
    two whole review years (each with the year before it to compare) and the current one so far have data."""
    month, day = review_year_start(current_app.config)
    return date(review_year_of(current_app.config, today) - 2, month, day)


@dataclass
class DemoStep:
    name: str
    run: Callable[[], str]


#: Steps added by each part of Charterline, run in order after staff and charters.
DEMO_STEPS: list[DemoStep] = []


def register_demo_step(name: str, run: Callable[[], str]) -> None:
    """Add a step to `flask demo load`; `run` returns a one-line summary and must be safe to run twice."""
    if all(step.name != name for step in DEMO_STEPS):
        DEMO_STEPS.append(DemoStep(name, run))


def load_demo_staff() -> list[tuple[str, str, str]]:
    """Create the demo staff that do not exist yet; returns (email, role, password) for the new ones."""
    created = []
    for email, name, role in DEMO_STAFF:
        if db.session.scalar(select(StaffUser).where(StaffUser.email == email)) is None:
            password = secrets.token_urlsafe(12)
            create_staff(email=email, name=name, role=role, password=password, by=None)
            created.append((email, role.value, password))
    if created:
        accounts = Path(current_app.instance_path) / "demo-accounts.txt"
        accounts.parent.mkdir(parents=True, exist_ok=True)
        with accounts.open("a", encoding="utf-8") as handle:
            for email, role, password in created:
                handle.write(f"{email}\t{role}\t{password}\n")
    return created


def load_demo_charters() -> int:
    loaded = 0
    for path in sorted(CHARTER_DIR.glob("*.toml")):
        _charter, created = load_charter_file(path)
        loaded += int(created)
    return loaded

"""Operator commands: staff accounts and demo data."""

from core.models import Charter, StaffUser


def test_users_create(runner, db):
    result = runner.invoke(args=["users", "create", "--email", "Officer@Example.gov.uk", "--role",
                                 "complaints_officer", "--password", "a good long password"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Created officer@example.gov.uk as complaints officer."
    user = db.session.scalar(db.select(StaffUser))
    assert user.role == "complaints_officer"


def test_users_create_bad_usage_is_one_line_and_exit_2(runner, db):
    result = runner.invoke(args=["users", "create", "--email", "x@example.gov.uk", "--role", "admin",
                                 "--password", "short"])
    assert result.exit_code == 2
    assert result.output.strip() == "Error: Password must be 12 characters or more"
    result = runner.invoke(args=["users", "create", "--email", "x@example.gov.uk", "--role", "wizard",
                                 "--password", "long enough password"])
    assert result.exit_code == 2


def test_demo_load_is_safe_to_run_twice(app, runner, db, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "admin@example.gov.uk" in first.output
    assert "Charters loaded: 5 new." in first.output
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0
    assert "admin@example.gov.uk" not in second.output
    assert "Charters loaded: 0 new." in second.output
    # The five example charters, and the version the demo's co-design cycle adopted for the demo council.
    assert db.session.scalar(db.select(db.func.count()).select_from(Charter)) == 6
    accounts = (tmp_path / "demo-accounts.txt").read_text().splitlines()
    assert len(accounts) == db.session.scalar(db.select(db.func.count()).select_from(StaffUser))
    # The demo's pack counts who answered the equality questions at the end of a survey.
    from reviews.models import Review
    from reviews.pack.builder import build_pack

    review = db.session.scalars(db.select(Review).order_by(Review.starts_on.desc())).first()
    assert build_pack(review).table("equalities-surveys").rows

"""`flask sentiment score` (an exact contract other tools rely on), `rescore` and `corrections`."""

from __future__ import annotations

import csv

from sqlalchemy.exc import OperationalError

from core.sentiment import commands as sentiment_commands
from core.sentiment.scoring import VERSION, score
from feedback.models import FeedbackItem
from tests.core.sentiment_fixtures import make_feedback, mark_scored_by_old_version
from tests.helpers import make_staff


def test_score_writes_label_tab_polarity_per_input_line(runner):
    lines = ["Nobody called me back.", "", "Thank you, brilliant service!", "Can I pay my council tax by card?"]
    result = runner.invoke(args=["sentiment", "score"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0
    output = result.output.split("\n")
    assert output[-1] == "" and len(output) == len(lines) + 1
    for line, text in zip(output, lines, strict=False):
        label, polarity = line.split("\t")
        assert (label, float(polarity)) == (score(text).label, score(text).polarity)
    assert output[:4] == [f"negative\t{score(lines[0]).polarity}", "neutral\t0.0",
                          f"positive\t{score(lines[2]).polarity}", f"neutral\t{score(lines[3]).polarity}"]


def test_score_handles_windows_line_endings_and_no_final_newline(runner):
    result = runner.invoke(args=["sentiment", "score"], input="Still waiting.\r\nThanks so much")
    assert [line.split("\t")[0] for line in result.output.splitlines()] == ["negative", "positive"]


def test_score_with_no_input_writes_nothing(runner):
    result = runner.invoke(args=["sentiment", "score"], input="")
    assert result.exit_code == 0 and result.output == ""


def _summary(line: str) -> tuple[str, dict[str, int]]:
    """("1 records to rescore with V", {"feedback_item": 1, ...}): models are listed in registration order, which
    depends on which package was imported first."""
    head, _, counts = line.strip().removesuffix(".").removesuffix(")").partition(" (")
    return head, {name: int(n) for name, n in (item.rsplit(" ", 1) for item in counts.split(", "))}


def test_rescore_dry_run_counts_and_changes_nothing(runner):
    make_feedback("Nobody called me back.")
    mark_scored_by_old_version(FeedbackItem)
    result = runner.invoke(args=["sentiment", "rescore", "--dry-run"])
    assert result.exit_code == 0
    assert _summary(result.output) == (f"1 records to rescore with {VERSION}", {"feedback_item": 1, "survey_answer": 0})


def test_rescore_reports_a_summary_and_is_idempotent(runner):
    for text in ("Nobody called me back.", "Thank you!", "Is the tip open today?"):
        make_feedback(text)
    mark_scored_by_old_version(FeedbackItem)
    result = runner.invoke(args=["sentiment", "rescore", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    assert _summary(result.output.splitlines()[-1]) == (f"Rescored 3 records with {VERSION}",
                                                        {"feedback_item": 3, "survey_answer": 0})
    again = runner.invoke(args=["sentiment", "rescore"])
    assert _summary(again.output) == (f"0 records to rescore with {VERSION}", {"feedback_item": 0, "survey_answer": 0})


def test_rescore_rejects_a_bad_batch_size(runner):
    result = runner.invoke(args=["sentiment", "rescore", "--batch-size", "0"])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_rescore_database_failure_is_one_line_and_exit_1(runner, monkeypatch):
    make_feedback("Nobody called me back.")
    mark_scored_by_old_version(FeedbackItem)

    def broken(**_kwargs):
        raise OperationalError("UPDATE", {}, Exception("disk I/O error"))

    monkeypatch.setattr(sentiment_commands, "rescore", broken)
    result = runner.invoke(args=["sentiment", "rescore"])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == ("Error: the database refused the rescore (OperationalError); batches "
                                              "already committed are kept, run the command again to carry on")


def test_corrections_are_written_as_csv(runner, tmp_path):
    from core.sentiment.service import override_sentiment

    item = make_feedback("Can I pay by card?")
    override_sentiment(item, "negative", by=make_staff(), reason="Angry caller")
    path = tmp_path / "corrections.csv"
    result = runner.invoke(args=["sentiment", "corrections", "--output", str(path)])
    assert result.exit_code == 0
    assert "Exported 1 corrected labels." in result.output
    with path.open(encoding="utf-8", newline="") as stream:
        assert list(csv.reader(stream)) == [["label", "text"], ["negative", "Can I pay by card?"]]

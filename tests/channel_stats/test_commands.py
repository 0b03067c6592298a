"""`flask reviews import-channel-stats FILE`: the page's checks from the command line."""

from sqlalchemy import func, select

from channel_stats.models import ChannelMonth
from core.extensions import db


def test_a_file_with_problems_prints_each_and_exits_1(runner, charter, tmp_path):
    path = tmp_path / "april.csv"
    path.write_text("month,channel,service,calls_offered,calls_answered\n2026-04,phone,,100,lots\n"
                    "2026-09,phone,,100,90\n")
    result = runner.invoke(args=["reviews", "import-channel-stats", str(path)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}: row 2, calls_answered: enter a whole number, like 120",
        f"{path}: row 3, month: this month is in the future: enter 2026-05 or an earlier month",
        f"{path}: nothing was imported (2 problems)",
    ]
    assert db.session.scalar(select(func.count(ChannelMonth.id))) == 0


def test_a_good_file_is_imported(runner, charter, tmp_path):
    path = tmp_path / "april.csv"
    path.write_text("month,channel,service,calls_offered,calls_answered\n2026-04,phone,,100,90\n"
                    "2026-03,phone,,80,70\n")
    result = runner.invoke(args=["reviews", "import-channel-stats", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Imported 2 rows for March 2026 and April 2026 (0 replaced).",
        # The charter's phone standards need figures the file does not have: the review will leave them out.
        "Warning: phone, March 2026 and April 2026: no answered_within_20s, so the review leaves these months out "
        "of “Time to answer a call: 4 rings (85% of cases)”.",
        "Warning: phone, March 2026 and April 2026: no calls_queued or put_through_within_60s, so the review leaves "
        "these months out of “Time to put a queued call through: 60 seconds (90% of cases)”.",
        "Warning: phone, March 2026 and April 2026: no callbacks_promised or callbacks_made, so the review leaves "
        "these months out of “Time to call back: the end of the next working day”.",
    ]
    assert db.session.scalar(select(ChannelMonth.source).limit(1)) == "april.csv"


def test_a_missing_file_is_one_line_and_exit_1(runner, charter, tmp_path):
    result = runner.invoke(args=["reviews", "import-channel-stats", str(tmp_path / "nope.csv")])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: cannot read {tmp_path / 'nope.csv'}: ")

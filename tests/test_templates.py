"""Every template parses in the app's Jinja environment, and no template line is longer than 160 characters."""

from __future__ import annotations

from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
NAMES = sorted(path.relative_to(TEMPLATES).as_posix() for path in TEMPLATES.rglob("*") if path.is_file())
LONGEST_LINE = 160


def test_there_are_templates_to_check():
    assert "base.html" in NAMES and len(NAMES) > 50


@pytest.mark.parametrize("name", NAMES)
def test_template_parses(app, name):
    app.jinja_env.get_template(name)  # raises TemplateSyntaxError (or a missing filter or test) with file and line


def test_no_template_line_is_too_long():
    long_lines = [
        f"templates/{name}:{number} ({len(line)} characters)"
        for name in NAMES
        for number, line in enumerate((TEMPLATES / name).read_text(encoding="utf-8").splitlines(), start=1)
        if len(line) > LONGEST_LINE
    ]
    assert not long_lines, (
        f"template lines over {LONGEST_LINE} characters; wrap them (in a .txt letter, where a line break shows, end "
        "the line with '{#' and start the next with '#}'):\n" + "\n".join(long_lines))

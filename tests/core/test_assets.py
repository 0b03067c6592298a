"""GOV.UK Frontend runtime files match the version the Jinja macros were ported from."""

import json
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: govuk-frontend-jinja release -> the GOV.UK Frontend release its macros match (from its compatibility table).
JINJA_TO_FRONTEND = {"4.1.0": "6.3.0"}


def test_pinned_frontend_matches_the_jinja_port():
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]["govuk-frontend"]
    assert JINJA_TO_FRONTEND[version("govuk-frontend-jinja")] == pinned


def test_runtime_files_are_committed_and_served(client):
    for path in ("govuk-frontend.min.css", "govuk-frontend.min.js", "app.js", "app.css", "manifest.json",
                 "images/govuk-crest.svg"):
        assert (ROOT / "static" / path).exists(), path
        response = client.get(f"/assets/{path}")
        assert response.status_code == 200
        response.close()


def test_committed_css_is_the_pinned_release():
    css = (ROOT / "static" / "govuk-frontend.min.css").read_text()
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]["govuk-frontend"]
    assert f"--govuk-frontend-version:\"{pinned}\"" in css

"""Front-end files: GOV.UK Frontend at the version the Jinja macros were ported from, compiled from its Sass with the
council's settings, and nothing of GOV.UK's identity (GDS Transport, the crown, the Royal Coat of Arms) served."""

import json
import re
import shutil
import subprocess
from importlib.metadata import version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static"
TEMPLATES = ROOT / "templates"
CSS = STATIC / "charterline.min.css"
SASS = ROOT / "node_modules" / ".bin" / "sass"
FRONTEND_ASSETS = ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk" / "assets"

#: govuk-frontend-jinja release -> the GOV.UK Frontend release its macros match (from its compatibility table).
JINJA_TO_FRONTEND = {"4.1.0": "6.3.0"}

#: Marks of GOV.UK's identity in any file: its typeface, the Royal Coat of Arms (govuk-crest.svg), GOV.UK's icons and
#: the start of the Tudor crown's path data.
GOVUK_IDENTITY = re.compile(
    r"GDS Transport|gds-transport|govuk-crest|royal-arms|royal-coat|govuk-icon-|govuk-opengraph"
    r"|M33\.1,9\.8c\.2-\.1\.3-\.3\.5-\.5l4\.6,2\.4",
    re.IGNORECASE,
)
#: ... and in markup, the crown's and the Crown copyright's elements. (The compiled CSS still has GOV.UK Frontend's
#: rules for these classes, without their images; no page uses them.)
GOVUK_IDENTITY_IN_MARKUP = re.compile(
    GOVUK_IDENTITY.pattern + r"|govuk-logo|govuk-header__logotype|govuk-footer__crown|govuk-footer__copyright-logo"
    r"|govuk-footer__licence-logo|Crown copyright",
    re.IGNORECASE,
)
FONT_FILES = {".woff", ".woff2", ".ttf", ".otf", ".eot"}


def served_files():
    return [p for p in STATIC.rglob("*") if p.is_file() and "vendor" not in p.relative_to(STATIC).parts]


def test_pinned_frontend_matches_the_jinja_port():
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]["govuk-frontend"]
    assert JINJA_TO_FRONTEND[version("govuk-frontend-jinja")] == pinned


def test_sass_is_pinned_exactly():
    pinned = json.loads((ROOT / "package.json").read_text())["devDependencies"]["sass"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned), pinned


def test_runtime_files_are_committed_and_served(client):
    for path in ("charterline.min.css", "govuk-frontend.min.js", "app.js", "app.css", "images/favicon.ico",
                 "images/favicon.svg", "images/icon-180.png", "images/icon-192.png", "images/icon-512.png",
                 "images/council-logo.svg"):
        assert (STATIC / path).exists(), path
        response = client.get(f"/assets/{path}")
        assert response.status_code == 200, path
        response.close()


def test_committed_css_is_the_pinned_release():
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]["govuk-frontend"]
    assert f"--govuk-frontend-version: \"{pinned}\"" in CSS.read_text()


def test_no_govuk_prebuilt_css_fonts_or_images_are_served():
    names = {p.relative_to(STATIC).as_posix() for p in served_files()}
    assert "govuk-frontend.min.css" not in names
    assert not (STATIC / "fonts").exists()
    assert not [name for name in names if Path(name).suffix in FONT_FILES]
    assert not [name for name in names if "govuk-" in Path(name).name and name != "govuk-frontend.min.js"]


def test_css_uses_system_fonts_and_declares_no_font_face():
    for css in STATIC.rglob("*.css"):
        text = css.read_text()
        assert "@font-face" not in text, css
        assert not GOVUK_IDENTITY.search(text), (css, GOVUK_IDENTITY.search(text))
    families = set(re.findall(r"font-family:([^;}]+)", CSS.read_text()))
    assert families == {'system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif', "sans-serif"}


def test_css_refers_only_to_files_that_are_served():
    for url in re.findall(r"url\(([^)]*)\)", CSS.read_text()):
        path = url.strip("\"'")
        assert path.startswith("/assets/") and (STATIC / path.removeprefix("/assets/")).is_file(), url


def test_templates_and_static_files_carry_no_govuk_identity():
    for path in [*TEMPLATES.rglob("*.html"), *(p for p in served_files() if p.suffix in {".svg", ".css", ".js",
                                                                                           ".json", ".html"})]:
        if path.name == "govuk-frontend.min.js":
            continue  # GOV.UK Frontend's behaviour; it draws nothing
        pattern = GOVUK_IDENTITY if path.suffix == ".css" else GOVUK_IDENTITY_IN_MARKUP
        match = pattern.search(path.read_text())
        assert match is None, f"{path.relative_to(ROOT)}: {match.group(0)}"


def test_no_static_file_is_one_of_govuk_frontends_images_or_fonts():
    if not FRONTEND_ASSETS.exists():
        pytest.fail("GOV.UK Frontend is missing: run `make test`, which fetches it with npm")
    theirs = {p.read_bytes() for p in FRONTEND_ASSETS.rglob("*") if p.is_file()}
    assert [p.name for p in served_files() if p.read_bytes() in theirs] == []


def test_pages_carry_no_govuk_identity(client):
    for path in ("/", "/sign-in", "/accessibility", "/no-such-page"):
        response = client.get(path)
        match = GOVUK_IDENTITY_IN_MARKUP.search(response.get_data(as_text=True))
        assert match is None, f"{path}: {match.group(0)}"


def test_committed_css_is_what_the_sass_compiles_to(tmp_path):
    """static/charterline.min.css comes from styles/ through scripts/build-css, never edited by hand."""
    if not SASS.exists() or shutil.which("node") is None:
        pytest.fail("sass is missing: run `make test`, which fetches it with npm")
    out = tmp_path / "charterline.min.css"
    subprocess.run([str(ROOT / "scripts" / "build-css"), str(out)], cwd=ROOT, check=True, timeout=300,
                   capture_output=True)
    assert out.read_text() == CSS.read_text(), "run scripts/build-css and commit static/charterline.min.css"

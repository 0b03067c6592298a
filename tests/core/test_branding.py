"""The council's identity: contrast checks, settings refused with one sentence, and what the header and footer show."""

from pathlib import Path

import pytest

from app import create_app
from core.branding import (
    BrandingError,
    FooterLink,
    check_brand_colour,
    check_logo,
    contrast_ratio,
    identity_from,
    parse_colour,
    parse_footer_links,
)
from core.config import DEFAULTS, PROJECT_ROOT, ConfigError, finalise
from tests.helpers import page

BASE = {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"}


# Contrast, as WCAG 2.2 defines it.

def test_contrast_of_black_and_white_is_21_and_of_a_colour_with_itself_1():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#ffffff", "#000") == pytest.approx(21)
    assert contrast_ratio("#1d70b8", "#1d70b8") == pytest.approx(1)


@pytest.mark.parametrize(("colour", "ratio"), [("#1d70b8", 5.17), ("#ffdd00", 1.35), ("#00625e", 7.22),
                                               ("#767676", 4.54), ("#777777", 4.48)])
def test_contrast_with_white_matches_published_figures(colour, ratio):
    assert contrast_ratio(colour, "#ffffff") == pytest.approx(ratio, abs=0.01)


@pytest.mark.parametrize("colour", ["#1d70b8", "#00625e", "#0b0c0c", "#767676", "#B10E1E", "#036"])
def test_dark_enough_colours_pass_with_white_text(colour):
    assert check_brand_colour(colour) == parse_hex(colour)


def parse_hex(colour: str) -> str:
    return "#" + "".join(f"{c:02x}" for c in parse_colour(colour))


@pytest.mark.parametrize("colour", ["#ffdd00", "#777777", "#5694ca", "#ffffff"])
def test_colours_white_text_cannot_be_read_on_are_refused(colour):
    with pytest.raises(BrandingError, match=r"^CHARTERLINE_BRAND_COLOUR #[0-9a-f]{6} is too light for the header's "
                                            r"white text: their contrast is \d\.\d\d:1 and WCAG AA needs at least "
                                            r"4\.5:1"):
        check_brand_colour(colour)


@pytest.mark.parametrize("value", ["blue", "1d70b8", "#12345", "#ggg000", "", "rgb(0,0,0)", "#1d70b8;color:red"])
def test_values_that_are_not_colours_are_refused(value):
    with pytest.raises(BrandingError, match="^CHARTERLINE_BRAND_COLOUR must be a colour written as # and six "
                                            "hexadecimal digits, like #1d70b8, not "):
        check_brand_colour(value)


# The logo.

def test_logo_path_is_read_from_the_project_folder_or_absolute(tmp_path):
    assert check_logo("static/images/council-logo.svg", PROJECT_ROOT) == PROJECT_ROOT / "static/images/council-logo.svg"
    png = tmp_path / "logo.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 20)
    assert check_logo(str(png), PROJECT_ROOT) == png


def test_missing_logo_is_refused(tmp_path):
    with pytest.raises(BrandingError, match=r"^CHARTERLINE_LOGO is '.*nowhere\.svg', but there is no file at "):
        check_logo(str(tmp_path / "nowhere.svg"), PROJECT_ROOT)


@pytest.mark.parametrize(("name", "content", "message"), [
    ("logo.gif", b"GIF89a", "must be an SVG or PNG file"),
    ("logo", b"<svg/>", "must be an SVG or PNG file"),
    ("logo.png", b"<svg/>", "that file is not a PNG image"),
    ("logo.svg", b"\x89PNG", "that file is not an SVG image"),
])
def test_logo_that_is_not_an_svg_or_png_is_refused(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(BrandingError, match=message):
        check_logo(str(path), PROJECT_ROOT)


# Footer links.

def test_footer_links_are_text_and_address_pairs():
    links = parse_footer_links(" Council website | https://www.example.gov.uk/?a=1 ;Contact us|/contact; ")
    assert links == (FooterLink("Council website", "https://www.example.gov.uk/?a=1"),
                     FooterLink("Contact us", "/contact"))
    assert parse_footer_links("") == ()


@pytest.mark.parametrize(("value", "message"), [
    ("Council website", "must list links as Text|https://address"),
    ("|https://www.example.gov.uk", "must list links as Text|https://address"),
    ("Council website|javascript:alert(1)", "the address of 'Council website' must start with https://"),
    ("Council website|//evil.example", "must start with https://, http:// or /"),
])
def test_footer_links_that_are_not_links_are_refused(value, message):
    with pytest.raises(BrandingError, match=message):
        parse_footer_links(value)


# Start-up: each bad setting stops Charterline with one sentence, like SECRET_KEY and DATABASE_URL.

@pytest.mark.parametrize(("setting", "value", "start"), [
    ("CHARTERLINE_LOGO", "static/images/no-such-logo.svg", "CHARTERLINE_LOGO is 'static/images/no-such-logo.svg', "
                                                           "but there is no file at "),
    ("CHARTERLINE_BRAND_COLOUR", "council green", "CHARTERLINE_BRAND_COLOUR must be a colour written as #"),
    ("CHARTERLINE_BRAND_COLOUR", "#ffdd00", "CHARTERLINE_BRAND_COLOUR #ffdd00 is too light for the header's white "
                                            "text: their contrast is 1.35:1"),
    ("CHARTERLINE_FOOTER_LINKS", "Council website", "CHARTERLINE_FOOTER_LINKS must list links as"),
    ("COUNCIL_NAME", " ", "COUNCIL_NAME is empty"),
])
def test_bad_identity_settings_stop_charterline_with_one_sentence(capsys, setting, value, start):
    with pytest.raises(SystemExit) as exc:
        create_app({**BASE, setting: value})
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith(f"Charterline cannot start: {start}")
    assert "Traceback" not in err
    assert err.count("\n") == 1 and err.rstrip().endswith(".")


def test_bad_identity_settings_from_the_environment_are_refused(monkeypatch, capsys):
    monkeypatch.setenv("CHARTERLINE_BRAND_COLOUR", "#fff")
    with pytest.raises(SystemExit):
        create_app(BASE)
    assert capsys.readouterr().err.startswith("Charterline cannot start: CHARTERLINE_BRAND_COLOUR #ffffff is too light")


def test_finalise_refuses_a_bad_logo_as_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="^CHARTERLINE_LOGO is "):
        finalise({"CHARTERLINE_ENV": "testing", "SECRET_KEY": "x", "CHARTERLINE_CALENDAR": "uk",
                  "SQLALCHEMY_DATABASE_URI": "sqlite://", "CHARTERLINE_LOGO": str(tmp_path / "x.png")}, tmp_path)


def test_defaults_are_the_demo_council():
    council = identity_from(DEFAULTS, PROJECT_ROOT)
    assert council.council_name == "Example Council"
    assert council.logo_path == PROJECT_ROOT / "static" / "images" / "council-logo.svg"
    assert council.logo_mimetype == "image/svg+xml"
    assert council.logo_alt == "Example Council logo"
    assert council.brand_colour == "#00625e"
    assert council.footer_links == ()
    assert council.copyright == "© Example Council"


# What residents see.

def test_header_shows_the_council_name_and_logo_with_its_alternative_text(client):
    soup = page(client.get("/"))
    link = soup.select_one(".govuk-generic-header__homepage-link")
    logo = link.select_one("img.app-council-logo")
    assert logo["alt"] == "Example Council logo"
    assert link.select_one(".app-council-name").get_text(strip=True) == "Example Council"
    response = client.get(logo["src"])
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.get_data() == (PROJECT_ROOT / "static/images/council-logo.svg").read_bytes()
    response.close()


def test_brand_colour_is_set_for_the_page_and_the_browser(client):
    soup = page(client.get("/"))
    assert ":root { --govuk-brand-colour: #00625e; }" in soup.head.style.get_text()
    assert soup.select_one('meta[name="theme-color"]')["content"] == "#00625e"


def test_a_council_configures_its_own_identity(tmp_path):
    logo = tmp_path / "harbour.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
    settings = {**BASE, "COUNCIL_NAME": "Harbourside Borough Council", "CHARTERLINE_LOGO": str(logo),
                "CHARTERLINE_LOGO_ALT": "Harbourside Borough Council: home", "CHARTERLINE_BRAND_COLOUR": "#8A1538",
                "CHARTERLINE_FOOTER_LINKS": "Council website|https://www.harbourside.gov.uk; Contact us|/contact",
                "CHARTERLINE_COPYRIGHT": "© Harbourside Borough Council 2026"}
    app = create_app(settings)
    with app.app_context():
        from core.extensions import db

        db.create_all()
        client = app.test_client()
        soup = page(client.get("/"))
        assert soup.select_one("img.app-council-logo")["alt"] == "Harbourside Borough Council: home"
        assert soup.select_one(".app-council-name").get_text(strip=True) == "Harbourside Borough Council"
        assert "--govuk-brand-colour: #8a1538;" in soup.head.style.get_text()
        footer = soup.select_one(".govuk-footer")
        links = {a.get_text(strip=True): a["href"] for a in footer.select("a.govuk-footer__link")}
        assert links["Council website"] == "https://www.harbourside.gov.uk"
        assert links["Contact us"] == "/contact"
        assert links["Accessibility statement"] == "/accessibility"
        assert footer.select_one(".app-council-copyright").get_text(strip=True) == "© Harbourside Borough Council 2026"
        response = client.get(soup.select_one("img.app-council-logo")["src"])
        assert response.mimetype == "image/png" and response.get_data() == logo.read_bytes()
        response.close()
        manifest = client.get("/manifest.webmanifest").get_json()
        assert manifest["short_name"] == "Harbourside Borough Council"
        assert manifest["theme_color"] == "#8a1538"


def test_web_manifest_is_the_councils(client):
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json()
    assert manifest["name"] == "Contact us and give feedback – Example Council"
    assert manifest["short_name"] == "Example Council"
    for icon in manifest["icons"]:
        assert "govuk" not in icon["src"]
        served = client.get(icon["src"])
        assert served.status_code == 200, icon["src"]
        served.close()


def test_footer_has_no_crown_and_no_crown_copyright(client):
    soup = page(client.get("/"))
    footer = soup.select_one("footer")
    assert footer.select_one(".app-council-copyright").get_text(strip=True) == "© Example Council"
    assert not footer.select("svg")
    assert "Crown copyright" not in footer.get_text()
    assert "nationalarchives.gov.uk" not in str(footer)


def test_head_links_only_the_councils_icons(client):
    soup = page(client.get("/"))
    icons = [link["href"] for link in soup.head.select('link[rel~="icon"], link[rel="apple-touch-icon"], '
                                                      'link[rel="mask-icon"], link[rel="manifest"]')]
    assert icons == ["/assets/images/favicon.ico", "/assets/images/favicon.svg", "/assets/images/icon-180.png",
                     "/manifest.webmanifest"]
    assert not soup.select('meta[property="og:image"]')


def test_static_images_are_the_councils_not_govuks():
    images = {p.name for p in (Path(PROJECT_ROOT) / "static" / "images").iterdir()}
    assert images == {"council-logo.svg", "favicon.ico", "favicon.svg", "icon-180.png", "icon-192.png",
                      "icon-512.png"}

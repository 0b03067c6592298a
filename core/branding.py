"""The council's identity on every page: name, logo, brand colour, footer links and copyright, from configuration.

A council's service is not on GOV.UK, so it carries the council's identity, not GOV.UK's (no crown, no Royal Coat of
Arms, no GDS Transport). Settings that would break the identity (a logo that is not there, a colour that is not a
colour, or one the header's white text cannot be read on) stop Charterline from starting, with one sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

#: The header's text (the council's name, its links) is white on the brand colour.
HEADER_TEXT_COLOUR = "#ffffff"
#: WCAG 2.2 success criterion 1.4.3 (level AA): text needs at least 4.5:1 against its background.
MINIMUM_CONTRAST = 4.5

LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}
_HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


class BrandingError(ValueError):
    """A setting of the council's identity that cannot be used; the message is one sentence."""


@dataclass(frozen=True)
class FooterLink:
    text: str
    href: str


@dataclass(frozen=True)
class Identity:
    council_name: str
    logo_path: Path
    logo_alt: str
    brand_colour: str
    footer_links: tuple[FooterLink, ...]
    copyright: str

    @property
    def logo_mimetype(self) -> str:
        return LOGO_TYPES[self.logo_path.suffix.lower()]


def parse_colour(value: str) -> tuple[int, int, int]:
    """#rgb or #rrggbb as (red, green, blue) from 0 to 255; anything else is refused."""
    value = value.strip()
    if not _HEX_COLOUR.fullmatch(value):
        raise BrandingError(f"{value!r} is not a colour")
    digits = value[1:]
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def normalise_colour(value: str) -> str:
    red, green, blue = parse_colour(value)
    return f"#{red:02x}{green:02x}{blue:02x}"


def relative_luminance(colour: str) -> float:
    """WCAG 2.2's relative luminance of an sRGB colour: 0 for black, 1 for white."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in parse_colour(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.2's contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def check_brand_colour(value: str, setting: str = "CHARTERLINE_BRAND_COLOUR") -> str:
    """The colour as #rrggbb, or one sentence saying why it cannot be the header's background."""
    try:
        colour = normalise_colour(value)
    except BrandingError:
        raise BrandingError(f"{setting} must be a colour written as # and six hexadecimal digits, "
                            f"like #1d70b8, not {value!r}.") from None
    ratio = contrast_ratio(colour, HEADER_TEXT_COLOUR)
    # Compare the unrounded ratio: 4.48 is shown as 4.5 but still fails.
    if ratio < MINIMUM_CONTRAST:
        raise BrandingError(
            f"{setting} {colour} is too light for the header's white text: their contrast is {ratio:.2f}:1 and "
            f"WCAG AA needs at least {MINIMUM_CONTRAST}:1, so choose a darker shade of the council's colour."
        )
    return colour


def check_logo(value: str, root: Path, setting: str = "CHARTERLINE_LOGO") -> Path:
    """The logo file's absolute path, or one sentence saying why it cannot be the header's logo."""
    path = Path(value).expanduser()
    if not path.is_absolute():
        path = root / path
    if path.suffix.lower() not in LOGO_TYPES:
        raise BrandingError(f"{setting} must be an SVG or PNG file (ending .svg or .png), not {value!r}.")
    if not path.is_file():
        raise BrandingError(f"{setting} is {value!r}, but there is no file at {path}.")
    with path.open("rb") as logo:
        head = logo.read(2048)
    looks_right = head.startswith(b"\x89PNG") if path.suffix.lower() == ".png" else b"<svg" in head
    if not looks_right:
        kind = "a PNG image" if path.suffix.lower() == ".png" else "an SVG image"
        raise BrandingError(f"{setting} is {value!r}, but that file is not {kind}.")
    return path


def parse_footer_links(value: str, setting: str = "CHARTERLINE_FOOTER_LINKS") -> tuple[FooterLink, ...]:
    """``Text|https://address; Text|/path`` as links, or one sentence saying which link is wrong and why."""
    links = []
    for item in (part.strip() for part in value.split(";")):
        if not item:
            continue
        text, bar, href = (piece.strip() for piece in item.partition("|"))
        if not bar or not text or not href:
            raise BrandingError(f"{setting} must list links as Text|https://address separated by semicolons, "
                                f"and {item!r} is not one.")
        if not (href.startswith(("https://", "http://")) or (href.startswith("/") and not href.startswith("//"))):
            raise BrandingError(f"{setting}: the address of {text!r} must start with https://, http:// or /, "
                                f"not {href!r}.")
        links.append(FooterLink(text=text, href=href))
    return tuple(links)


def identity_from(config: dict, root: Path) -> Identity:
    """Check the identity settings and gather them; raises BrandingError with one sentence."""
    name = str(config.get("COUNCIL_NAME") or "").strip()
    if not name:
        raise BrandingError("COUNCIL_NAME is empty: set it to the council's name, which every page shows.")
    logo_alt = str(config.get("CHARTERLINE_LOGO_ALT") or "").strip() or f"{name} logo"
    copyright_text = str(config.get("CHARTERLINE_COPYRIGHT") or "").strip() or f"© {name}"
    return Identity(
        council_name=name,
        logo_path=check_logo(str(config.get("CHARTERLINE_LOGO") or ""), root),
        logo_alt=logo_alt,
        brand_colour=check_brand_colour(str(config.get("CHARTERLINE_BRAND_COLOUR") or "")),
        footer_links=parse_footer_links(str(config.get("CHARTERLINE_FOOTER_LINKS") or "")),
        copyright=copyright_text,
    )

"""Co-design of the charter with residents: the group, proposals, the public consultation, its results, the
council's decisions and the charter version they adopt."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("codesign", __name__)


def init_app(app: Flask) -> None:
    """Add the co-design pages (staff and public) and command, the home page's link to an open consultation, the
    demo step, and the co-design and equalities sections of the annual pack."""
    from codesign import commands, models, public_views, staff_views  # noqa: F401  tables, routes and commands join
    from codesign.demo import load_demo_codesign
    from codesign.diff import describe_standards
    from codesign.pack import codesign_section, equalities_section
    from codesign.queries import open_consultation
    from codesign.services.consultation import CONSULTATION_SLUG_PREFIX
    from core.demo import register_demo_step
    from reviews.pack.builder import register_pack_section
    from surveys.comments import register_non_comment_surveys

    register_demo_step("Charter co-design", load_demo_codesign)
    # A consultation's comments are about its proposals, not the council's service: never in the tagging queue.
    register_non_comment_surveys(CONSULTATION_SLUG_PREFIX)
    register_pack_section(app, "learning", codesign_section)
    register_pack_section(app, "equalities", equalities_section)
    # The home page asks for this (templates/pages/home.html), so the link shows only while a consultation is open.
    app.add_template_global(open_consultation, "open_consultation")
    app.add_template_global(describe_standards, "describe_standards")
    app.register_blueprint(bp)

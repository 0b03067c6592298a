"""Flashed messages are shown escaped: text a person typed never becomes markup in the notification banner."""

from __future__ import annotations

from bs4 import BeautifulSoup
from flask import flash, render_template_string
from markupsafe import Markup

from app import create_app

PAGE = '{% extends "base.html" %}{% block main_content %}<h1>{{ page_title }}</h1>{% endblock %}'


def test_a_flashed_name_with_markup_is_shown_as_text(client, login_as):
    login_as("admin")
    name = '<script>alert("closed")</script> <b>Staff day</b>'
    response = client.post("/admin/closures/new", data={"day": ["20", "11", "2026"], "name": name})
    assert response.status_code == 302
    soup = BeautifulSoup(client.get("/admin/closures").get_data(as_text=True), "html.parser")
    banner = soup.select_one(".govuk-notification-banner")
    assert banner.select("script, b") == []
    assert f"{name} on 20 November 2026 is now a closure date." in banner.get_text(" ", strip=True)


def test_a_message_flashed_as_markup_keeps_its_markup():
    fresh = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})

    @fresh.get("/test-flash")
    def flashes():
        flash(Markup("Your link is <span class=\"app-break\">{link}</span>.").format(link="/track/<abc>"), "success")
        flash("Typed <em>by someone</em>", "info")
        return render_template_string(PAGE, page_title="Flashed")

    with fresh.app_context():
        soup = BeautifulSoup(fresh.test_client().get("/test-flash").get_data(as_text=True), "html.parser")
    first, second = soup.select(".govuk-notification-banner")
    assert first.select_one("span.app-break").get_text() == "/track/<abc>"
    assert second.select("em") == [] and "Typed <em>by someone</em>" in second.get_text()

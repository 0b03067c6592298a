"""The page rules tests/conftest.py checks on every HTML response: each rule catches the page that breaks it."""

from __future__ import annotations

import pytest

from app import create_app
from tests.html_checks import page_problems

HEAD = "<!DOCTYPE html><html><head><title>{title}</title></head><body>{body}</body></html>"


@pytest.fixture(scope="module")
def fresh():
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})

    @app.get("/test-no-heading")
    def no_heading():
        return HEAD.format(title="Nothing here", body="<p>No heading</p>")

    @app.get("/test-a-heading")
    def a_heading():
        return HEAD.format(title="A heading – Charterline", body="<h1>A heading</h1>")

    @app.get("/test-plain-text")
    def plain_text():
        return "No heading", 200, {"Content-Type": "text/plain"}

    return app


def problems(app, title: str, body: str) -> list[str]:
    return page_problems(app, HEAD.format(title=title, body=body))


def test_a_page_without_an_h1_fails_the_test_that_asked_for_it(fresh):
    with pytest.raises(AssertionError, match=r"GET /test-no-heading \(200\) breaks a page rule:\n  one <h1> per page"):
        fresh.test_client().get("/test-no-heading")
    assert fresh.test_client().get("/test-a-heading").status_code == 200


def test_a_client_can_look_at_a_broken_page_on_purpose(fresh):
    client = fresh.test_client()
    client.check_html = False
    assert client.get("/test-no-heading").status_code == 200


def test_responses_that_are_not_html_are_not_checked(fresh):
    assert fresh.test_client().get("/test-plain-text").status_code == 200


def test_one_h1_and_the_title_starts_with_it(app):
    assert problems(app, "Track – Charterline", "<h1>Track</h1>") == []
    assert problems(app, "Track", "<h1>Track</h1><h1>Again</h1>") == ["one <h1> per page: found 2"]
    assert problems(app, "Charterline – Track", "<h1>Track</h1>") == [
        "the <title> starts with the <h1>: title 'Charterline – Track', h1 'Track'"]


def test_an_error_prefix_only_with_an_error_summary(app):
    summary = '<div class="govuk-error-summary"><a href="#name">Enter a name</a></div><input id="name">'
    assert problems(app, "Error: Name", f"<h1>Name</h1>{summary}") == []
    assert problems(app, "Error: Name", "<h1>Name</h1>") != []


def test_form_actions_are_routes_of_the_app(app):
    assert problems(app, "Sign in", '<h1>Sign in</h1><form method="post" action="/sign-in"></form>') == []
    assert problems(app, "Sign in", '<h1>Sign in</h1><form method="post"></form><form action=""></form>') == []
    assert problems(app, "Sign in", '<h1>Sign in</h1><form method="post" action="/no-such-page"></form>') == [
        "a form's action is a route of this app: POST '/no-such-page' gives 404"]
    assert problems(app, "Sign in", '<h1>Sign in</h1><form method="post" action="https://example.com/x"></form>') == [
        "a form's action is empty or a path of this app: 'https://example.com/x'"]


def test_list_filters_are_get_forms(app):
    filters = '<h1>Inbox</h1><form class="app-filters" method="{}" action="/staff/feedback"></form>'
    assert problems(app, "Inbox", filters.format("get")) == []
    assert problems(app, "Inbox", filters.format("post"))[0] == (
        "a list's filters are a GET form, so a filtered list has its own address")


def test_ids_are_unique(app):
    assert problems(app, "Ids", '<h1>Ids</h1><p id="a"></p><p id="b"></p><p id="a"></p>') == [
        "ids are unique: repeated a"]


def test_error_summary_links_point_at_the_page(app):
    summary = '<div class="govuk-error-summary"><a href="#missing">Enter a name</a></div>'
    assert problems(app, "Error: Name", f"<h1>Name</h1>{summary}") == [
        "an error summary link points at an element on the page: no id 'missing'"]


def test_the_header_link_home_names_the_council(app):
    header = '<div class="govuk-generic-header"><a class="govuk-generic-header__homepage-link" href="/">{}</a></div>'
    assert problems(app, "Home", header.format("") + "<h1>Home</h1>") == [
        "the header's link home names the council: it is empty"]
    assert problems(app, "Home", header.format("<span>Example Council</span>") + "<h1>Home</h1>") == []

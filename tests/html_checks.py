"""The rules every HTML page keeps, checked on each response the Flask test client returns (tests/conftest.py)."""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect


def page_problems(app: Flask, html: str) -> list[str]:
    """The page rules an HTML document breaks, each as one line; empty when it keeps them all."""
    soup = BeautifulSoup(html, "html.parser")
    return [
        *_heading_and_title(soup),
        *_form_actions(app, soup),
        *_duplicate_ids(soup),
        *_error_summary_links(soup),
        *_header_names_the_council(soup),
    ]


def _header_names_the_council(soup: BeautifulSoup) -> list[str]:
    """The header's link home carries the council's name (a page passing its own ``council`` to the template would
    hide the one every page gets)."""
    link = soup.select_one(".govuk-generic-header__homepage-link")
    if link is not None and not " ".join(link.get_text().split()):
        return ["the header's link home names the council: it is empty"]
    return []


def _heading_and_title(soup: BeautifulSoup) -> list[str]:
    h1s = soup.find_all("h1")
    if len(h1s) != 1:
        return [f"one <h1> per page: found {len(h1s)}"]
    heading = " ".join(h1s[0].get_text().split())
    title = " ".join(soup.title.get_text().split()) if soup.title else ""
    starts = [heading]
    if soup.select(".govuk-error-summary"):
        starts.append(f"Error: {heading}")
    if not any(title.startswith(start) for start in starts):
        return [f"the <title> starts with the <h1>: title {title!r}, h1 {heading!r}"]
    return []


def _form_actions(app: Flask, soup: BeautifulSoup) -> list[str]:
    urls = app.url_map.bind("localhost")
    problems = []
    for form in soup.find_all("form"):
        action = form.get("action", "")
        method = (form.get("method") or "get").upper()
        if "app-filters" in form.get("class", []) and method != "GET":
            problems.append("a list's filters are a GET form, so a filtered list has its own address")
        if not action:
            continue
        parts = urlsplit(action)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            problems.append(f"a form's action is empty or a path of this app: {action!r}")
            continue
        try:
            urls.match(parts.path, method=method)
        except RequestRedirect:
            problems.append(f"a form's action is a route of this app: {method} {action!r} redirects")
        except HTTPException as error:
            problems.append(f"a form's action is a route of this app: {method} {action!r} gives {error.code}")
    return problems


def _duplicate_ids(soup: BeautifulSoup) -> list[str]:
    counts = Counter(tag["id"] for tag in soup.find_all(id=True))
    repeated = sorted(name for name, count in counts.items() if count > 1)
    return [f"ids are unique: repeated {', '.join(repeated)}"] if repeated else []


def _error_summary_links(soup: BeautifulSoup) -> list[str]:
    problems = []
    for link in soup.select(".govuk-error-summary a[href^='#']"):
        target = link["href"][1:]
        if not target or soup.find(id=target) is None:
            problems.append(f"an error summary link points at an element on the page: no id {target!r}")
    return problems


class CheckedClient(FlaskClient):
    """A test client that fails the test when an HTML response breaks a page rule.

    Set ``check_html = False`` on a client to look at a broken page on purpose.
    """

    check_html = True

    def open(self, *args, **kwargs):
        # Read every response to its end and close it, so a streamed download never keeps its database connection
        # (and its app context) open after the test has looked at the status.
        kwargs.setdefault("buffered", True)
        response = super().open(*args, **kwargs)
        if self.check_html and response.mimetype == "text/html" and response.status_code != 304:
            html = response.get_data(as_text=True)
            if html.strip():
                problems = page_problems(self.application, html)
                request = response.request
                where = f"{request.method} {request.full_path.rstrip('?')} ({response.status_code})"
                assert not problems, f"{where} breaks a page rule:\n  " + "\n  ".join(problems)
        return response

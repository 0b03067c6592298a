"""Hostile-input bench: a few thousand generated requests at a running server; prints 5xx and stored-twice counts.

Sends any Unicode (control and zero-width characters, emoji, right-to-left text, NUL), raw bytes, very long
strings and JSON of the wrong shape at the resident's feedback form, the tracking page, staff sign-in and both
APIs, then sends identical requests at the same moment: the resident's last "Send" from one session, API posts
with one Idempotency-Key, and contacts with one reference. Afterwards it reads the database and counts what this
run stored more than once.

With no --base-url it starts its own server the way bench/intake.py does (gunicorn, 2 workers, a fresh SQLite
database with Harrow's charter, its own API key, rate limits raised). With --base-url it needs --api-key (scopes
feedback:write, feedback:read and contacts:write) and, to count what was stored twice, --database-url; the
server's rate limits then turn some requests into 429s, which are counted but are no failure.

Exit status 1 when any request got a 5xx (or no answer at all) or anything was stored twice.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import secrets
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
# Run from a checkout as `python bench/hostile.py`: make the project importable.
sys.path.insert(0, str(ROOT))

AWKWARD = [
    "", " ", "\x00", "a\x00b", "\t\n\r", "\u200b\u200c\u200d\ufeff", "\u202e\u0645\u0631\u062d\u0628\u0627",
    "\u05e9\u05dc\u05d5\u05dd", "\U0001f600\U0001f4a9", "\U0001f468\u200d\U0001f469\u200d\U0001f467", "e\u0301\u0301",
    "\ufffd", "\x7f\x85\u2028\u2029", "...", "-", "'", '"', "<script>alert(1)</script>", "{{ 7 * 7 }}",
    "'; DROP TABLE feedback_item; --", "%s %(x)s", "../../etc/passwd", "\u00b2", "\u2460", "\uff15", "0001-01-01",
    "9999-12-31", "1900-01-01", "2101-01-01", "2026-02-30", "-1", "1e309", "NaN", "null", "[]", "{}",
]
# Code points from every plane, the control ranges and the specials, without lone surrogates (not sendable).
RANGES = [(0, 0x20), (0x20, 0x7F), (0x7F, 0xA0), (0xA0, 0x2000), (0x2000, 0x2070), (0x0590, 0x0700),
          (0xFE00, 0xFFFF), (0x1F300, 0x1FAFF), (0xE0000, 0xE0080), (0x10000, 0x10FFFF)]
PLAUSIBLE = ["The bin was missed again.", "Thank you", "Ada Lovelace", "ada@example.com", "01632 960001",
             "1 High Street", "HA1 2AA", "waste-recycling", "HAR-03", "complaint", "email", "phone"]


class Hostile:
    """Generated hostile values from one seeded random source."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)

    def char(self) -> str:
        low, high = self.random.choice(RANGES)
        return chr(self.random.randrange(low, high))

    def text(self) -> str:
        pick = self.random.random()
        if pick < 0.3:
            return self.random.choice(AWKWARD)
        if pick < 0.45:
            return self.random.choice(PLAUSIBLE) + " " + self.random.choice(AWKWARD)
        if pick < 0.55:
            return self.random.choice(["a", "\U0001f600", "\u200b", "x y "]) * self.random.randint(255, 40_000)
        return "".join(self.char() for _ in range(self.random.randint(1, 40)))

    def value(self, depth: int = 0) -> object:
        pick = self.random.random()
        if depth < 2 and pick < 0.12:
            return [self.value(depth + 1) for _ in range(self.random.randint(0, 4))]
        if depth < 2 and pick < 0.22:
            return {self.text(): self.value(depth + 1) for _ in range(self.random.randint(0, 3))}
        if pick < 0.3:
            return self.random.choice([None, True, False, 0, -1, 2**63, 10**30, 1.5, -0.0])
        return self.text()

    def raw(self) -> bytes:
        pick = self.random.random()
        if pick < 0.4:
            return self.random.randbytes(self.random.randint(0, 400))
        if pick < 0.7:
            return self.text().encode("utf-8", "surrogatepass")
        return self.text().encode("utf-16")

    def mutate(self, good: dict) -> dict:
        """A good body with some fields replaced, removed or added."""
        body = json.loads(json.dumps(good))
        for _ in range(self.random.randint(1, 4)):
            target = body
            if "resident" in body and isinstance(body["resident"], dict) and self.random.random() < 0.3:
                target = body["resident"]
            name = self.random.choice([*target, self.text()]) if target else self.text()
            if self.random.random() < 0.15:
                target.pop(name, None)
            else:
                target[name] = self.value()
        return body


# HTTP: one connection per request (gunicorn's sync workers close them), with cookies kept per Browser.

@dataclass
class Tally:
    sent: int = 0
    by_status: Counter = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, method: str, path: str, status: int | str) -> None:
        with self.lock:
            self.sent += 1
            self.by_status[status] += 1
            if not isinstance(status, int) or status >= 500:
                self.server_errors.append(f"{status} {method} {path[:120]!r}")


class Browser:
    def __init__(self, base_url: str, tally: Tally) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.cookies: dict[str, str] = {}
        self.tally = tally

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None) -> tuple[int | str, dict, str]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            status, text = response.status, response.read().decode("utf-8", "replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";", 1)[0]
            answer = {k.lower(): v for k, v in response.getheaders()}
        except (OSError, http.client.HTTPException) as exc:
            status, answer, text = f"no answer ({type(exc).__name__})", {}, ""
        finally:
            connection.close()
        self.tally.note(method, path, status)
        return status, answer, text

    def form(self, path: str, fields: dict | list, page_path: str | None = None) -> tuple[int | str, dict, str]:
        """GET the page (or page_path, for a POST-only address) for its CSRF token, then POST the fields (a list of
        pairs may repeat a name)."""
        _status, _headers, page = self.request("GET", page_path or path)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        pairs = list(fields.items()) if isinstance(fields, dict) else list(fields)
        if match:
            pairs.insert(0, ("csrf_token", match.group(1)))
        body = urlencode([(k, v) for k, v in pairs], doseq=True).encode()
        return self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})


# What to send

COMPLAINT = {"kind": "complaint", "description": "The recycling was not collected.", "service_area": "waste-recycling",
             "commitments": ["HAR-03"], "channel": "web_form",
             "resident": {"name": "Gil Hart", "email": "gil@example.com", "reply_by": "email"},
             "equality": {"age_band": "65_74"}}
CONTACT = {"channel": "phone", "occurred_at": "2026-01-05T09:30:00Z", "service": "waste-recycling",
           "email": "resident@example.com", "commitments": ["HAR-03"], "reference": "CALL-1"}
JOURNEY = [
    ("/feedback/type", {"kind": "complaint"}),
    ("/feedback/service", {"service_area": "waste-recycling"}),
    ("/feedback/promises", {"commitments": "HAR-03"}),
    ("/feedback/details", [("description", "My bin was missed."), ("happened_on", ""), ("happened_on", ""),
                           ("happened_on", ""), ("outcome_wanted", "Empty it.")]),
    ("/feedback/evidence/continue", {}),
    ("/feedback/contact", {"name": "Ada Lovelace", "email": "ada@example.com"}),
    ("/feedback/reply", {"reply_by": "email"}),
    ("/feedback/adjustments", {"adjustments": "none"}),
    ("/feedback/about-you", {"skip": "Skip these questions"}),
]

#: Addresses that only take a POST, and the page whose form posts to them.
PAGE_OF = {"/feedback/evidence/continue": "/feedback/evidence"}


def api_headers(key: str, content_type: str = "application/json") -> dict:
    return {"Authorization": f"Bearer {key}", "Content-Type": content_type}


def hostile_api(browser: Browser, gen: Hostile, key: str, run: str) -> None:
    pick = gen.random.random()
    if pick < 0.4:
        body = gen.mutate({**COMPLAINT, "description": f"{run}-api {COMPLAINT['description']}"})
        browser.request("POST", "/api/v1/feedback", json.dumps(body).encode(), api_headers(key))
    elif pick < 0.65:
        body = gen.mutate({**CONTACT, "reference": f"{run}-c{gen.random.randrange(10**9)}"})
        browser.request("POST", "/api/v1/contacts", json.dumps(body).encode(), api_headers(key))
    elif pick < 0.8:
        path = gen.random.choice(["/api/v1/feedback", "/api/v1/contacts"])
        content_type = gen.random.choice(["application/json", "text/plain", "application/x-www-form-urlencoded",
                                          "application/json; charset=utf-16", gen.text()[:60]])
        try:
            headers = api_headers(key, content_type)
            headers["Content-Type"].encode("latin-1")
        except UnicodeEncodeError:
            headers = api_headers(key)
        browser.request("POST", path, gen.raw(), headers)
    else:
        reference = gen.text()[:200].encode("utf-8").hex() if gen.random.random() < 0.5 else gen.text()[:200]
        path = "/api/v1/feedback/" + "".join(c if c.isascii() and c.isalnum() else f"%{ord(c) % 256:02X}"
                                            for c in reference)
        browser.request("GET", path or "/api/v1/feedback/x", headers=api_headers(key))


def hostile_form(browser: Browser, gen: Hostile, run: str) -> None:
    """Walk the resident's form with some answers replaced by hostile ones; sometimes sign in or track."""
    pick = gen.random.random()
    if pick < 0.1:
        browser.form("/sign-in", {"email": gen.text()[:300], "password": gen.text()[:300]})
        return
    if pick < 0.2:
        token = "".join(c for c in gen.text() if c.isascii() and (c.isalnum() or c in "-_"))[:80] or "x"
        browser.form(f"/track/{token}/message", {"body": gen.text()})
        return
    for path, fields in JOURNEY:
        pairs = list(fields.items()) if isinstance(fields, dict) else list(fields)
        if path == "/feedback/details":
            pairs[0] = ("description", gen.text() if gen.random.random() < 0.5 else f"{run}-form bin missed")
        if gen.random.random() < 0.25:
            pairs = [(name, gen.text() if gen.random.random() < 0.8 else "") for name, _ in pairs] + (
                [(gen.text()[:40], gen.text())] if gen.random.random() < 0.3 else [])
        status, _headers, _page = browser.form(path, pairs, PAGE_OF.get(path))
        if status != 302:
            return
    browser.form("/feedback/check", {"website": ""})


# Identical requests at the same moment

def at_once(count: int, send) -> list:
    barrier = threading.Barrier(count)

    def go(i: int):
        barrier.wait()
        return send(i)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(go, range(count)))


def simultaneous(base_url: str, tally: Tally, key: str, run: str, rounds: int, copies: int) -> None:
    for n in range(rounds):
        # The resident presses Send several times at once from one session: one draft, one item.
        browser = Browser(base_url, tally)
        walked = True
        for path, fields in JOURNEY:
            if path == "/feedback/details":
                fields = [("description", f"{run}-same-{n} The bin was missed."), *fields[1:]]
            walked = walked and browser.form(path, fields, PAGE_OF.get(path))[0] == 302
        if walked:
            _s, _h, page = browser.request("GET", "/feedback/check")
            match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
            body = urlencode({"csrf_token": match.group(1) if match else "", "website": ""}).encode()
            at_once(copies, lambda _i, b=browser, body=body: b.request(
                "POST", "/feedback/check", body, {"Content-Type": "application/x-www-form-urlencoded"}))
        # An integration retries one submission with one Idempotency-Key.
        body = json.dumps({**COMPLAINT, "description": f"{run}-idem-{n} The bin was missed."}).encode()
        headers = {**api_headers(key), "Idempotency-Key": f"{run}-idem-{n}"}
        at_once(copies, lambda _i, body=body, headers=headers: Browser(base_url, tally).request(
            "POST", "/api/v1/feedback", body, headers))
        # A telephony system sends one call twice: the reference makes it one contact.
        body = json.dumps({**CONTACT, "reference": f"{run}-same-{n}"}).encode()
        at_once(copies, lambda _i, body=body: Browser(base_url, tally).request(
            "POST", "/api/v1/contacts", body, api_headers(key)))


# Counting what was stored twice

def stored_twice(url: str, run: str) -> dict[str, int]:
    from sqlalchemy import func, select

    from app import create_app
    from core.contacts import ContactRecord
    from core.extensions import db
    from feedback.models import FeedbackItem

    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
    found = {}
    with app.app_context():
        for label, pattern in (("resident's Send pressed at once", f"{run}-same-%"),
                               ("API posts with one Idempotency-Key", f"{run}-idem-%")):
            counts = db.session.execute(select(func.count()).where(FeedbackItem.description.like(pattern))
                                        .group_by(FeedbackItem.description)).scalars().all()
            found[label] = sum(c - 1 for c in counts)
        counts = db.session.execute(
            select(func.count()).where(ContactRecord.external_reference.like(f"{run}-%"))
            .group_by(ContactRecord.api_key_id, ContactRecord.external_reference)).scalars().all()
        found["contacts with one reference"] = sum(c - 1 for c in counts)
        db.engine.dispose()
    return found


# Running

def own_server(scratch: Path):
    """A fresh SQLite database with Harrow's charter and a key, served by gunicorn as bench/intake.py does."""
    import os

    sys.path.insert(0, str(ROOT / "bench"))
    import intake as intake_bench  # noqa: PLC0415 (the intake benchmark's server start-up, reused)

    from app import create_app
    from core.api_keys import issue_api_key
    from core.charters import load_charter_file
    from core.extensions import db

    url = f"sqlite:///{scratch / 'hostile.db'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_charter_file(ROOT / "charters" / "harrow.toml")
        _key, raw = issue_api_key(name="Hostile bench", scopes=["feedback:write", "feedback:read", "contacts:write"],
                                  by=None, per_minute=10_000_000)
        db.engine.dispose()
    os.environ.update({"CHARTERLINE_PUBLIC_RATE_LIMIT": "1000000 per minute",
                       "CHARTERLINE_SURVEY_OPEN_RATE_LIMIT": "1000000 per minute",
                       "CHARTERLINE_UPLOAD_DIR": str(scratch / "uploads")})
    port = intake_bench.free_port()
    server = intake_bench.start_server(url, port, scratch / "gunicorn.log")
    return server, f"http://127.0.0.1:{port}", raw, url


def run(base_url: str, key: str, database_url: str | None, args: argparse.Namespace,
        server_log: Path | None = None) -> int:
    tally = Tally()
    marker = f"hostile{secrets.token_hex(3)}"
    gen_lock = threading.Lock()
    seeds = random.Random(args.seed)

    def one(_i: int) -> None:
        with gen_lock:
            gen = Hostile(seeds.randrange(2**32))
        browser = Browser(base_url, tally)
        if gen.random.random() < 0.5:
            hostile_api(browser, gen, key, marker)
        else:
            hostile_form(browser, gen, marker)

    started = time.perf_counter()
    with ThreadPoolExecutor(args.clients) as pool:
        list(pool.map(one, range(args.rounds)))
    simultaneous(base_url, tally, key, marker, args.simultaneous, args.copies)
    seconds = time.perf_counter() - started
    twice = stored_twice(database_url, marker) if database_url else None

    statuses = ", ".join(f"{status}: {n}" for status, n in sorted(tally.by_status.items(), key=lambda i: str(i[0])))
    print(f"requests sent: {tally.sent} in {seconds:.0f} s ({statuses})")
    print(f"5xx or no answer: {len(tally.server_errors)}")
    for line in tally.server_errors[:20]:
        print(f"  {line}")
    if server_log is not None and tally.server_errors:
        causes = Counter(re.findall(r"Unhandled error: (.*)", server_log.read_text(errors="replace")))
        print("what the server logged:" + "".join(f"\n  {n} x {cause[:150]}" for cause, n in causes.most_common(10)))
    if twice is None:
        print("stored twice: not checked (give --database-url to read the server's database)")
    else:
        print(f"stored twice: {sum(twice.values())}" + "".join(f"\n  {label}: {n}" for label, n in twice.items()))
    return 1 if tally.server_errors or (twice and sum(twice.values())) else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", help="a running server (default: start one on a fresh SQLite database)")
    parser.add_argument("--api-key", help="with --base-url: a key with feedback:write, feedback:read, contacts:write")
    parser.add_argument("--database-url", help="with --base-url: the server's database, to count what was stored "
                                               "twice")
    parser.add_argument("--rounds", type=int, default=1500,
                        help="generated API calls and form walks (default 1500; a walk is several requests)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--simultaneous", type=int, default=10, help="rounds of identical requests (default 10)")
    parser.add_argument("--copies", type=int, default=6, help="identical requests sent at once (default 6)")
    parser.add_argument("--seed", type=int, default=17, help="random seed, so a run can be repeated (default 17)")
    args = parser.parse_args()
    if min(args.rounds, args.clients, args.simultaneous, args.copies) < 1:
        parser.error("--rounds, --clients, --simultaneous and --copies must be positive")
    if args.base_url:
        if not args.api_key:
            parser.error("--base-url needs --api-key")
        return run(args.base_url.rstrip("/"), args.api_key, args.database_url, args)
    with tempfile.TemporaryDirectory() as scratch:
        server, base_url, key, url = own_server(Path(scratch))
        try:
            return run(base_url, key, url, args, server_log=Path(scratch) / "gunicorn.log")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())

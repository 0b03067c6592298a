"""A small stand-in for the GOV.UK Notify API, served on a local port by the tests: no network.

It implements the endpoints Charterline uses (send an email, send a precompiled letter, get a notification, list
notifications by reference), checks the JWT each request is signed with, records what it accepted, and answers
429, 500 or a chosen status when a test asks it to.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import jwt

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"charterline_test-{SERVICE_ID}-{SECRET}"
TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"


class NotifyStandIn:
    def __init__(self) -> None:
        self.accepted: list[dict] = []  # every notification accepted, in order: what was sent and its path
        self.notifications: dict[str, dict] = {}
        self.requests: list[tuple[str, str]] = []
        self._answers: list[tuple[int, str, bool]] = []  # (status, message, accept anyway) for the next POSTs
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> NotifyStandIn:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def answer_next(self, *answers: tuple[int, str] | tuple[int, str, bool]) -> None:
        """The next POSTs get these answers in turn (status, message[, accepted anyway]); 201 means accept."""
        self._answers.extend((a[0], a[1], a[2] if len(a) > 2 else False) for a in answers)

    def set_status(self, notify_id: str, status: str) -> None:
        self.notifications[notify_id]["status"] = status

    def sent_to(self, kind: str) -> list[dict]:
        return [n["request"] for n in self.accepted if n["type"] == kind]

    # Request handling, called from the server's threads

    def handle(self, method: str, path: str, query: dict, token: str | None, body: dict | None) -> tuple[int, dict]:
        with self._lock:
            self.requests.append((method, path))
            problem = _check_token(token)
            if problem:
                return 403, _errors(403, "AuthError", problem)
            if method == "POST" and path in ("/v2/notifications/email", "/v2/notifications/letter"):
                return self._post(path.rsplit("/", 1)[1], body or {})
            if method == "GET" and path == "/v2/notifications":
                found = [n for n in self.notifications.values()
                         if n["reference"] == query.get("reference", [None])[0]
                         and n["type"] == query.get("template_type", [n["type"]])[0]]
                return 200, {"notifications": found, "links": {}}
            if method == "GET" and path.startswith("/v2/notifications/"):
                found = self.notifications.get(path.rsplit("/", 1)[1])
                return (200, found) if found else (404, _errors(404, "NoResultFound", "No result found"))
            return 404, _errors(404, "NotFound", "Not found")

    def _post(self, kind: str, body: dict) -> tuple[int, dict]:
        status, message, accept = self._answers.pop(0) if self._answers else (201, "", True)
        if status != 201 and not accept:
            return status, _errors(status, "TestError", message)
        if kind == "email" and body.get("template_id") != TEMPLATE_ID:
            return 400, _errors(400, "BadRequestError", "Template not found")
        if kind == "letter" and not body.get("content"):
            return 400, _errors(400, "BadRequestError", "Letter content is not a valid PDF")
        notify_id = str(uuid.uuid4())
        self.notifications[notify_id] = {
            "id": notify_id, "reference": body.get("reference"), "type": kind,
            "status": "created" if kind == "email" else "pending-virus-check",
        }
        self.accepted.append({"id": notify_id, "type": kind, "request": body})
        if status != 201:  # Notify took it, but the answer never arrived as a success
            return status, _errors(status, "TestError", message)
        return 201, {"id": notify_id, "reference": body.get("reference"), "uri": f"/v2/notifications/{notify_id}",
                     "content": {}, "template": {"id": body.get("template_id")}}


def _check_token(token: str | None) -> str | None:
    """What Notify would refuse about the bearer token: signed with the key's secret, issued by the service, now."""
    if not token:
        return "Unauthorized: authentication token must be provided"
    try:
        claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"require": ["iss", "iat"]})
    except jwt.PyJWTError as exc:
        return f"Invalid token: {exc}"
    if claims["iss"] != SERVICE_ID:
        return "Invalid token: service not found"
    if abs(time.time() - int(claims["iat"])) > 30:
        return "Error: Your system clock must be accurate to within 30 seconds"
    return None


def _errors(status: int, error: str, message: str) -> dict:
    return {"status_code": status, "errors": [{"error": error, "message": message}]}


def _handler(stand_in: NotifyStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self, method: str) -> None:
            url = urlparse(self.path)
            auth = self.headers.get("Authorization", "")
            token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length)) if length else None
            status, payload = stand_in.handle(method, url.path, parse_qs(url.query), token, body)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
            self._answer("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._answer("POST")

        def log_message(self, *_args) -> None:
            pass

    return Handler

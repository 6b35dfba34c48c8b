"""A logged-in user's HTTP against a real server (live_server, gunicorn): for the
concurrency tests and the load run, where requests must really run in parallel.

Each request opens its own connection, sends the user's session cookie and a CSRF cookie
with the matching header (as htmx does), and does not follow redirects, so the caller sees
exactly what the server answered.
"""

from __future__ import annotations

import html.parser
import http.client
import re
import secrets
import string
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client


@dataclass(frozen=True)
class Answer:
    status: int
    text: str
    location: str
    seconds: float

    def hidden(self, name: str) -> str:
        """The value of a hidden input ``name`` in the page (a form's version, say)."""
        match = re.search(
            rf'<input type="hidden" name="{re.escape(name)}" value="([^"]*)"', self.text
        )
        if match is None:
            raise AssertionError(f"no hidden field {name!r} in the page (status {self.status})")
        return match.group(1)


class _FormFields(html.parser.HTMLParser):
    """What a browser would submit from one form of a page (checked boxes, selected options,
    text areas), found by its action."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside = action, False
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("action") == self.action
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") != "submit":
            if attrs.get("type") in ("radio", "checkbox") and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields.append((name, ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value") or ""))

    def handle_data(self, data):
        if self.inside and self._textarea:
            name, text = self.fields[-1]
            self.fields[-1] = (name, text + data)

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            name, text = self.fields[-1]
            self.fields[-1] = (name, text.removeprefix("\n"))
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self.inside = False


def form_fields(page: str, action: str) -> list[tuple[str, str]]:
    """The fields of the page's form posting to ``action``, as a browser would send them."""
    parser = _FormFields(action)
    parser.feed(page)
    return parser.fields


def session_for(user) -> str:
    """A session key for ``user``, stored where the server reads sessions."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


class LiveClient:
    def __init__(self, base_url: str, user=None, *, session: str | None = None, timeout=60):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.timeout = timeout
        self.session = session if session is not None else session_for(user)
        self.csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))

    @classmethod
    def for_username(cls, base_url: str, username: str, **kwargs) -> LiveClient:
        return cls(base_url, get_user_model().objects.get(username=username), **kwargs)

    def _send(self, method: str, path: str, body: bytes | None, headers: dict) -> Answer:
        session, csrf = settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME
        cookie = f"{session}={self.session}; {csrf}={self.csrf}"
        headers = {"Cookie": cookie, "X-CSRFToken": self.csrf, **headers}
        started = time.perf_counter()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        elapsed = time.perf_counter() - started
        return Answer(response.status, text, response.getheader("Location") or "", elapsed)

    def get(self, path: str, *, htmx: bool = False) -> Answer:
        return self._send("GET", path, None, {"HX-Request": "true"} if htmx else {})

    def post(self, path: str, data: dict | list, *, htmx: bool = False) -> Answer:
        body = urlencode(data, doseq=True).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if htmx:
            headers["HX-Request"] = "true"
        return self._send("POST", path, body, headers)

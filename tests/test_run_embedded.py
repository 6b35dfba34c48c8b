"""run_embedded: links in emails follow --addr unless SITE_URL says otherwise (issue 12)."""

import io
import os

import pytest
from django.core.management import call_command

from judgements.management.commands import run_embedded


@pytest.mark.parametrize(
    ("addr", "url"),
    [
        ("127.0.0.1:8400", "http://127.0.0.1:8400"),
        ("8400", "http://127.0.0.1:8400"),
        ("0.0.0.0:9000", "http://127.0.0.1:9000"),
        ("localhost:8000", "http://localhost:8000"),
    ],
)
def test_without_site_url_links_follow_the_address_served(addr, url):
    assert run_embedded.site_url_for(addr, None) == (url, "")


def test_a_site_url_that_matches_the_address_is_quiet():
    assert run_embedded.site_url_for("127.0.0.1:8400", "http://127.0.0.1:8400/") == (
        "http://127.0.0.1:8400",
        "",
    )


def test_a_site_url_pointing_elsewhere_is_kept_and_said_at_start_up():
    url, note = run_embedded.site_url_for("127.0.0.1:8400", "https://yardstick.example")
    assert url == "https://yardstick.example"
    assert "SITE_URL is https://yardstick.example" in note
    assert "listens on http://127.0.0.1:8400" in note


class _Finished:
    def __init__(self, args, **kwargs):
        self.args, self.env = args, dict(os.environ)

    def poll(self):
        return 0

    def terminate(self):
        pass

    def wait(self, timeout=None):
        return 0


@pytest.mark.django_db
def test_start_up_hands_the_worker_and_server_the_site_url_of_its_address(monkeypatch, settings):
    started = []
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.setattr(
        run_embedded.subprocess,
        "Popen",
        lambda args, **kw: started.append(_Finished(args)) or started[-1],
    )
    monkeypatch.setattr(run_embedded.scan, "run_once", lambda **kw: {"queued": 0, "digest": 0})
    out = io.StringIO()
    try:
        call_command("run_embedded", addr="127.0.0.1:8400", stdout=out)
        assert [p.env["SITE_URL"] for p in started] == ["http://127.0.0.1:8400"] * 2
        assert settings.SITE_URL == "http://127.0.0.1:8400"
        assert "Links in emails start with http://127.0.0.1:8400" in out.getvalue()
    finally:
        os.environ.pop("SITE_URL", None)


@pytest.mark.django_db
def test_start_up_says_when_site_url_points_elsewhere(monkeypatch):
    monkeypatch.setenv("SITE_URL", "http://127.0.0.1:8000")
    monkeypatch.setattr(run_embedded.subprocess, "Popen", lambda args, **kw: _Finished(args))
    monkeypatch.setattr(run_embedded.scan, "run_once", lambda **kw: {"queued": 0, "digest": 0})
    out = io.StringIO()
    call_command("run_embedded", addr="127.0.0.1:8400", stdout=out)
    assert (
        "SITE_URL is http://127.0.0.1:8000, but this server listens on http://127.0.0.1:8400"
        in (out.getvalue())
    )

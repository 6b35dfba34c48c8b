"""Failures are visible and fast: styled error pages that say what happened, and a busy
database (statement or lock timeout) answered at once with 503 "busy, try again"."""

import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.db import OperationalError, connection
from django.test import Client, RequestFactory

from judgements import errors
from tests.factories import make_judgement

BASE_DIR = Path(__file__).resolve().parents[1]
HTMX = {"HX-Request": "true"}


# --- Error pages -----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _production_pages(settings):
    settings.DEBUG = False  # Django shows its technical pages instead while DEBUG is on


def test_a_404_is_a_styled_page_that_says_what_is_missing(client, alice):
    client.force_login(alice)
    response = client.get("/judgements/KJ-1999-0404/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "css/yardstick.css" in page and "<h1" in page
    assert "Not found" in page and "does not exist" in page
    assert "style=" not in page  # the CSP allows no inline styles


def test_a_403_names_the_team_it_needs_and_who_is_asking(client, bob, judgement):
    client.force_login(bob)
    response = client.get(f"/judgements/{judgement.reference}/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "belongs to the East Asia team" in page
    assert "You are signed in as bob (Analyst)" in page


def test_a_403_for_a_read_only_role_says_so(client, maya, judgement):
    client.force_login(maya)
    response = client.get(f"/judgements/{judgement.reference}/edit/")
    assert response.status_code == 403
    assert "your role (Leadership) only reads" in response.content.decode()


def test_the_dashboard_403_says_which_roles_it_is_for(client, alice):
    client.force_login(alice)
    response = client.get("/dashboard/")
    assert response.status_code == 403
    assert "for leadership, admins and team leads; your role is Analyst" in (
        response.content.decode()
    )


def test_an_htmx_request_gets_the_message_as_plain_text(client, bob, judgement):
    client.force_login(bob)
    response = client.post(f"/judgements/{judgement.reference}/indicators/", {}, headers=HTMX)
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode().startswith("This judgement belongs to the East Asia team")


def test_a_400_is_a_styled_page(client):
    response = client.get("/accounts/login/", HTTP_HOST="not-allowed.example")
    assert response.status_code == 400
    assert "That request could not be understood" in response.content.decode()


def test_an_expired_form_says_to_reload_it(alice, judgement):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(f"/judgements/{judgement.reference}/resolve/", {})
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()


def test_a_500_says_it_was_logged_and_touches_no_database(client, alice, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("judgements.workspace.views.listed_judgements", broken)
    client.force_login(alice)
    client.raise_request_exception = False
    response = client.get("/judgements/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page and "logged" in page
    assert "You are signed in" not in page


def test_a_timeout_outside_a_view_is_still_a_503():
    """A database timeout raised before any view (a middleware loading the session) reaches
    the 500 handler, which answers 503 all the same."""
    request = RequestFactory().get("/judgements/")
    try:
        raise OperationalError("database is locked")
    except OperationalError:
        response = errors.server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"


# --- Database timeouts (PostgreSQL) ----------------------------------------------------------


needs_postgres = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").split(":")[0] not in ("postgres", "postgresql"),
    reason="statement and lock timeouts are PostgreSQL's: set DATABASE_URL (CI does)",
)


def _other_connection() -> psycopg.Connection:
    params = connection.get_connection_params()
    params.pop("options", None)
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    return psycopg.connect(**params, autocommit=False)


def _show(setting: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {setting}")
        return cursor.fetchone()[0]


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_web_connections_carry_the_short_timeouts():
    assert (_show("statement_timeout"), _show("lock_timeout")) == ("10s", "3s")


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_locked_table_gives_a_503_in_seconds_not_a_hang(client, alice, east_asia):
    make_judgement(alice, east_asia, days_ago=10)
    client.force_login(alice)
    holder = _other_connection()
    try:
        holder.execute("LOCK TABLE judgements_judgement IN ACCESS EXCLUSIVE MODE")
        started = time.perf_counter()
        response = client.get("/judgements/")
        waited = time.perf_counter() - started
        htmx = client.get("/judgements/", headers=HTMX)
    finally:
        holder.rollback()
        holder.close()
    assert response.status_code == 503
    assert 2.5 < waited < 8  # the lock timeout (3 s), not a 30-second hang
    assert "Yardstick is busy" in response.content.decode()
    assert response["Retry-After"] == "5"
    assert htmx.status_code == 503
    assert htmx.content.decode().startswith("The database did not answer in time")
    assert client.get("/judgements/").status_code == 200  # and fine once it is free


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_statement_timeout_gives_a_503_too(client, alice, east_asia):
    make_judgement(alice, east_asia, days_ago=10)
    client.force_login(alice)
    client.get("/judgements/")  # connect, then narrow this connection's limits
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = '300ms'")
        cursor.execute("SET lock_timeout = 0")
    holder = _other_connection()
    try:
        holder.execute("LOCK TABLE judgements_judgement IN ACCESS EXCLUSIVE MODE")
        response = client.get("/judgements/")
    finally:
        holder.rollback()
        holder.close()
        connection.close()  # the next test gets a connection with the settings' limits
    assert response.status_code == 503


def _in_subprocess(code: str, **env: str) -> str:
    result = subprocess.run(
        [sys.executable, *code],
        cwd=BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


SHOW = (
    "from django.db import connection\n"
    "c = connection.cursor()\n"
    "c.execute('SHOW statement_timeout'); s = c.fetchone()[0]\n"
    "c.execute('SHOW lock_timeout'); print(s, c.fetchone()[0])\n"
)


@needs_postgres
def test_commands_and_workers_get_the_long_timeouts():
    command = _in_subprocess(["manage.py", "shell", "--no-imports", "-c", SHOW])
    assert command.split()[-2:] == ["10min", "1min"]
    worker = _in_subprocess(
        [
            "-c",
            "import django; django.setup()\n"
            "from celery import signals; import tracker.celery\n"
            "signals.worker_process_init.send(sender=None)\n" + SHOW,
        ],
        DJANGO_SETTINGS_MODULE="tracker.settings",
    )
    assert worker.split()[-2:] == ["10min", "1min"]

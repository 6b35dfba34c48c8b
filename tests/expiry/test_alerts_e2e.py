"""End to end: real Redis, real Celery worker and beat subprocesses, a real SMTP server.

A judgement 7 days from its end must produce exactly one email at the SMTP server, also when
two scans run at once, beat keeps scanning, a duplicate send task arrives, and the worker is
restarted. The subprocesses use this test's PostgreSQL database (an in-memory SQLite test
database cannot be shared), so the test needs DATABASE_URL and REDIS_URL; CI sets both.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from judgements.expiry import tasks
from judgements.models import Alert
from tests.factories import make_judgement

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parents[2]  # the repository: tests/expiry/ -> ../..


@pytest.fixture(autouse=True)
def _needs_postgres_and_redis():
    if not settings.REDIS_URL:
        pytest.skip("needs a real Redis: set REDIS_URL (CI does) to run the end-to-end alert test")
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: the Celery worker subprocess must share the test database, "
            "which SQLite keeps in memory; set DATABASE_URL (CI does)"
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list = []
        self.lock = threading.Lock()
        self.stall_next = False  # hold the next alert, then refuse it: a send in flight
        self.stalled = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        # Only an expiry alert is held: the outbox's nudges and digests pass as usual.
        if self.stall_next and b"Message-ID: <alert-" in envelope.original_content:
            self.stall_next = False
            self.stalled.set()
            await asyncio.sleep(10)
            return "451 Requested action aborted"  # never accepted, never delivered
        with self.lock:
            self.messages.append(
                message_from_bytes(envelope.original_content, policy=policy.default)
            )
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        with self.lock:
            return [m for m in self.messages if address in m.get("To", "")]

    def alerts_to(self, address: str) -> list:
        """Expiry alerts only (the outbox's nudges and digests go to the same people)."""
        return [m for m in self.to(address) if m.get("Message-ID", "").startswith("<alert-")]


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


class Cluster:
    """Worker, beat and scan_alerts subprocesses against the test database and Redis."""

    def __init__(self, tmp_path: Path, smtp_port: int, **env: str) -> None:
        db = connection.settings_dict
        auth = quote(db["USER"] or "postgres")
        if db.get("PASSWORD"):
            auth += ":" + quote(db["PASSWORD"])
        host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tracker.settings",
            "DATABASE_URL": f"postgres://{auth}@{host}:{port}/{db['NAME']}",
            "DATABASE_CONN_MAX_AGE": "0",
            "REDIS_URL": settings.REDIS_URL,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "YARDSTICK_VAR_DIR": str(tmp_path),
            "YARDSTICK_SCAN_SECONDS": "1",
            "SITE_URL": "http://yardstick.test",
            **env,
        }
        self.tmp_path = tmp_path
        self.processes: dict[str, subprocess.Popen] = {}

    def _start(self, name: str, *args: str) -> subprocess.Popen:
        log = open(self.tmp_path / f"{name}.log", "ab")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            [sys.executable, *args],
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=log,
            start_new_session=True,  # its own process group: stopping it stops its pool too
        )
        self.processes[name] = process
        return process

    def start_worker(self, name: str = "worker") -> None:
        self._start(
            name, "-m", "celery", "-A", "tracker", "worker", "--concurrency", "2",
            "--loglevel", "INFO", "--hostname", f"e2e-{uuid.uuid4().hex[:8]}@%h",
            "--without-gossip", "--without-mingle",
        )  # fmt: skip

    def start_beat(self) -> None:
        self._start(
            "beat", "-m", "celery", "-A", "tracker", "beat", "--loglevel", "INFO",
            "--schedule", str(self.tmp_path / "beat-schedule"), "--max-interval", "1",
        )  # fmt: skip

    def scans_at_once(self, count: int = 2) -> None:
        """``count`` scan_alerts commands started together, waited for."""
        scans = [self._start(f"scan-{i}", "manage.py", "scan_alerts") for i in range(count)]
        for process in scans:
            assert process.wait(timeout=60) == 0, self.logs()

    def stop(self, name: str, sig: int = signal.SIGTERM) -> None:
        process = self.processes.pop(name)
        if process.poll() is None:
            os.killpg(process.pid, sig)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if sig == signal.SIGKILL:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # the pool children of a killed worker

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
            for p in sorted(self.tmp_path.glob("*.log"))
        )


@pytest.fixture
def cluster_env() -> dict[str, str]:
    return {}


@pytest.fixture
def cluster(transactional_db, tmp_path, smtp, cluster_env):
    from tracker.celery import app

    app.control.purge()  # our own Redis db: leftovers of an earlier run must not count
    cluster = Cluster(tmp_path, smtp[1], **cluster_env)
    yield cluster
    cluster.stop_all()  # before the test database is flushed
    app.control.purge()


def wait_for(condition, *, seconds: float, what: str, cluster: Cluster):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}\n{cluster.logs()}")


def test_a_judgement_7_days_from_its_end_emails_exactly_once(
    cluster, smtp, alice, bob, east_asia, cyber
):
    inbox, _ = smtp
    judgement = make_judgement(
        alice, east_asia, "Alice's judgement ends in 7 days.", ends_in=7, length=307
    )

    # Two scans at once, while the worker and beat (scanning every second) run too.
    cluster.start_worker()
    cluster.start_beat()
    cluster.scans_at_once(2)
    wait_for(
        lambda: inbox.alerts_to("alice@example.org"), seconds=60, what="the alert", cluster=cluster
    )
    time.sleep(4)  # beat scans a few more times meanwhile
    (message,) = inbox.alerts_to("alice@example.org")
    subject = f"{judgement.reference} · highly likely (85%) · window ends in 7 days"
    assert message["Subject"] == subject
    alert = Alert.objects.get(judgement=judgement, sent_at__isnull=False)
    assert alert.offset_days == -7
    assert alert.recipients == "alice@example.org"
    states = {a.offset_days: a.state for a in judgement.alerts.all()}
    assert states == {-30: "skipped", -7: "sent"}

    # Kill the worker hard, start a new one; scan again twice, and redeliver the send task.
    cluster.stop("worker", signal.SIGKILL)
    cluster.start_worker("worker-2")
    cluster.scans_at_once(2)
    tasks.send_alert.delay(alert.pk)
    tasks.send_alert.delay(alert.pk)
    # A second judgement proves the new worker is consuming the queue.
    other = make_judgement(bob, cyber, "Bob's judgement ends in 7 days.", ends_in=7, length=307)
    cluster.scans_at_once(1)
    wait_for(
        lambda: inbox.alerts_to("bob@example.org"), seconds=60, what="bob's alert", cluster=cluster
    )
    time.sleep(3)
    assert len(inbox.alerts_to("alice@example.org")) == 1
    assert len(inbox.alerts_to("bob@example.org")) == 1
    assert Alert.objects.filter(sent_at__isnull=False).count() == 2
    assert other.alerts.get(sent_at__isnull=False).offset_days == -7


@pytest.mark.parametrize(
    "cluster_env",
    [
        {
            # Short claim timeout and sweep for the test; still above the SMTP timeout.
            "YARDSTICK_ALERT_CLAIM_TIMEOUT_SECONDS": "6",
            "YARDSTICK_REQUEUE_SECONDS": "1",
            "EMAIL_TIMEOUT": "4",
        }
    ],
)
def test_a_worker_killed_mid_send_is_retried_once_its_claim_is_stale(
    cluster, smtp, alice, east_asia
):
    inbox, _ = smtp
    inbox.stall_next = True
    judgement = make_judgement(
        alice, east_asia, "Alice's judgement ends in 7 days.", ends_in=7, length=307
    )
    cluster.start_worker()
    cluster.start_beat()
    if not inbox.stalled.wait(timeout=60):
        pytest.fail(f"the alert never reached the SMTP server\n{cluster.logs()}")
    cluster.stop("worker", signal.SIGKILL)  # killed while the server holds the message
    alert = judgement.alerts.get(offset_days=-7)
    assert alert.claimed_at is not None and alert.sent_at is None

    cluster.start_worker("worker-2")
    wait_for(
        lambda: inbox.alerts_to("alice@example.org"), seconds=60, what="the retry", cluster=cluster
    )
    time.sleep(3)
    assert len(inbox.alerts_to("alice@example.org")) == 1
    alert.refresh_from_db()
    assert (alert.state, alert.attempts) == ("sent", 2)


def test_alerts_committed_while_the_broker_was_down_go_out_at_the_next_scan(
    cluster, smtp, alice, east_asia
):
    """scan_alerts with its broker down commits the alert, says it could not hand it over
    and exits non-zero; the next run, with the broker back, hands it over and one email
    goes out (without waiting for the claim timeout)."""
    inbox, _ = smtp
    make_judgement(alice, east_asia, "Alice's judgement ends in 7 days.", ends_in=7, length=307)
    down = subprocess.run(
        [sys.executable, "manage.py", "scan_alerts"],
        cwd=BASE_DIR,
        env={**cluster.env, "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert down.returncode != 0
    assert "1 alert(s) committed as pending, 0 handed to the workers" in down.stdout
    assert "could not be handed to the broker" in down.stderr
    alert = Alert.objects.get(offset_days=-7)
    assert (alert.enqueued_at, alert.sent_at) == (None, None)

    # Cron's next run, five minutes on (rows a concurrent scan just made are left alone).
    Alert.objects.update(created_at=alert.created_at - dt.timedelta(minutes=5))
    cluster.start_worker()
    back = subprocess.run(
        [sys.executable, "manage.py", "scan_alerts"],
        cwd=BASE_DIR,
        env=cluster.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert back.returncode == 0, back.stderr
    assert "left from earlier runs handed over" in back.stdout
    wait_for(lambda: inbox.to("alice@example.org"), seconds=60, what="the alert", cluster=cluster)
    time.sleep(2)
    assert len(inbox.to("alice@example.org")) == 1

"""The embedded default: web server plus a Celery worker with beat, in one terminal.

It runs one scan of the expiry watch and of the outbox at start, so alerts and notices that are
already due are sent straight away (as files in var/mail/ unless EMAIL_HOST is set).

Links in emails follow ``--addr``: without a ``SITE_URL`` in the environment it becomes
``http://<addr>`` for this process and its children (the worker writes the emails); with one
that points elsewhere, start-up says so.

Without REDIS_URL the broker is Kombu's filesystem transport under var/broker, so nothing
but this process tree is needed. Ctrl-C stops both.
"""

import os
import signal
import subprocess
import sys
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from judgements.expiry import scan, tasks
from judgements.notices import scan as notice_scan
from judgements.notices import tasks as notice_tasks


def _exit_quietly(signum, frame) -> None:
    raise SystemExit(0)


def listening(addr: str) -> tuple[str, int]:
    """Host and port ``runserver`` listens on for an ``--addr`` ("8400", "0.0.0.0:8400",
    "[::1]:8400"); a wildcard host is reached on 127.0.0.1."""
    host, _, port = addr.rpartition(":")
    host = host or "127.0.0.1"
    if host in ("0.0.0.0", "[::]", "::"):
        host = "127.0.0.1"
    return host, int(port)


def site_url_for(addr: str, configured: str | None) -> tuple[str, str]:
    """The base of links in emails, and a note for start-up ("" when there is nothing to
    say): ``http://<addr>`` unless ``SITE_URL`` is set; a set one that points somewhere else
    than where the server listens is kept, and said."""
    host, port = listening(addr)
    here = f"http://{host}:{port}"
    if not configured:
        return here, ""
    url = configured.rstrip("/")
    parts = urlsplit(url)
    default = 443 if parts.scheme == "https" else 80
    if (parts.hostname or "", parts.port or default) in ((host.strip("[]"), port),):
        return url, ""
    return url, (
        f"Note: SITE_URL is {url}, but this server listens on {here}; "
        f"links in emails point to {url}."
    )


class Command(BaseCommand):
    help = "Run the web server on 127.0.0.1:8000 and a Celery worker with beat."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args, addr: str, **options):
        python = sys.executable
        worker = [
            python,
            "-m",
            "celery",
            "-A",
            "tracker",
            "worker",
            "--beat",
            "--concurrency",
            "1",
            "--loglevel",
            "INFO",
            "--schedule",
            settings.CELERY_BEAT_SCHEDULE_FILENAME,
        ]
        web = [python, "manage.py", "runserver", addr, "--noreload"]
        site_url, note = site_url_for(addr, os.environ.get("SITE_URL"))
        if not os.environ.get("SITE_URL"):
            # The worker that writes the emails is a child: it reads SITE_URL from here.
            os.environ["SITE_URL"] = site_url
            settings.SITE_URL = site_url
        mail_dir = settings.MAILERS["default"].get("OPTIONS", {}).get("file_path")
        broker = "Redis" if settings.REDIS_URL else f"filesystem broker ({settings.BROKER_DIR})"
        host, port = listening(addr)
        self.stdout.write(
            f"Yardstick on http://{host}:{port}/  ·  Celery worker + beat on {broker}"
        )
        self.stdout.write(f"Links in emails start with {site_url}")
        if note:
            self.stdout.write(self.style.WARNING(note))
        if mail_dir:
            self.stdout.write(f"Emails are written as files to {mail_dir}")
        # One scan now, so alerts already due (the demo's 30-day warnings) arrive at once
        # instead of at beat's first tick; the worker below sends what it queues.
        summary = scan.run_once(now=timezone.now(), enqueue=tasks.enqueuers())
        self.stdout.write(
            "Expiry watch: {queued} alert(s) and {digest} digest(s) due; beat scans every "
            "{every} s.".format(every=settings.ALERT_SCAN_SECONDS, **summary)
        )
        # The outbox too: the demo's stale estimates and lapsed signpost, and the week's digests.
        notices = notice_scan.run_once(now=timezone.now(), enqueue=notice_tasks.enqueuer())
        self.stdout.write(
            "Freshness: {nudges} nudge(s), {signpost_notices} signpost notice(s) and {weekly} "
            "weekly digest(s) due.".format(**notices)
        )
        missed = summary.get("not_handed_over", 0) + notices.get("not_handed_over", 0)
        if missed:
            self.stdout.write(
                self.style.WARNING(
                    f"{missed} message(s) did not reach the broker; beat's next scan hands "
                    "them over."
                )
            )
        # The web server is a web process (short database timeouts), not a command.
        web_env = {**os.environ, "YARDSTICK_PROCESS": "web"}
        processes = [subprocess.Popen(worker), subprocess.Popen(web, env=web_env)]
        # Stopped by a service manager (SIGTERM) as by Ctrl-C: the children go with us.
        signal.signal(signal.SIGTERM, _exit_quietly)
        try:
            while all(p.poll() is None for p in processes):
                time.sleep(0.5)
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            for process in processes:
                if process.poll() is None:
                    process.terminate()  # SIGTERM: a warm shutdown for the Celery worker
            for process in processes:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()

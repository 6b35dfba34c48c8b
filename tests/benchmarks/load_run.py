"""A bounded load run on loopback: gunicorn (4 workers, production settings) on PostgreSQL,
N users for T seconds with edits in the mix, then ``check_integrity`` must find no drift.

    make load                                    # 50 users, 180 s
    make load LOAD_USERS=10 LOAD_SECONDS=30      # what CI runs

Needs DATABASE_URL (PostgreSQL; SQLite serialises every writer). Not part of ``make test``.

Steps:
1. migrate, collect the static files, and set up the run's own team (a new one each run, so
   runs never share data): 40 analysts and 10 leads (for 50 users; four to one otherwise),
   150 open judgements owned by the analysts, each user with a stored session;
2. start gunicorn on a free loopback port and wait until it answers;
3. each user loops until time is up, pausing 0.5–1.5 s between requests (a person reading),
   through a weighted mix of what the team does: the list, a judgement's page, logging an
   indicator, editing a judgement (reading the form, then saving it with the version it
   read), revising an estimate, retracting an indicator, creating a judgement, the
   dashboard and track records (leads), resolving (leads);
4. stop gunicorn and run ``check_integrity``; print throughput, p50/p95/p99 overall and per
   kind of request, and the count of each answer.

A run fails (exit status 1) on any 5xx but a 503 "busy", on any answer the design does not
promise (a 403 or 404 would mean the mix asked for something it may not do), or on drift.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(BASE_DIR))
# Production settings, here and in gunicorn: the sessions made here must be gunicorn's.
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "tracker.settings",
    "DEBUG": "0",
    "SECRET_KEY": os.environ.get("SECRET_KEY") or "load-run-not-a-secret-" + "x" * 40,
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
}
os.environ.update(PRODUCTION)
os.environ.setdefault("YARDSTICK_PROCESS", "command")  # the setup is a command's work

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.utils import timezone  # noqa: E402

from judgements import workflows  # noqa: E402
from judgements.access import Role, group_for  # noqa: E402
from judgements.models import Indicator, Judgement, Team  # noqa: E402
from tests.live_client import LiveClient, form_fields, session_for  # noqa: E402

ANALYSTS_PER_LEAD = 4
JUDGEMENTS = 150
# What each kind of request may answer: pages 200; htmx writes 200 (done, or the form
# with the reason it was refused); plain-form writes 302; an edit also 409, refused over a
# newer version as designed. A 503 "busy" is counted apart.
EXPECTED = {"edit (save)": {302, 409}, "create": {302}}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def person(username: str, role: Role, team: Team, *, lead: bool = False):
    """A user of the run: signed in by a stored session, so no password (hashing 50 of them
    would cost the machine the run measures half a minute)."""
    user = get_user_model().objects.create(username=username, email=f"{username}@example.org")
    user.set_unusable_password()
    user.save(update_fields=["password"])
    user.groups.add(group_for(role))
    team.members.add(user)
    if lead:
        team.leads.add(user)
    return user


def setup(users: int) -> tuple[Team, list, list]:
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    team = Team.objects.create(name=f"Load run {stamp}", slug=f"load-{stamp}")
    leads_count = max(1, users // (ANALYSTS_PER_LEAD + 1)) if users > 1 else 0
    analysts = [person(f"load{stamp}-a{n}", Role.ANALYST, team) for n in range(users - leads_count)]
    leads = [person(f"load{stamp}-l{n}", Role.LEAD, team, lead=True) for n in range(leads_count)]
    today = timezone.localdate()
    for n in range(JUDGEMENTS):
        owner = analysts[n % len(analysts)]
        start = today - dt.timedelta(days=n % 200)
        workflows.create_judgement(
            by=owner,
            statement=f"Load-run judgement {n}: the port will reopen within the window.",
            team=team,
            owner=owner,
            probability=Decimal("0.65"),
            window_start=start,
            window_end=start + dt.timedelta(days=365),
        )
    return team, analysts, leads


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.statuses: Counter = Counter()
        self.unexpected: list[str] = []

    def add(self, kind: str, answer) -> None:
        with self.lock:
            self.times[kind].append(answer.seconds)
            self.statuses[(kind, answer.status)] += 1
            if answer.status not in EXPECTED.get(kind, {200}) and answer.status != 503:
                self.unexpected.append(f"{kind}: {answer.status} {answer.text[:200]!r}")


class User(threading.Thread):
    def __init__(self, base_url, user, team, recorder, deadline, *, lead: bool, seed: int):
        super().__init__(daemon=True)
        self.client = LiveClient(base_url, session=session_for(user))
        self.user, self.team, self.recorder = user, team, recorder
        self.deadline, self.lead = deadline, lead
        self.random = random.Random(seed)
        self.references: list[str] = []
        self.mine: list[str] = []

    def run(self) -> None:
        try:
            self._refresh()
            actions = [
                (self.list_page, 30),
                (self.judgement_page, 25),
                (self.log_indicator, 12),
                (self.edit, 9),
                (self.revise, 5),
                (self.retract, 4),
                (self.create, 3),
                (self.dashboard if self.lead else self.track_record, 4),
                (self.track_record, 3),
                (self.resolve if self.lead else self.judgement_page, 1),
            ]
            kinds, weights = zip(*actions, strict=True)
            while time.monotonic() < self.deadline:
                self.random.choices(kinds, weights)[0]()
                time.sleep(self.random.uniform(0.5, 1.5))
        finally:
            connections.close_all()

    def _refresh(self) -> None:
        """The open judgements this user may change (leads: all of the team's). The user's
        own database connection is closed again at once: 50 idle ones would crowd the
        server's limit, which gunicorn and other programs share."""
        try:
            open_ones = Judgement.objects.filter(team=self.team, resolution__isnull=True)
            self.references = list(open_ones.values_list("reference", flat=True))
            owned = open_ones if self.lead else open_ones.filter(owner=self.user)
            self.mine = list(owned.values_list("reference", flat=True)) or self.references
        finally:
            connections.close_all()

    def _pick(self, references: list[str]) -> str:
        return self.random.choice(references)

    def list_page(self) -> None:
        page = self.random.choice(["", "&page=2", "&status=expiring", "&sort=-end"])
        self.recorder.add("list", self.client.get(f"/judgements/?team={self.team.slug}{page}"))

    def judgement_page(self) -> None:
        self.recorder.add("page", self.client.get(f"/judgements/{self._pick(self.references)}/"))

    def log_indicator(self) -> None:
        reference = self._pick(self.references)
        data = {
            "indicator-observed_on": timezone.localdate().isoformat(),
            "indicator-direction": self.random.choice(["supports", "undermines", "neutral"]),
            "indicator-strength": "moderate",
            "indicator-summary": f"Observed by {self.user.username} at {time.time():.3f}",
            "indicator-reliability": "C",
            "indicator-credibility": "3",
        }
        answer = self.client.post(f"/judgements/{reference}/indicators/", data, htmx=True)
        self.recorder.add("log indicator", answer)

    def edit(self) -> None:
        reference = self._pick(self.mine)
        form = self.client.get(f"/judgements/{reference}/edit/")
        self.recorder.add("edit (read)", form)
        if form.status != 200:
            return
        fields = dict(form_fields(form.text, f"/judgements/{reference}/edit/"))
        fields.pop("csrfmiddlewaretoken", None)
        fields["statement"] = f"Edited by {self.user.username} at {time.time():.3f}."
        answer = self.client.post(f"/judgements/{reference}/edit/", fields)
        self.recorder.add("edit (save)", answer)

    def revise(self) -> None:
        reference = self._pick(self.mine)
        data = {
            "percent": str(self.random.randint(5, 95)),
            "confidence": "moderate",
            "rationale": f"Revised by {self.user.username}",
        }
        answer = self.client.post(f"/judgements/{reference}/estimate/", data, htmx=True)
        self.recorder.add("revise", answer)

    def retract(self) -> None:
        try:
            choices = list(
                Indicator.objects.filter(
                    logged_by=self.user, retracted_at__isnull=True, judgement__team=self.team
                ).values_list("pk", "judgement__reference")[:20]
            )
        finally:
            connections.close_all()
        if not choices:
            return self.log_indicator()
        pk, reference = self.random.choice(choices)
        data = {f"retract-{pk}-reason": "Misread the report"}
        path = f"/judgements/{reference}/indicators/{pk}/retract/"
        answer = self.client.post(path, data, htmx=True)
        # 200 with "already retracted": the same user's two tabs, as designed.
        self.recorder.add("retract", answer)

    def create(self) -> None:
        data = {
            "statement": f"Created by {self.user.username} at {time.time():.3f}.",
            "team": self.team.pk,
            "owner": self.user.pk,
            "window_start": timezone.localdate().isoformat(),
            "percent": "40",
            "confidence": "low",
        }
        self.recorder.add("create", self.client.post("/judgements/new/", data))

    def dashboard(self) -> None:
        self.recorder.add("dashboard", self.client.get(f"/dashboard/?team={self.team.slug}"))

    def track_record(self) -> None:
        self.recorder.add("track record", self.client.get(f"/track-record/{self.user.username}/"))

    def resolve(self) -> None:
        reference = self._pick(self.references)
        data = {"resolve-seen": "open", "resolve-outcome": "annulled", "resolve-note": "Broke"}
        answer = self.client.post(f"/judgements/{reference}/resolve/", data, htmx=True)
        self.recorder.add("resolve", answer)
        self._refresh()


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def report(recorder: Recorder, seconds: float, users: int) -> dict:
    every = [t for times in recorder.times.values() for t in times]
    summary = {
        "users": users,
        "seconds": round(seconds, 1),
        "requests": len(every),
        "throughput_per_s": round(len(every) / seconds, 1),
        "p50_ms": round(statistics.median(every) * 1000, 1),
        "p95_ms": round(percentile(every, 95) * 1000, 1),
        "p99_ms": round(percentile(every, 99) * 1000, 1),
        "statuses": Counter(
            status for (_, status), n in recorder.statuses.items() for _ in range(n)
        ),
        "by_kind": {},
    }
    for kind, times in sorted(recorder.times.items()):
        summary["by_kind"][kind] = {
            "n": len(times),
            "p50_ms": round(statistics.median(times) * 1000, 1),
            "p95_ms": round(percentile(times, 95) * 1000, 1),
            "p99_ms": round(percentile(times, 99) * 1000, 1),
            "statuses": {
                str(status): n for (k, status), n in sorted(recorder.statuses.items()) if k == kind
            },
        }
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=180)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    options = parser.parse_args()
    if connection.vendor != "postgresql":
        print("The load run needs PostgreSQL: set DATABASE_URL.", file=sys.stderr)
        return 2

    env = {**os.environ, **PRODUCTION, "YARDSTICK_PROCESS": "web"}
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput"], cwd=BASE_DIR, check=True, env=env)
    subprocess.run(
        [*manage, "collectstatic", "--noinput", "-v", "0"], cwd=BASE_DIR, check=True, env=env
    )
    team, analysts, leads = setup(options.users)
    connections.close_all()
    port = free_port()
    gunicorn = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "tracker.wsgi", "--workers", str(options.workers),
            "--bind", f"127.0.0.1:{port}", "--timeout", "30", "--log-level", "warning",
        ],
        cwd=BASE_DIR,
        env=env,
    )  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    try:
        probe = LiveClient(base_url, session=session_for((leads or analysts)[0]))
        for _ in range(100):
            try:
                if probe.get("/judgements/").status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        recorder = Recorder()
        started = time.monotonic()
        deadline = started + options.seconds
        people = [(u, False) for u in analysts] + [(u, True) for u in leads]
        threads = [
            User(base_url, user, team, recorder, deadline, lead=lead, seed=n)
            for n, (user, lead) in enumerate(people)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=options.seconds + 120)
        elapsed = time.monotonic() - started
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)

    summary = report(recorder, elapsed, options.users)
    integrity = subprocess.run(
        [*manage, "check_integrity"], cwd=BASE_DIR, capture_output=True, text=True, env=env
    )
    summary["check_integrity"] = integrity.stdout.strip().splitlines()[-1:] or [""]
    summary["drift"] = integrity.returncode != 0
    summary["unexpected"] = recorder.unexpected[:20]
    print(json.dumps(summary, indent=2, default=str))
    if options.json:
        options.json.write_text(json.dumps(summary, indent=2, default=str))
    if integrity.returncode != 0:
        print(integrity.stdout[-3000:], integrity.stderr[-3000:], file=sys.stderr)
    failed = summary["drift"] or recorder.unexpected
    print("load run:", "FAILED" if failed else "passed", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""How long the expiry scan takes with 100,000 open judgements of which 1,000 are due.

Run with ``make bench``. Prints the scan time and its queries (the test's savepoints left
out) for the due run and for the run right after, when nothing is due.
"""

import datetime as dt
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from judgements.expiry import policy
from judgements.expiry import scan as scanning
from judgements.models import Alert, Judgement

OPEN = 100_000
DUE = 1_000

pytestmark = pytest.mark.django_db


def bulk_judgements(owner, team, now: dt.datetime) -> None:
    today = timezone.localdate(now)
    rows = []
    for n in range(OPEN):
        # The first DUE end within 30 days (their -30 warning has passed); the rest later.
        window_end = today + dt.timedelta(days=(n % 30) if n < DUE else 31 + n % 300)
        rows.append(
            Judgement(
                reference=f"KJ-BENCH-{n:06d}",
                statement=f"Benchmark judgement {n}",
                owner=owner,
                team=team,
                window_start=window_end - dt.timedelta(days=365),
                window_end=window_end,
                next_alert_at=policy.due_at(window_end, -30),
            )
        )
    Judgement.objects.bulk_create(rows, batch_size=5_000)
    with connection.cursor() as cursor:
        # Planner statistics, as autovacuum (PostgreSQL) would gather after a bulk load.
        cursor.execute("ANALYZE judgements_judgement")


def measured_scan(now: dt.datetime) -> tuple[float, int, scanning.ScanResult]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = scanning.scan(now=now, enqueue=None)
        elapsed = time.perf_counter() - started
    real = [q for q in queries if "SAVEPOINT" not in q["sql"]]
    return elapsed, len(real), result


def test_scan_of_100000_open_judgements_with_1000_due(alice, east_asia, monkeypatch):
    now = timezone.now()
    started = time.perf_counter()
    bulk_judgements(alice, east_asia, now)
    loaded = time.perf_counter() - started
    due_seconds, due_queries, result = measured_scan(now)
    idle_seconds, idle_queries, idle = measured_scan(now)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    round_trip = time.perf_counter() - started
    assert result.judgements == DUE
    assert Alert.objects.filter(skipped_at=None).count() == DUE
    assert idle.judgements == 0
    print(
        f"\nscan benchmark on {connection.vendor}: {OPEN:,} open judgements, {DUE:,} due "
        f"(loaded in {loaded:.1f} s)\n"
        f"  due run:  {due_seconds * 1000:.0f} ms, {due_queries} queries, "
        f"{result.queued} alerts queued, {result.skipped} older thresholds skipped\n"
        f"  idle run: {idle_seconds * 1000:.1f} ms, {idle_queries} query "
        f"(a bare SELECT 1 takes {round_trip * 1000:.1f} ms here)"
    )

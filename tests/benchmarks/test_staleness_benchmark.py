"""How long the freshness scan takes with 100,000 open judgements of which 1,000 are due.

Run with ``make bench``. The due run must stay under a second with a fixed number of queries
(a handful per batch of 500, never one per judgement); with nothing due, the scan is one
query, answered from the partial index on ``next_look_at``.
"""

import datetime as dt
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from judgements import rules
from judgements.models import Estimate, Judgement, Notice
from judgements.notices import scan as scanning

OPEN = 100_000
DUE = 1_000

pytestmark = pytest.mark.django_db


def bulk_judgements(owner, team, now: dt.datetime) -> None:
    """OPEN open judgements with a first estimate each: DUE made 100 days ago (due for a look
    by age), the others 10 days ago (due in 80 days)."""
    today = timezone.localdate(now)
    rows, estimates = [], []
    for n in range(OPEN):
        made_at = now - dt.timedelta(days=100 if n < DUE else 10, minutes=n % 600)
        moment = made_at + rules.stale_after()
        rows.append(
            Judgement(
                reference=f"KJ-BENCH-{n:06d}",
                statement=f"Benchmark judgement {n}",
                owner=owner,
                team=team,
                window_start=today - dt.timedelta(days=100),
                window_end=today + dt.timedelta(days=200 + n % 300),
                created_at=made_at,
                look_due_at=moment,
                next_look_at=moment,
            )
        )
    Judgement.objects.bulk_create(rows, batch_size=5_000)
    for judgement in rows:
        estimates.append(
            Estimate(
                judgement=judgement,
                probability="0.7",
                author=owner,
                made_at=judgement.created_at,
            )
        )
    Estimate.objects.bulk_create(estimates, batch_size=5_000)
    Judgement.objects.all().point_at_latest()
    with connection.cursor() as cursor:
        # Planner statistics, as autovacuum (PostgreSQL) would gather after a bulk load.
        cursor.execute("ANALYZE judgements_judgement")


def measured(now: dt.datetime) -> tuple[float, list[str], scanning.LookResult]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = scanning.scan_looks(now=now, enqueue=None)
        elapsed = time.perf_counter() - started
    real = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
    return elapsed, real, result


def probe_plan(now: dt.datetime) -> str:
    probe = Judgement.objects.filter(next_look_at__lte=now).order_by("next_look_at")
    return probe.values_list("pk", flat=True)[:1].explain()


def test_freshness_scan_of_100000_open_judgements_with_1000_due(alice, east_asia, report):
    now = timezone.now()
    started = time.perf_counter()
    bulk_judgements(alice, east_asia, now)
    loaded = time.perf_counter() - started
    due_seconds, due_queries, result = measured(now)
    idle_seconds, idle_queries, idle = measured(now)
    plan = probe_plan(now)
    assert result.judgements == DUE and result.nudges == DUE
    assert Notice.objects.count() == DUE
    assert idle.judgements == 0
    assert len(idle_queries) == 1
    assert "judgement_look_scan_idx" in plan, plan
    # The probe; per batch of 500: lock, signposts, the ended watches, the reasons nudged,
    # notices written and read back; and the empty batch that ends the loop.
    batches = -(-DUE // 500)
    assert len(due_queries) == 1 + batches * 6 + 1, due_queries
    assert due_seconds < 1.0
    report(
        f"\nfreshness scan on {connection.vendor}: {OPEN:,} open judgements, {DUE:,} due "
        f"(loaded in {loaded:.1f} s)\n"
        f"  due run:  {due_seconds * 1000:.0f} ms, {len(due_queries)} queries "
        f"({batches} batches of 500), {result.nudges} nudges written\n"
        f"  idle run: {idle_seconds * 1000:.1f} ms, {len(idle_queries)} query; plan: "
        f"{' '.join(plan.split())[:160]}"
    )

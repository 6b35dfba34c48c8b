"""Speed of the analyst workspace on a judgement with 500 indicators (`make bench`).

Measures the judgement page and the htmx indicator-add request with the Django test client,
on PostgreSQL when DATABASE_URL points there, and prints median and p95 over 30 requests.
"""

import datetime as dt
import os
import statistics
import time

import pytest
from django.db import connection
from django.utils import timezone

from judgements.models import ChangeRecord, Indicator

INDICATORS = 500
RUNS = 30
HTMX = {"HX-Request": "true"}


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def report(name: str, samples: list[float]) -> str:
    ms = [s * 1000 for s in samples]
    median = statistics.median(ms)
    return f"{name}: median {median:.1f} ms, p95 {p95(ms):.1f} ms over {len(ms)} requests"


@pytest.fixture
def busy_judgement(judgement, alice):
    today = timezone.localdate()
    Indicator.objects.bulk_create(
        Indicator(
            judgement=judgement,
            observed_on=today - dt.timedelta(days=n % 100),
            summary=f"Observation {n}: vessels sighted near the port, reported by several sources",
            direction=("supports", "undermines", "neutral")[n % 3],
            strength=("weak", "moderate", "strong")[n % 3],
            source="Imagery",
            logged_by=alice,
        )
        for n in range(INDICATORS)
    )
    ChangeRecord.objects.bulk_create(
        ChangeRecord(judgement=judgement, action="indicator_logged", actor=alice)
        for _ in range(INDICATORS)
    )
    return judgement


def test_workspace_speed_with_500_indicators(client, alice, busy_judgement):
    client.force_login(alice)
    path = busy_judgement.get_absolute_url()
    client.get(path)  # warm templates and connections
    page, add = [], []
    for n in range(RUNS):
        start = time.perf_counter()
        assert client.get(path).status_code == 200
        page.append(time.perf_counter() - start)
        data = {
            "indicator-observed_on": timezone.localdate().isoformat(),
            "indicator-direction": "supports",
            "indicator-strength": "weak",
            "indicator-summary": f"Benchmark indicator {n}",
            "indicator-reliability": "C",
            "indicator-credibility": "3",
        }
        start = time.perf_counter()
        response = client.post(f"{path}indicators/", data, headers=HTMX)
        add.append(time.perf_counter() - start)
        assert response.status_code == 200
    database = connection.vendor + (" (DATABASE_URL)" if os.environ.get("DATABASE_URL") else "")
    print(f"\nWorkspace on {database}, judgement with {INDICATORS}+ indicators:")
    print("  " + report("judgement page", page))
    print("  " + report("indicator add (htmx)", add))
    assert statistics.median(page) < 2.0  # a generous ceiling; the figures are the point

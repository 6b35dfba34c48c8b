"""Dashboard server time at 2,000 and 20,000 judgements (~20 indicators each).

The page includes the tables by topic and by horizon, the best-and-worst sentences and the
discrimination chart (issue 15): the generated judgements are filed under topics and some are
settled early. Run with `make bench` (PostgreSQL: set DATABASE_URL). Prints median and p95
over 30 requests and the query count; the README records the figures. Asserts the budget:
p95 under 150 ms at 20,000 judgements for the view of every team, and the same number of
queries at both sizes for every view.
"""

import os
import platform

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from judgements.demo.dataset import generate
from tests.benchmarks.conftest import timed

pytestmark = pytest.mark.django_db


def measure(client, url: str) -> tuple[dict[str, float], int]:
    figures = timed(lambda: client.get(url))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return figures, len(queries)


def test_dashboard_stays_fast_at_organisation_scale(client, maya, report):
    small = int(os.environ.get("BENCH_SMALL", 2000))
    large = int(os.environ.get("BENCH_LARGE", 20000))
    client.force_login(maya)
    machine = f"{platform.machine()}, {os.cpu_count()} cores"
    report(f"\nDashboard benchmark on {connection.vendor}, {machine}")
    results = {}
    counts = {}
    generated = 0
    for size in (small, large):
        made = generate(judgements=size - generated, indicators_per_judgement=20, seed=size)
        generated = size
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE")
            cursor.execute("SELECT COUNT(*) FROM judgements_indicator")
            indicators = cursor.fetchone()[0]
        for name, url in (
            ("all teams", "/dashboard/"),
            ("one team", "/dashboard/?team=gen-team-1"),
            ("one topic", "/dashboard/?topic=gen-missiles"),
        ):
            figures, queries = measure(client, url)
            results[(size, name)] = figures
            counts[(size, name)] = queries
            report(
                f"{size:>6} judgements, {indicators:>7} indicators, {name:<9}: "
                f"median {figures['median_ms']:6.1f} ms, p95 {figures['p95_ms']:6.1f} ms, "
                f"{queries} queries (generated in {made.seconds:.0f} s)"
            )
    ratio = results[(large, "all teams")]["p95_ms"] / results[(small, "all teams")]["p95_ms"]
    report(f"p95 ratio {large} / {small}: {ratio:.2f}")
    for name in ("all teams", "one team", "one topic"):
        assert counts[(small, name)] == counts[(large, name)], name
    # The budget is the leadership view of every team (README); the others are reported.
    assert results[(large, "all teams")]["p95_ms"] < 150, results[(large, "all teams")]

"""Speed of importing a real-sized archive and scoring it (not in the default run).

Run with ``make bench``; prints the figures with the dataset size (recorded in README).
"""

import csv
import datetime as dt
import random
import time

import pytest

from judgements.interchange.columns import ESTIMATE_COLUMNS, JUDGEMENT_COLUMNS
from judgements.interchange.exporting import export_judgements
from judgements.interchange.importing import import_judgements
from judgements.models import Estimate, Judgement
from judgements.track_records import scorecards

pytestmark = pytest.mark.django_db

JUDGEMENTS = 40_000
REVISIONS = 10_000
TODAY = dt.date(2026, 11, 26)


def write_archive(directory, rng: random.Random) -> None:
    """40,000 judgements (three quarters resolved) and 10,000 revisions of them."""
    teams = [f"Team {n}" for n in range(8)]
    with (directory / "judgements.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(JUDGEMENT_COLUMNS)
        for n in range(JUDGEMENTS):
            start = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(1400))
            end = start + dt.timedelta(days=rng.randrange(30, 400))
            p = rng.randrange(1, 100) / 100
            outcome = ""
            occurred_on = ""
            if end < TODAY and rng.random() < 0.95:
                outcome = rng.choices(["occurred", "did_not_occur", "annulled"], [45, 50, 5])[0]
                if outcome == "occurred":
                    # From the second day: the revisions on the first day must come before
                    # the close (00:00 of the day it occurred), or they would be hindsight.
                    occurred_on = (
                        start + dt.timedelta(days=1 + rng.randrange((end - start).days))
                    ).isoformat()
            writer.writerow(
                [
                    f"KJ-B-{n:06d}",
                    f"Statement {n}",
                    "Criteria",
                    f"analyst-{n % 60}",
                    teams[n % len(teams)],
                    f"Assessment {n % 200}",
                    start.isoformat(),
                    end.isoformat(),
                    p,
                    "",
                    "",
                    outcome,
                    occurred_on,
                    "",
                    "",
                ]
            )
    with (directory / "estimates.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(ESTIMATE_COLUMNS)
        for n in rng.sample(range(JUDGEMENTS), REVISIONS):
            # Revisions land on the first day of the window, before any close.
            writer.writerow([f"KJ-B-{n:06d}", "", rng.randrange(1, 100) / 100, "", "", "Revised"])


def fix_revision_times(directory) -> None:
    """Give each revision a time inside its judgement's window (needs the window start)."""
    starts = {}
    with (directory / "judgements.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            starts[row["reference"]] = row["window_start"]
    rows = list(csv.DictReader((directory / "estimates.csv").open(newline="")))
    with (directory / "estimates.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=ESTIMATE_COLUMNS)
        writer.writeheader()
        for row in rows:
            row["made_at"] = f"{starts[row['reference']]}T12:00:00+00:00"
            writer.writerow(row)


def test_import_and_scorecard_of_40000_judgements(tmp_path):
    rng = random.Random(5)
    write_archive(tmp_path, rng)
    fix_revision_times(tmp_path)

    started = time.perf_counter()
    result = import_judgements(tmp_path, create_users=True, today=TODAY)
    imported = time.perf_counter() - started
    assert result.judgements == JUDGEMENTS
    assert Estimate.objects.count() == JUDGEMENTS + REVISIONS

    started = time.perf_counter()
    again = import_judgements(tmp_path, create_users=True, today=TODAY)
    second = time.perf_counter() - started
    assert again.judgements == 0

    started = time.perf_counter()
    card = scorecards.scorecard(Judgement.objects.all(), "phia")
    scored = time.perf_counter() - started
    assert card.resolved > 20_000

    started = time.perf_counter()
    exported = export_judgements(tmp_path / "export")
    export_time = time.perf_counter() - started
    assert exported.judgements == JUDGEMENTS and exported.estimates == REVISIONS

    from django.db import connection

    print(
        f"\n[{connection.vendor}] {JUDGEMENTS:,} judgements, {REVISIONS:,} revisions "
        f"({card.resolved:,} scored, {card.annulled:,} annulled): import {imported:.1f} s "
        f"({JUDGEMENTS / imported:,.0f} judgements/s); second import (no change) "
        f"{second:.1f} s; scorecard {scored:.2f} s; export {export_time:.1f} s"
    )

"""``scorecard --json`` on an import of real history, with judgements settled early, equals an
independent computation from the files themselves (issue 15).

The history is the Good Judgment Project's, as the demo ships it (judgements/demo/gjp/: 69
judgements with their real revisions and outcomes). None of those questions closed early, so
the files gain the twelve real GJP yes/no questions that the Project closed as "No" before
their scheduled close (text, window and the day they closed are the release's own,
``ifps.csv``). The public mini release holds no forecasts on them, so their forecast series
are drawn from a seeded generator, every revision before the day it was settled (the
importer refuses hindsight). The expected figures are computed here, from the CSV cells, with
this module's own arithmetic, scikit-learn's ``roc_auc_score`` and exact decimals for the
bins: nothing of ``judgements.core.scoring`` is used.
"""

import csv
import datetime as dt
import json
import math
import random
import shutil
from decimal import Decimal
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from sklearn.metrics import roc_auc_score

from judgements import workflows
from judgements.interchange.columns import JUDGEMENT_COLUMNS, JUDGEMENT_EXTRA
from judgements.interchange.exporting import export_judgements
from judgements.interchange.importing import import_judgements
from judgements.models import Judgement, Resolution, Topic

pytestmark = pytest.mark.django_db

GJP = Path(__file__).resolve().parents[2] / "judgements" / "demo" / "gjp"
# (question, text, window start, scheduled close, the day the Project closed it: "No").
# The twelve GJP yes/no questions closed as "No" before their scheduled close (from the
# release's ifps.csv): question, text, window start, scheduled close, the day it closed.
SETTLED_EARLY = list(
    csv.reader((Path(__file__).resolve().parents[1] / "data" / "gjp_settled_early.csv").open())
)[1:]
Z = 1.6448536269514722


def history_files(directory: Path) -> Path:
    """The demo's GJP files plus the twelve questions settled early (3 forecasters each)."""
    shutil.copy(GJP / "estimates.csv", directory / "estimates.csv")
    rows = list(csv.DictReader((GJP / "judgements.csv").open(newline="", encoding="utf-8")))
    revisions = list(csv.DictReader((directory / "estimates.csv").open(newline="")))
    rng = random.Random(15)
    for number, text, start, end, closed in SETTLED_EARLY:
        opening = dt.datetime.fromisoformat(start).replace(tzinfo=dt.UTC)
        settled = dt.datetime.fromisoformat(closed).replace(tzinfo=dt.UTC)
        for analyst in rng.sample(range(1, 6), 3):
            reference = f"GJP-{number}-{analyst}"
            first = opening + dt.timedelta(hours=rng.randint(8, 60))
            rows.append(
                {
                    "reference": reference,
                    "statement": text,
                    "owner": f"gjp-analyst-{analyst}",
                    "team": "Geopolitics",
                    "window_start": start,
                    "window_end": end,
                    "probability": str(rng.choice([5, 10, 20, 35, 50, 65, 80]) / 100),
                    "created_at": first.isoformat(),
                    "outcome": "did_not_occur",
                    "settled_on": closed,
                    "resolution_note": f"Closed early by the Good Judgment Project ({closed}).",
                    "topics": "Early closes",
                }
            )
            span = int((settled - first).total_seconds())
            for _ in range(rng.randint(0, 3)):
                made = first + dt.timedelta(seconds=rng.randint(1, span - 1))
                revisions.append(
                    {
                        "reference": reference,
                        "made_at": made.isoformat(),
                        "probability": str(rng.randint(1, 99) / 100),
                        "author": f"gjp-analyst-{analyst}",
                    }
                )
    with (directory / "judgements.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=JUDGEMENT_COLUMNS + JUDGEMENT_EXTRA, restval="")
        writer.writeheader()
        writer.writerows(rows)
    with (directory / "estimates.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(revisions[0]), restval="")
        writer.writeheader()
        writer.writerows(revisions)
    return directory


# --- The independent computation -----------------------------------------------------------


def moment(text: str, tz) -> dt.datetime:
    value = dt.datetime.fromisoformat(text)
    return (value if value.tzinfo else value.replace(tzinfo=tz)).astimezone(dt.UTC)


def midnight(day: str, tz) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(), tzinfo=tz).astimezone(dt.UTC)


def per_judgement(row: dict, revisions: list[tuple[dt.datetime, Decimal]], tz) -> dict:
    """p_final, Brier, time-averaged Brier and log loss of one row, from its cells."""
    occurred = row["outcome"] == "occurred"
    o = 1.0 if occurred else 0.0
    opens = midnight(row["window_start"], tz)
    if occurred:
        closes = midnight(row["occurred_on"], tz)
    elif row.get("settled_on"):
        closes = midnight(row["settled_on"], tz)
    else:
        end = dt.date.fromisoformat(row["window_end"]) + dt.timedelta(days=1)
        closes = midnight(end.isoformat(), tz)
    first = Decimal(row["probability"].rstrip("%")) / (100 if "%" in row["probability"] else 1)
    counted = [(max(t, opens), p) for t, p in sorted(revisions) if t < closes]
    final = counted[-1][1] if counted else first
    if closes <= opens:
        time_averaged = (float(first) - o) ** 2
    else:
        steps = [(opens, first), *counted]
        area = 0.0
        for (start, p), (stop, _) in zip(steps, [*steps[1:], (closes, None)], strict=True):
            area += (float(p) - o) ** 2 * (stop - start).total_seconds()
        time_averaged = area / (closes - opens).total_seconds()
    q = min(max(float(final), 0.001), 0.999)
    return {
        "p": final,
        "o": occurred,
        "brier": (float(final) - o) ** 2,
        "time_averaged": time_averaged,
        "log_loss": -math.log(q) if occurred else -math.log(1 - q),
    }


def expected_scorecard(directory: Path) -> dict:
    tz = ZoneInfo(settings.TIME_ZONE)
    revisions: dict[str, list] = {}
    for row in csv.DictReader((directory / "estimates.csv").open(newline="")):
        p = Decimal(row["probability"])
        revisions.setdefault(row["reference"], []).append((moment(row["made_at"], tz), p))
    rows = list(csv.DictReader((directory / "judgements.csv").open(newline="", encoding="utf-8")))
    scored = [
        per_judgement(r, revisions.get(r["reference"], []), tz)
        for r in rows
        if r["outcome"] in ("occurred", "did_not_occur")
    ]
    n = len(scored)
    base = sum(s["o"] for s in scored) / n
    brier = sum(s["brier"] for s in scored) / n
    bins = [[] for _ in range(10)]
    for s in scored:
        bins[min(int(s["p"] * 10), 9)].append(s)
    calibration, rel, res = [], 0.0, 0.0
    for k, members in enumerate(bins):
        m = len(members)
        entry = {"lo": k / 10, "hi": (k + 1) / 10, "n": m}
        if m:
            f = sum(float(s["p"]) for s in members) / m
            obs = sum(s["o"] for s in members) / m
            centre = (obs + Z * Z / (2 * m)) / (1 + Z * Z / m)
            half = Z / (1 + Z * Z / m) * math.sqrt(obs * (1 - obs) / m + Z * Z / (4 * m * m))
            entry |= {"mean_forecast": f, "observed": obs}
            entry |= {"ci_lo": max(0.0, centre - half), "ci_hi": min(1.0, centre + half)}
            rel += m * (f - obs) ** 2
            res += m * (obs - base) ** 2
        else:
            entry |= dict.fromkeys(("mean_forecast", "observed", "ci_lo", "ci_hi"))
        calibration.append(entry)
    unc = base * (1 - base)
    return {
        "resolved": n,
        "occurred": sum(s["o"] for s in scored),
        "annulled": sum(r["outcome"] == "annulled" for r in rows),
        "brier": brier,
        "brier_time_averaged": sum(s["time_averaged"] for s in scored) / n,
        "log_loss": sum(s["log_loss"] for s in scored) / n,
        "skill": 1 - brier / unc if unc else None,
        "murphy": {
            "reliability": rel / n,
            "resolution": res / n,
            "uncertainty": unc,
            "remainder": brier - (rel / n - res / n + unc),
        },
        "calibration": calibration,
        "auc": roc_auc_score([s["o"] for s in scored], [float(s["p"]) for s in scored]),
        "discrimination": {
            "occurred": [sum(s["o"] for s in b) for b in bins],
            "did_not_occur": [sum(not s["o"] for s in b) for b in bins],
        },
    }


def close_to(actual, expected) -> bool:
    """Equal, numbers to the 6 decimals the scorecard prints."""
    if isinstance(expected, dict):
        return set(actual) >= set(expected) and all(
            close_to(actual[k], v) for k, v in expected.items()
        )
    if isinstance(expected, list):
        return len(actual) == len(expected) and all(map(close_to, actual, expected))
    if isinstance(expected, float):
        return actual is not None and abs(actual - expected) <= 1e-6
    return actual == expected


def test_the_scorecard_of_real_history_with_settled_early_judgements_is_independently_right(
    tmp_path,
):
    directory = history_files(tmp_path)
    result = import_judgements(directory, create_users=True)
    assert result.judgements == 69 + 36
    out = StringIO()
    call_command("scorecard", "--json", stdout=out)
    card = json.loads(out.getvalue())
    expected = expected_scorecard(directory)
    assert card["resolved"] == 105 and expected["resolved"] == 105
    for key, value in expected.items():
        assert close_to(card[key], value), (key, card[key], value)
    # The settled-early judgements are scored up to the day they were settled.
    out = StringIO()
    call_command("scorecard", "--json", "--by", "topic", stdout=out)
    early = json.loads(out.getvalue())["Early closes"]
    assert (early["resolved"], early["occurred"], early["auc"]) == (36, 0, None)
    assert sum(early["discrimination"]["did_not_occur"]) == 36


def test_the_settled_early_rows_close_on_the_day_they_were_settled(tmp_path):
    import_judgements(history_files(tmp_path), create_users=True)
    settled = Resolution.objects.filter(settled_on__isnull=False)
    assert settled.count() == 36
    for r in settled.select_related("judgement"):
        assert r.closed_on == r.settled_on < r.window_end
        assert r.resolved_at == dt.datetime.combine(r.settled_on, dt.time(), tzinfo=dt.UTC)


def test_settled_on_and_topics_survive_export_and_import(tmp_path, alice, lena, east_asia):
    """An app-made judgement settled early, re-resolved by a lead and settled again, with
    topics: the export carries settled_on (judgements.csv and resolutions.csv) and topics, and
    an import into an empty database gives them back."""
    korea = Topic.objects.create(name="North Korea", slug="north-korea", kind="region")
    missiles = Topic.objects.create(name="Missiles", slug="missiles")
    today = dt.date.today()
    judgement = workflows.create_judgement(
        by=alice,
        statement="The launch will go ahead",
        team=east_asia,
        owner=alice,
        probability=Decimal("0.6"),
        window_start=today - dt.timedelta(days=60),
        topics=[korea, missiles],
        now=dt.datetime.now(dt.UTC) - dt.timedelta(days=59),
    )
    first, second = today - dt.timedelta(days=20), today - dt.timedelta(days=10)
    workflows.resolve(judgement, by=alice, outcome="did_not_occur", settled_on=first, note="Off")
    judgement.refresh_from_db()
    workflows.resolve(judgement, by=lena, outcome="did_not_occur", settled_on=second, note="Later")
    before = list(
        Resolution.objects.order_by("resolved_at").values_list(
            "settled_on", "closed_on", "is_current", "brier_time_averaged", "horizon"
        )
    )
    export_judgements(tmp_path)
    header = (tmp_path / "resolutions.csv").read_text().splitlines()[0]
    assert header.endswith(",settled_on")
    Judgement.objects.update(current_estimate=None, resolution=None)
    Judgement.objects.all().delete()
    import_judgements(tmp_path, today=today)
    after = list(
        Resolution.objects.order_by("resolved_at").values_list(
            "settled_on", "closed_on", "is_current", "brier_time_averaged", "horizon"
        )
    )
    assert after == before
    imported = Judgement.objects.get(reference=judgement.reference)
    assert {t.name for t in imported.topics.all()} == {"North Korea", "Missiles"}


def test_a_judgements_file_without_the_new_columns_imports_as_before(tmp_path, alice):
    columns = JUDGEMENT_COLUMNS  # the contract's columns only: no settled_on, no topics
    with (tmp_path / "judgements.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, restval="")
        writer.writeheader()
        writer.writerow(
            {
                "reference": "OLD-1",
                "statement": "S",
                "owner": "alice",
                "team": "East Asia",
                "window_start": "2025-01-01",
                "window_end": "2025-06-30",
                "probability": "0.3",
                "outcome": "did_not_occur",
            }
        )
    import_judgements(tmp_path)
    resolution = Resolution.objects.get()
    assert resolution.settled_on is None and resolution.closed_on == dt.date(2025, 6, 30)
    assert not Judgement.objects.get().topics.exists()


def test_the_scorecard_command_groups_by_topic_and_horizon(tmp_path):
    import_judgements(history_files(tmp_path), create_users=True)
    out = StringIO()
    call_command("scorecard", "--json", "--by", "horizon", stdout=out)
    cards = json.loads(out.getvalue())
    assert next(iter(cards)) == "< 1 month"
    assert set(cards) <= {"< 1 month", "1–3 months", "3–6 months", "6–12 months", "> 12 months"}
    assert sum(card["resolved"] for card in cards.values()) == 105
    out = StringIO()
    call_command("scorecard", "--by", "topic", stdout=out)
    text = out.getvalue()
    assert "topic: Early closes" in text and "topic: Middle East" in text
    assert "ROC AUC" in text and "Discrimination" in text

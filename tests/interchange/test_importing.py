"""Import and export of the interchange files (docs/design.md §7)."""

import csv
import datetime as dt
import json
import re
import tempfile
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from judgements import workflows
from judgements.expiry import policy
from judgements.interchange.columns import (
    ESTIMATE_COLUMNS,
    FILES,
    INDICATOR_COLUMNS,
    INDICATOR_EXTRA,
    JUDGEMENT_COLUMNS,
)
from judgements.interchange.exporting import export_judgements
from judgements.interchange.importing import ImportFailed, import_judgements
from judgements.models import (
    Alert,
    Assessment,
    ChangeRecord,
    Estimate,
    Indicator,
    Judgement,
    Notice,
    Resolution,
    Signpost,
    Team,
    Watch,
)
from judgements.rules import NOT_OCCURRED_EARLY_MESSAGE
from judgements.track_records import scorecards

pytestmark = pytest.mark.django_db
# The files below hold fixed dates (2025), so the whole module runs at a frozen "now": the
# importer's "no time after today" rule and the rows the app stamps with now agree on the day.
NOW = dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(NOW, tick=True):
        yield


def write(directory: Path, name: str, columns, rows) -> None:
    with (directory / name).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns))
        writer.writeheader()
        for row in rows:
            writer.writerow(row)


def judgement_row(ref="KJ-2025-0001", **cells):
    row = {
        "reference": ref,
        "statement": "Country X will test a missile.",
        "resolution_criteria": "Reported by two outlets.",
        "owner": "alice",
        "team": "East Asia",
        "assessment": "",
        "window_start": "2025-01-01",
        "window_end": "2025-12-31",
        "probability": "0.7",
        "confidence": "",
        "created_at": "",
        "outcome": "",
        "occurred_on": "",
        "resolved_at": "",
        "resolution_note": "",
    }
    row.update(cells)
    return row


def estimate_row(reference="KJ-2025-0001", **cells):
    row = {
        "reference": reference,
        "made_at": "2025-03-01T10:00:00+00:00",
        "probability": "0.8",
        "confidence": "high",
        "author": "alice",
        "rationale": "More launches.",
    }
    row.update(cells)
    return row


def indicator_row(reference="KJ-2025-0001", **cells):
    row = {
        "reference": reference,
        "observed_on": "2025-02-01",
        "direction": "supports",
        "strength": "strong",
        "summary": "Launch preparations seen.",
        "source": "Imagery report",
        "source_url": "https://example.org/report",
        "reliability": "B",
        "credibility": "2",
        "logged_by": "alice",
        "logged_at": "",
    }
    row.update(cells)
    return row


def signpost_row(reference="KJ-2025-0001", **cells):
    row = {
        "reference": reference,
        "text": "A second launch site is readied.",
        "direction": "supports",
        "expected_by": "2025-06-30",
        "created_by": "alice",
    }
    row.update(cells)
    return row


def files(tmp_path, judgements, estimates=None, indicators=None) -> Path:
    write(tmp_path, "judgements.csv", JUDGEMENT_COLUMNS, judgements)
    if estimates is not None:
        write(tmp_path, "estimates.csv", ESTIMATE_COLUMNS, estimates)
    if indicators is not None:
        write(tmp_path, "indicators.csv", INDICATOR_COLUMNS, indicators)
    return tmp_path


def errors_of(directory, **kwargs) -> list[str]:
    with pytest.raises(ImportFailed) as failed:
        import_judgements(directory, today=TODAY, **kwargs)
    return [str(e) for e in failed.value.errors]


# --- Every error is reported as file:line: column: message, and nothing is written --------


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"window_start": "2025-13-01"}, "window_start: '2025-13-01' is not a date"),
        ({"window_end": "31/12/2025"}, "window_end: '31/12/2025' is not a date"),
        ({"created_at": "yesterday"}, "created_at: 'yesterday' is not a time"),
        ({"window_end": "2024-12-31"}, "window_end: 2025-01-01 to 2024-12-31: The window must end"),
        ({"window_end": "2025-01-01"}, "window_end: 2025-01-01 to 2025-01-01: The window must end"),
        ({"probability": "1.2"}, "probability: 1.2 lies outside 0–1"),
        ({"probability": "120%"}, "probability: 120% lies outside 0–1"),
        ({"probability": "-0.1"}, "probability: -0.1 lies outside 0–1"),
        ({"probability": "likely"}, "probability: 'likely' is not a probability"),
        ({"probability": ""}, "probability: is required"),
        ({"outcome": "maybe"}, "outcome: 'maybe' is not one of"),
        ({"confidence": "sure"}, "confidence: 'sure' is not one of"),
        (
            {"outcome": "occurred", "occurred_on": "2026-01-05"},
            "occurred_on: The date it occurred must lie inside the window (2025-01-01 to "
            "2025-12-31)",
        ),
        ({"outcome": "occurred"}, "occurred_on: is required"),
        ({"occurred_on": "2025-03-01"}, "outcome: is empty, but the row has a resolution"),
        (
            {"window_end": "2027-01-01", "outcome": "did_not_occur"},
            "outcome: It can only be resolved as not occurred once the window has ended, or "
            "with the day it was settled",
        ),
        ({"owner": "nobody"}, "owner: no user 'nobody' (use --create-users)"),
        ({"statement": ""}, "statement: is required"),
        ({"team": "T" * 121}, "team: is longer than 120 characters"),
        ({"reference": "KJ-" + "9" * 40}, "reference: is longer than 32 characters"),
    ],
)
def test_a_bad_judgement_row_is_reported_with_file_line_and_column(
    tmp_path, alice, cells, expected
):
    directory = files(
        tmp_path, [judgement_row("KJ-2025-0001"), judgement_row("KJ-2025-0002", **cells)]
    )
    errors = errors_of(directory)
    assert any(e.startswith("judgements.csv:3: ") and expected in e for e in errors), errors
    assert not Judgement.objects.exists()


def test_probabilities_may_be_fractions_or_percentages(tmp_path, alice):
    rows = [judgement_row("KJ-1", probability="0.85"), judgement_row("KJ-2", probability="85%")]
    import_judgements(files(tmp_path, rows), today=TODAY)
    assert set(Estimate.objects.values_list("probability", flat=True)) == {Decimal("0.85")}


def test_a_duplicate_reference_inside_a_file_is_reported_on_its_second_line(tmp_path, alice):
    rows = [judgement_row("KJ-1"), judgement_row("KJ-2"), judgement_row("KJ-1")]
    assert errors_of(files(tmp_path, rows)) == [
        "judgements.csv:4: reference: 'KJ-1' is already on line 2"
    ]


def test_estimates_and_indicators_for_an_unknown_reference_are_reported(tmp_path, alice):
    directory = files(
        tmp_path,
        [judgement_row("KJ-1")],
        estimates=[estimate_row("KJ-1"), estimate_row("KJ-404")],
        indicators=[indicator_row("KJ-405")],
    )
    assert errors_of(directory) == [
        "estimates.csv:3: reference: 'KJ-404' is not in judgements.csv nor in the database",
        "indicators.csv:2: reference: 'KJ-405' is not in judgements.csv nor in the database",
    ]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"direction": "sideways"}, "direction: 'sideways' is not one of"),
        ({"strength": "huge"}, "strength: 'huge' is not one of"),
        ({"reliability": "G"}, "reliability: 'G' is not a source reliability A–F"),
        ({"credibility": "7"}, "credibility: '7' is not an information credibility 1–6"),
        ({"observed_on": "soon"}, "observed_on: 'soon' is not a date"),
        ({"source_url": "not a url"}, "source_url: 'not a url': Give an http:// or https://"),
        ({"logged_by": "ghost"}, "logged_by: no user 'ghost'"),
    ],
)
def test_a_bad_indicator_row_is_reported(tmp_path, alice, cells, expected):
    directory = files(tmp_path, [judgement_row()], indicators=[indicator_row(**cells)])
    errors = errors_of(directory)
    assert any(e.startswith("indicators.csv:2: ") and expected in e for e in errors), errors


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"made_at": "2025-02-30T10:00"}, "made_at: '2025-02-30T10:00' is not a time"),
        ({"probability": "2"}, "probability: 2 lies outside 0–1"),
        ({"author": "ghost"}, "author: no user 'ghost'"),
        ({"made_at": "2024-06-01T00:00:00+00:00"}, "made_at: 2024-06-01 00:00:00+00:00 is before"),
    ],
)
def test_a_bad_estimate_row_is_reported(tmp_path, alice, cells, expected):
    directory = files(tmp_path, [judgement_row()], estimates=[estimate_row(**cells)])
    errors = errors_of(directory)
    assert any(e.startswith("estimates.csv:2: ") and expected in e for e in errors), errors


def test_every_problem_is_reported_at_once_and_lines_count_multiline_cells(tmp_path, alice):
    rows = [
        judgement_row("KJ-1", statement="Two\nlines"),
        judgement_row("KJ-2", probability="x", window_start="never"),
        judgement_row("KJ-3", outcome="won"),
    ]
    assert errors_of(files(tmp_path, rows)) == [
        "judgements.csv:4: probability: 'x' is not a probability (0–1, or a percentage like 85%)",
        "judgements.csv:4: window_start: 'never' is not a date like 2026-01-31",
        "judgements.csv:5: outcome: 'won' is not one of: occurred, did_not_occur, annulled",
    ]


def test_a_missing_column_is_reported_on_the_header_line(tmp_path, alice):
    write(tmp_path, "judgements.csv", ["reference", "statement"], [])
    errors = errors_of(tmp_path)
    assert "judgements.csv:1: owner: missing column in the header row" in errors


def test_the_command_prints_every_error_and_imports_nothing(tmp_path, alice):
    directory = files(tmp_path, [judgement_row("KJ-1"), judgement_row("KJ-2", owner="ghost")])
    stderr = StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_judgements", str(directory), stderr=stderr)
    assert "judgements.csv:3: owner: no user 'ghost' (use --create-users)" in stderr.getvalue()
    assert not Judgement.objects.exists()


# --- What an import writes -----------------------------------------------------------------


def test_unknown_users_are_created_without_a_password_with_create_users(tmp_path, db):
    directory = files(tmp_path, [judgement_row(owner="newbie")], [estimate_row(author="newbie")])
    result = import_judgements(directory, create_users=True, today=TODAY)
    newbie = User.objects.get(username="newbie")
    assert not newbie.has_usable_password()
    assert result.users_created == ["newbie"]
    assert newbie.teams.get().name == "East Asia"
    assert result.teams_created == ["East Asia"]


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("a/b", "'a/b' is not a valid username: Enter a valid username."),
        ("with space", "is not a valid username"),
        ("semi;colon", "is not a valid username"),
        ("x" * 151, "is longer than 150 characters"),
    ],
)
def test_users_to_create_are_held_to_djangos_username_rules(tmp_path, db, name, said):
    directory = files(tmp_path, [judgement_row(owner="newbie")], [estimate_row(author=name)])
    (error,) = errors_of(directory, create_users=True)
    assert error.startswith("estimates.csv:2: author: ")
    assert said in error
    assert not User.objects.exists() and not Judgement.objects.exists()


def test_a_team_with_an_imported_owner_shows_its_track_record(client, tmp_path, maya):
    """A username that made it in must fit the track record's URL (issue 11: 'a/b' gave a
    500 on the team's page)."""
    directory = files(tmp_path, [judgement_row(owner="new.analyst+1@example")])
    import_judgements(directory, create_users=True, today=TODAY)
    client.force_login(maya)
    assert client.get("/track-record/team/east-asia/").status_code == 200


def test_teams_are_matched_by_slug_or_name_and_assessments_created_once(tmp_path, alice, east_asia):
    rows = [
        judgement_row("KJ-1", team="east-asia", assessment="Annual outlook"),
        judgement_row(
            "KJ-2", team="East Asia", assessment="Annual outlook", window_start="2024-06-01"
        ),
    ]
    import_judgements(files(tmp_path, rows), today=TODAY)
    assert Team.objects.count() == 1
    outlook = Assessment.objects.get()
    assert (outlook.title, outlook.team, outlook.published_on) == (
        "Annual outlook",
        east_asia,
        dt.date(2024, 6, 1),
    )
    assert outlook.judgements.count() == 2


def test_a_second_import_changes_nothing(tmp_path, alice):
    directory = files(
        tmp_path,
        [judgement_row("KJ-1", outcome="did_not_occur"), judgement_row("KJ-2")],
        [estimate_row("KJ-1")],
        [indicator_row("KJ-2")],
    )
    import_judgements(directory, today=TODAY)
    before = dump()
    counts = [m.objects.count() for m in (Estimate, Indicator, Resolution, ChangeRecord, User)]
    result = import_judgements(directory, today=TODAY)
    assert (result.judgements, result.estimates, result.already_present) == (0, 0, 2)
    assert dump() == before
    assert [
        m.objects.count() for m in (Estimate, Indicator, Resolution, ChangeRecord, User)
    ] == counts


def test_imported_history_wakes_no_alerts_and_open_ones_are_armed(tmp_path, alice):
    rows = [
        judgement_row("KJ-OLD", outcome="did_not_occur"),
        judgement_row("KJ-OPEN", window_start="2026-06-01", window_end="2027-06-01"),
        judgement_row("KJ-OVERDUE", window_start="2024-01-01", window_end="2024-12-31"),
    ]
    import_judgements(files(tmp_path, rows), today=TODAY)
    assert Judgement.objects.get(reference="KJ-OLD").next_alert_at is None
    for reference in ("KJ-OPEN", "KJ-OVERDUE"):
        judgement = Judgement.objects.get(reference=reference)
        assert judgement.next_alert_at == policy.first_alert_at(judgement)
    assert not Alert.objects.exists()


def test_an_imported_resolution_is_scored_exactly_as_resolving_in_the_app(
    tmp_path, alice, east_asia
):
    start = dt.date(2025, 1, 1)
    made = timezone.make_aware(dt.datetime(2025, 1, 1, 9))
    judgement = workflows.create_judgement(
        by=alice,
        statement="S",
        team=east_asia,
        owner=alice,
        probability=Decimal("0.3"),
        window_start=start,
        window_end=dt.date(2025, 6, 30),
        reference="KJ-APP",
        now=made,
    )
    workflows.revise_estimate(
        judgement,
        by=alice,
        probability=Decimal("0.65"),
        confidence="high",
        rationale="r",
        now=made + dt.timedelta(days=40, hours=5),
    )
    workflows.resolve(judgement, by=alice, outcome="occurred", occurred_on=dt.date(2025, 5, 2))
    rows = [
        judgement_row(
            "KJ-FILE",
            window_start="2025-01-01",
            window_end="2025-06-30",
            probability="30%",
            created_at=made.isoformat(),
            outcome="occurred",
            occurred_on="2025-05-02",
        )
    ]
    revision = estimate_row(
        "KJ-FILE", made_at=(made + dt.timedelta(days=40, hours=5)).isoformat(), probability="0.65"
    )
    import_judgements(files(tmp_path, rows, [revision]), today=TODAY)
    fields = ("p_initial", "p_final", "brier", "brier_time_averaged", "log_loss")
    app = Resolution.objects.filter(judgement__reference="KJ-APP").values(*fields).get()
    imported = Resolution.objects.filter(judgement__reference="KJ-FILE").values(*fields).get()
    assert imported == app
    assert app["p_final"] == 0.65


# --- Export, then import into an empty database ------------------------------------------


def dump() -> list[dict]:
    """Everything the interchange files carry, by natural keys."""
    result = []
    judgements = Judgement.objects.select_related(
        "owner", "team", "assessment", "created_by", "current_estimate", "resolution__resolved_by"
    ).order_by("reference")
    for j in judgements:
        r = j.resolution
        result.append(
            {
                "judgement": (
                    j.reference,
                    j.statement,
                    j.resolution_criteria,
                    j.owner.username,
                    j.team.name,
                    j.assessment.title if j.assessment else None,
                    j.window_start,
                    j.window_end,
                    j.created_by.username,
                    j.next_alert_at,
                    j.current_estimate.made_at,
                ),
                "resolutions": list(
                    j.resolutions.order_by("resolved_at", "pk").values_list(
                        "outcome",
                        "occurred_on",
                        "note",
                        "source_url",
                        "resolved_by__username",
                        "resolved_at",
                        "window_start",
                        "window_end",
                        "p_initial",
                        "p_final",
                        "brier",
                        "brier_time_averaged",
                        "log_loss",
                    )
                ),
                "resolution": r
                and (
                    r.outcome,
                    r.occurred_on,
                    r.note,
                    r.source_url,
                    r.resolved_by.username,
                    r.resolved_at,
                    r.window_start,
                    r.window_end,
                    r.p_initial,
                    r.p_final,
                    r.brier,
                    r.brier_time_averaged,
                    r.log_loss,
                ),
                "estimates": list(
                    j.estimates.order_by("made_at", "pk").values_list(
                        "made_at", "probability", "confidence", "author__username", "rationale"
                    )
                ),
                "indicators": list(
                    j.indicators.order_by("logged_at", "pk").values_list(
                        "observed_on",
                        "summary",
                        "direction",
                        "strength",
                        "source",
                        "source_url",
                        "reliability",
                        "credibility",
                        "logged_by__username",
                        "logged_at",
                        "retracted_at",
                        "retracted_by__username",
                        "retraction_reason",
                    )
                ),
            }
        )
    return result


def empty_the_database() -> None:
    Judgement.objects.update(current_estimate=None, resolution=None)
    for model in (
        Alert,
        Notice,
        ChangeRecord,
        Watch,
        Resolution,
        Signpost,
        Indicator,
        Estimate,
        Judgement,
        Assessment,
        Team,
        User,
    ):
        model.objects.all().delete()


def build_history(alice, lena, east_asia) -> None:
    at = lambda day, hour=9: timezone.make_aware(dt.datetime.fromisoformat(day).replace(hour=hour))  # noqa: E731
    report = Assessment.objects.create(
        title="Outlook 2025", published_on=dt.date(2025, 1, 1), team=east_asia
    )
    specs = [
        ("KJ-2025-0001", "occurred", dt.date(2025, 3, 3)),
        ("KJ-2025-0002", "did_not_occur", None),
        ("KJ-2025-0003", "annulled", None),
        ("KJ-2025-0004", None, None),
    ]
    for n, (reference, outcome, occurred_on) in enumerate(specs):
        j = workflows.create_judgement(
            by=lena,
            statement=f"Statement {n}, with a comma\nand a new line",
            team=east_asia,
            owner=alice,
            probability=Decimal("0.125") + Decimal(n) / 10,
            confidence="low",
            rationale=f"first {n}",
            resolution_criteria="Criteria “quoted”",
            assessment=report if n < 2 else None,
            reference=reference,
            window_start=dt.date(2025, 1, 1),
            window_end=dt.date(2025, 6, 30) if outcome else dt.date(2027, 1, 1),
            now=at("2025-01-01", 8),
        )
        workflows.revise_estimate(
            j,
            by=alice,
            probability=Decimal("0.9"),
            confidence="high",
            rationale="up",
            now=at("2025-02-01"),
        )
        workflows.revise_estimate(
            j,
            by=lena,
            probability=Decimal("0.4"),
            confidence="moderate",
            rationale="down",
            now=at("2025-02-20", 13),
        )
        indicator = workflows.log_indicator(
            j,
            by=alice,
            observed_on=dt.date(2025, 2, 1),
            summary="Seen",
            direction="supports",
            strength="strong",
            source="Src",
            source_url="https://example.org/a",
            reliability="B",
            credibility=2,
        )
        workflows.log_indicator(
            j, by=lena, observed_on=dt.date(2025, 2, 2), summary="Against", direction="undermines"
        )
        if n == 0:
            workflows.retract_indicator(indicator, by=lena, reason="Misread imagery")
        if n == 1:  # resolved first as occurred, then re-resolved below
            workflows.resolve(
                j,
                by=alice,
                outcome="occurred",
                occurred_on=dt.date(2025, 5, 1),
                now=at("2025-05-02"),
            )
        if outcome:
            workflows.resolve(
                j,
                by=lena,
                outcome=outcome,
                occurred_on=occurred_on,
                note="Evidence",
                source_url="https://example.org/r",
            )


def test_export_then_import_into_an_empty_database_reproduces_everything(
    tmp_path, alice, lena, east_asia
):
    build_history(alice, lena, east_asia)
    before = dump()
    result = export_judgements(tmp_path)
    assert (result.judgements, result.estimates, result.indicators) == (4, 8, 8)
    assert result.earlier_resolutions == 1
    empty_the_database()
    assert not Judgement.objects.exists() and not User.objects.exists()
    import_judgements(tmp_path, create_users=True, today=TODAY)
    assert dump() == before
    assert Team.objects.get().name == "East Asia"


def test_the_export_is_data_so_formula_like_text_is_written_as_stored(tmp_path, alice, east_asia):
    """Unlike the dashboard's CSV for spreadsheets, the interchange files are not quoted
    against formulas: what is stored comes back exactly (docs/design.md §7.8)."""
    statement = "=1+1 and ＝HYPERLINK are text here"
    workflows.create_judgement(
        by=alice, statement=statement, team=east_asia, owner=alice, probability=Decimal("0.5")
    )
    export_judgements(tmp_path)
    with (tmp_path / "judgements.csv").open(newline="", encoding="utf-8") as handle:
        (row,) = csv.DictReader(handle)
    assert row["statement"] == statement
    empty_the_database()
    import_judgements(tmp_path, create_users=True, today=TODAY)
    assert Judgement.objects.get().statement == statement


def test_the_export_command_writes_the_three_files(tmp_path, judgement):
    call_command("export_judgements", str(tmp_path / "out"), stdout=StringIO())
    header = (tmp_path / "out" / "judgements.csv").read_text().splitlines()[0].split(",")
    assert header[: len(JUDGEMENT_COLUMNS)] == list(JUDGEMENT_COLUMNS)
    assert (tmp_path / "out" / "estimates.csv").exists()
    assert (tmp_path / "out" / "indicators.csv").exists()


# --- The scorecard, fed from the stored scores ----------------------------------------------

VECTOR = [
    (0.1, 0),
    (0.1, 0),
    (0.3, 0),
    (0.3, 1),
    (0.7, 1),
    (0.7, 0),
    (0.7, 1),
    (0.9, 1),
    (0.9, 1),
    (0.9, 1),
]


def import_vector(tmp_path) -> None:
    rows = [
        judgement_row(
            f"KJ-V{n}",
            probability=str(p),
            owner="alice" if n < 5 else "bob",
            team="East Asia" if n < 5 else "Cyber",
            outcome="occurred" if o else "did_not_occur",
            occurred_on="2025-06-01" if o else "",
        )
        for n, (p, o) in enumerate(VECTOR)
    ]
    rows.append(judgement_row("KJ-VOID", outcome="annulled"))
    import_judgements(files(tmp_path, rows), today=TODAY)


def test_the_scorecard_command_prints_the_design_vector_as_json(tmp_path, alice, bob):
    import_vector(tmp_path)
    out = StringIO()
    call_command("scorecard", "--json", stdout=out)
    card = json.loads(out.getvalue())
    assert (card["resolved"], card["occurred"], card["annulled"]) == (10, 6, 1)
    assert card["brier"] == pytest.approx(0.13)
    assert round(card["log_loss"], 4) == 0.4005
    assert round(card["murphy"]["reliability"], 4) == 0.0133
    assert round(card["murphy"]["resolution"], 4) == 0.1233
    assert card["murphy"]["uncertainty"] == pytest.approx(0.24)
    assert [b["n"] for b in card["calibration"]] == [0, 2, 0, 2, 0, 0, 0, 3, 0, 3]


def test_the_scorecard_command_filters_by_team_owner_and_scale(tmp_path, alice, bob):
    import_vector(tmp_path)
    out = StringIO()
    call_command("scorecard", "--json", "--team", "cyber", stdout=out)
    assert json.loads(out.getvalue())["resolved"] == 5
    out = StringIO()
    call_command("scorecard", "--json", "--owner", "alice", "--scale", "nato", stdout=out)
    card = json.loads(out.getvalue())
    assert card["resolved"] == 5
    assert [g["term"] for g in card["by_term"]] == ["unlikely", "likely"]


def test_the_scorecard_table_is_readable(tmp_path, alice, bob):
    import_vector(tmp_path)
    out = StringIO()
    call_command("scorecard", stdout=out)
    text = out.getvalue()
    assert "Resolved 10 (occurred 6), annulled 1" in text
    assert "Brier              0.130" in text
    assert "likely" in text and "90% interval" in text


def test_the_scorecard_reads_its_records_in_three_queries(
    tmp_path, alice, bob, django_assert_num_queries
):
    import_vector(tmp_path)
    # The rows, then the judgements' own topics and their assessments' topics.
    with django_assert_num_queries(3):
        records = scorecards.records(Judgement.objects.all())
    assert len(records) == 11


def test_a_file_that_is_not_utf8_is_reported_on_the_line_of_the_bad_byte(tmp_path, alice):
    files(tmp_path, [judgement_row("KJ-1"), judgement_row("KJ-2", statement="Caf\u00e9")])
    path = tmp_path / "judgements.csv"
    path.write_bytes(path.read_bytes().replace("Caf\u00e9".encode(), b"Caf\xe9"))
    assert errors_of(tmp_path) == ["judgements.csv:3: -: byte 0xe9 is not UTF-8; save as UTF-8"]


def test_a_row_with_too_many_cells_is_reported(tmp_path, alice):
    files(tmp_path, [judgement_row("KJ-1")])
    path = tmp_path / "judgements.csv"
    path.write_text(path.read_text() + "KJ-2," * 20 + "\n")
    errors = errors_of(tmp_path)
    assert "judgements.csv:3: -: has more cells than the header has columns (15)" in errors


def test_a_missing_directory_is_reported_not_a_traceback(tmp_path, db):
    assert errors_of(tmp_path / "nowhere") == [
        f"judgements.csv:0: -: not found in {tmp_path / 'nowhere'}"
    ]


def test_the_scorecard_command_gives_one_scorecard_per_group(tmp_path, alice, bob):
    import_vector(tmp_path)
    out = StringIO()
    call_command("scorecard", "--json", "--by", "team", stdout=out)
    cards = json.loads(out.getvalue())
    assert {team: card["resolved"] for team, card in cards.items()} == {"Cyber": 5, "East Asia": 5}
    assert cards["Cyber"]["annulled"] == 0
    out = StringIO()
    call_command("scorecard", "--by", "quarter", stdout=out)
    assert "quarter: 2025-Q2" in out.getvalue()


def test_the_scorecard_command_refuses_an_unknown_owner(db):
    with pytest.raises(CommandError, match="No user 'ghost'"):
        call_command("scorecard", "--owner", "ghost", stdout=StringIO())


def earlier_row(ref="KJ-2025-0001", **cells):
    row = {
        "reference": ref,
        "outcome": "occurred",
        "occurred_on": "2025-04-01",
        "resolved_at": "2025-04-02T09:00:00+00:00",
        "resolved_by": "alice",
        "note": "First call",
        "source_url": "",
        "window_start": "2025-01-01",
        "window_end": "2025-12-31",
    }
    row.update(cells)
    return row


@pytest.mark.parametrize(
    ("judgement_cells", "cells", "expected"),
    [
        ({"outcome": "did_not_occur"}, {"reference": "KJ-404"}, "reference: 'KJ-404' is not in"),
        ({}, {}, "reference: 'KJ-2025-0001' has no outcome in judgements.csv"),
        (
            {"outcome": "did_not_occur", "resolved_at": "2026-01-02T00:00:00+00:00"},
            {"resolved_at": "2026-02-01T00:00:00+00:00"},
            "resolved_at: is after the resolution in judgements.csv",
        ),
        (
            {"outcome": "did_not_occur"},
            {"occurred_on": "2026-03-01"},
            "occurred_on: resolved on 2025-04-02: The date it occurred must lie inside the window",
        ),
        ({"outcome": "did_not_occur"}, {"outcome": "maybe"}, "outcome: 'maybe' is not one of"),
    ],
)
def test_a_bad_earlier_resolution_is_reported(tmp_path, alice, judgement_cells, cells, expected):
    write(tmp_path, "resolutions.csv", list(earlier_row()), [earlier_row(**cells)])
    directory = files(tmp_path, [judgement_row(**judgement_cells)])
    errors = errors_of(directory)
    assert any(e.startswith("resolutions.csv:2: ") and expected in e for e in errors), errors


def test_an_earlier_resolution_is_kept_and_the_current_one_is_from_judgements_csv(tmp_path, alice):
    write(tmp_path, "resolutions.csv", list(earlier_row()), [earlier_row()])
    import_judgements(files(tmp_path, [judgement_row(outcome="did_not_occur")]), today=TODAY)
    judgement = Judgement.objects.get()
    assert judgement.resolution.outcome == "did_not_occur"
    first = judgement.resolutions.get(outcome="occurred")
    assert first.brier == pytest.approx(0.09)  # scored like any resolution: (0.7 − 1)²
    assert not first.is_current and judgement.resolution.is_current


# --- Dates stay in range; the app's own rules hold for imported rows ---------------------


def test_a_start_in_9999_without_an_end_is_a_row_error_not_an_overflow(tmp_path, alice):
    row = judgement_row("KJ-2025-0002", window_start="9999-06-01", window_end="")
    errors = errors_of(files(tmp_path, [judgement_row(), row]))
    assert errors == [
        "judgements.csv:3: window_start: '9999-06-01': Give a date between 1900 and 2200."
    ]
    assert not Judgement.objects.exists()


def test_an_annulled_row_ending_on_the_last_day_of_9999_is_a_row_error(tmp_path, alice):
    row = judgement_row(window_end="9999-12-31", outcome="annulled")
    errors = errors_of(files(tmp_path, [row]))
    assert errors == [
        "judgements.csv:2: window_end: '9999-12-31': Give a date between 1900 and 2200."
    ]


def test_a_default_window_end_past_the_last_year_is_a_row_error(tmp_path, alice):
    row = judgement_row(window_start="2200-06-01", window_end="")
    errors = errors_of(files(tmp_path, [row]))
    assert errors == [
        "judgements.csv:2: window_end: empty, and 12 months after window_start is "
        "2201-06-01: Give a date between 1900 and 2200."
    ]


@pytest.mark.parametrize(
    ("file", "cells", "expected"),
    [
        (
            "judgements.csv",
            {"window_start": "1899-12-31"},
            "window_start: '1899-12-31': Give a date",
        ),
        ("judgements.csv", {"window_end": "2201-01-01"}, "window_end: '2201-01-01': Give a date"),
        ("judgements.csv", {"created_at": "9999-12-31T23:59:59+00:00"}, "created_at: '9999-12"),
        (
            "judgements.csv",
            {"outcome": "occurred", "occurred_on": "0001-01-01"},
            "occurred_on: '0001-01-01': Give a date between 1900 and 2200.",
        ),
        (
            "judgements.csv",
            {"outcome": "annulled", "resolved_at": "0001-01-01T00:00:00+14:00"},
            "resolved_at: '0001-01-01T00:00:00+14:00': Give a date between 1900 and 2200.",
        ),
        ("estimates.csv", {"made_at": "9999-12-31T23:59:59"}, "made_at: '9999-12-31T23:59:59'"),
        ("indicators.csv", {"observed_on": "1066-10-14"}, "observed_on: '1066-10-14': Give a date"),
        ("indicators.csv", {"logged_at": "2999-01-01T00:00"}, "logged_at: '2999-01-01T00:00'"),
        ("resolutions.csv", {"window_end": "9999-12-31"}, "window_end: '9999-12-31': Give a date"),
        ("resolutions.csv", {"resolved_at": "9999-12-31T23:59"}, "resolved_at: '9999-12-31T23"),
    ],
)
def test_a_date_outside_1900_to_2200_is_a_row_error_in_every_file(
    tmp_path, alice, file, cells, expected
):
    directory = one_bad_row(tmp_path, file, cells)
    errors = errors_of(directory)
    assert any(e.startswith(f"{file}:2: ") and expected in e for e in errors), errors
    assert not Judgement.objects.exists()


def one_bad_row(tmp_path: Path, file: str, cells: dict[str, str]) -> Path:
    """A clean resolved judgement, and one row of ``file`` with ``cells`` changed."""
    judgement = judgement_row(outcome="did_not_occur")
    changed = {
        "judgements.csv": judgement_row(**{"outcome": "did_not_occur", **cells}),
        "estimates.csv": estimate_row(**cells),
        "indicators.csv": indicator_row(**cells),
        "resolutions.csv": earlier_row(**cells),
    }[file]
    if file != "judgements.csv":
        write(tmp_path, "judgements.csv", list(judgement), [judgement])
    write(tmp_path, file, list(changed), [changed])
    return tmp_path


def test_an_indicator_observed_after_today_is_a_row_error(tmp_path, alice):
    directory = files(
        tmp_path,
        [judgement_row(window_end="2027-06-30")],
        indicators=[
            indicator_row(observed_on="2026-11-26"),
            indicator_row(observed_on="2026-11-27"),
        ],
    )
    errors = errors_of(directory)
    assert errors == [
        "indicators.csv:3: observed_on: '2026-11-27': An indicator cannot be observed in the "
        "future."
    ]


@pytest.mark.parametrize(
    "url", ["ftp://example.org/report", "javascript:alert(1)", "file:///etc/x"]
)
@pytest.mark.parametrize(
    ("file", "column"),
    [
        ("indicators.csv", "source_url"),
        ("resolutions.csv", "source_url"),
        ("judgements.csv", "resolution_source_url"),
    ],
)
def test_a_source_url_that_is_not_http_or_https_is_a_row_error(tmp_path, alice, file, column, url):
    directory = one_bad_row(tmp_path, file, {column: url})
    errors = errors_of(directory)
    assert errors == [f"{file}:2: {column}: {url!r}: Give an http:// or https:// address."]


def test_http_and_https_source_urls_are_accepted(tmp_path, alice):
    indicators = [
        indicator_row(source_url="http://example.org/a"),
        indicator_row(source_url="HTTPS://example.org/b"),
    ]
    result = import_judgements(
        files(tmp_path, [judgement_row()], indicators=indicators), today=TODAY
    )
    assert result.indicators == 2


@pytest.mark.parametrize(
    ("judgement_cells", "made_at", "closes"),
    [
        ({}, "2026-01-01T00:00:00+00:00", "2026-01-01T00:00:00+00:00"),
        ({"outcome": "did_not_occur"}, "2026-03-01T09:00:00+00:00", "2026-01-01T00:00:00+00:00"),
        (
            {"outcome": "occurred", "occurred_on": "2025-04-01"},
            "2025-04-01T12:00:00+00:00",
            "2025-04-01T00:00:00+00:00",
        ),
    ],
)
def test_an_estimate_made_once_the_window_closed_is_hindsight_and_a_row_error(
    tmp_path, alice, judgement_cells, made_at, closes
):
    directory = files(
        tmp_path,
        [judgement_row(**judgement_cells)],
        estimates=[
            estimate_row(made_at="2025-03-01T10:00:00+00:00"),
            estimate_row(made_at=made_at),
        ],
    )
    errors = errors_of(directory)
    assert errors == [
        f"estimates.csv:3: made_at: {made_at!r}: The window has closed, so a new estimate "
        "would be hindsight. Resolve the judgement instead, or extend its window first."
    ]
    assert workflows.estimate_close  # the app's rule these rows are held to


def test_an_estimate_in_the_last_second_of_the_window_is_accepted(tmp_path, alice):
    directory = files(
        tmp_path, [judgement_row()], estimates=[estimate_row(made_at="2025-12-31T23:59:59+00:00")]
    )
    assert import_judgements(directory, today=TODAY).estimates == 2


@pytest.mark.parametrize(
    ("file", "cells", "expected"),
    [
        (
            "judgements.csv",
            {"resolved_at": "2024-12-31T23:59:59+00:00"},
            "judgements.csv:2: outcome: resolved on 2024-12-31: " + NOT_OCCURRED_EARLY_MESSAGE,
        ),
        (
            "resolutions.csv",
            {"resolved_at": "2024-06-01T09:00:00"},
            "resolutions.csv:2: occurred_on: resolved on 2024-06-01: It cannot have occurred "
            "after the day it was resolved (2024-06-01).",
        ),
        (
            "resolutions.csv",
            {"resolved_at": "2025-03-31T23:00:00+00:00"},
            "resolutions.csv:2: occurred_on: resolved on 2025-03-31: It cannot have occurred "
            "after the day it was resolved (2025-03-31).",
        ),
        (
            "judgements.csv",
            {"resolved_at": "2025-12-31T18:00:00+00:00"},
            "judgements.csv:2: outcome: resolved on 2025-12-31: " + NOT_OCCURRED_EARLY_MESSAGE,
        ),
    ],
)
def test_a_resolution_dated_when_the_app_would_refuse_it_is_a_row_error(
    tmp_path, alice, file, cells, expected
):
    errors = errors_of(one_bad_row(tmp_path, file, cells))
    assert errors == [expected]


def test_an_annulment_before_the_window_starts_is_accepted_as_in_the_app(tmp_path, alice):
    row = judgement_row(outcome="annulled", resolved_at="2024-12-01T09:00:00+00:00")
    assert import_judgements(files(tmp_path, [row]), today=TODAY).resolutions == 1
    assert Judgement.objects.get().resolution.resolved_at.date() == dt.date(2024, 12, 1)


@pytest.mark.parametrize(
    ("file", "column", "cells"),
    [
        ("judgements.csv", "created_at", {}),
        ("judgements.csv", "resolved_at", {}),
        ("estimates.csv", "made_at", {}),
        ("indicators.csv", "logged_at", {}),
        ("indicators.csv", "retracted_at", {"retraction_reason": "Misread."}),
        ("resolutions.csv", "resolved_at", {}),
    ],
)
def test_a_time_after_the_import_day_is_a_row_error(tmp_path, alice, file, column, cells):
    value = "2026-11-27T00:00:00+00:00"
    errors = errors_of(one_bad_row(tmp_path, file, {column: value, **cells}))
    assert f"{file}:2: {column}: {value!r} is in the future (today is 2026-11-26)" in errors


# --- Garbage in any cell of any file: row errors, never a traceback -----------------------

GARBAGE = [
    "",
    " ",
    "x",
    "-1",
    "7",
    "1e999999",
    "1e-999999999",
    "NaN",
    "-inf",
    "%",
    "150%",
    "0001-01-01",
    "1899-12-31",
    "2201-01-01",
    "9999-12-31",
    "10000-01-01",
    "2025-02-30",
    "2025-W01-1",
    "9999-12-31T23:59:59+00:00",
    "9999-12-31T23:59:59",
    "0001-01-01T00:00:00+14:00",
    "2025-01-01T00:00:00-23:59",
    "javascript:alert(1)",
    "ftp://example.org/x",
    "http://",
    "é" * 600,
    "a\x00b",
    "=cmd|' /C calc'!A0",
    "occurred",
    "annulled",
    '"quoted"\nnew line',
]
OUT_OF_RANGE = {"0001-01-01", "1899-12-31", "2201-01-01", "9999-12-31"}
OUT_OF_RANGE_TIMES = {
    "9999-12-31T23:59:59+00:00",
    "9999-12-31T23:59:59",
    "0001-01-01T00:00:00+14:00",
}
DATE_COLUMNS = {
    "window_start",
    "window_end",
    "occurred_on",
    "observed_on",
    "expected_by",
    "seen_on",
    "lapsed_on",
}
TIME_COLUMNS = {"created_at", "resolved_at", "made_at", "logged_at", "retracted_at", "withdrawn_at"}
ERROR_LINE = re.compile(
    r"^(judgements|estimates|indicators|resolutions|signposts)\.csv:\d+: [^:\s]+: \S"
)
FILE_COLUMNS = FILES


class _Undo(Exception):
    """Rolls back an import that went through, so each garbage value starts clean."""


def must_fail(column: str, value: str) -> bool:
    return (
        "\x00" in value
        or (column in DATE_COLUMNS and value in OUT_OF_RANGE)
        or (column in TIME_COLUMNS and value in OUT_OF_RANGE_TIMES)
    )


def garbage_files(directory: Path, file: str, column: str, value: str) -> Path:
    directory.mkdir()
    judgement = {c: "" for c in FILE_COLUMNS["judgements.csv"]}
    judgement.update(judgement_row(outcome="did_not_occur"))
    rows = {
        "judgements.csv": judgement,
        "estimates.csv": estimate_row(),
        "indicators.csv": {**{c: "" for c in INDICATOR_EXTRA}, **indicator_row()},
        "resolutions.csv": earlier_row(),
        "signposts.csv": signpost_row(),
    }
    rows[file] = {**rows[file], column: value}
    for name in {"judgements.csv", file}:
        write(directory, name, FILE_COLUMNS[name], [rows[name]])
    return directory


def counts() -> tuple[int, ...]:
    models = (
        Judgement,
        Estimate,
        Indicator,
        Resolution,
        Signpost,
        Team,
        Assessment,
        ChangeRecord,
        User,
    )
    return tuple(model.objects.count() for model in models)


def import_once(directory: Path, file: str, column: str, value: str) -> None:
    """Import through the command: either it goes through (then undone) or it fails cleanly."""
    before, stderr = counts(), StringIO()
    try:
        with transaction.atomic():
            call_command(
                "import_judgements",
                str(directory),
                "--create-users",
                stdout=StringIO(),
                stderr=stderr,
            )
            raise _Undo
    except _Undo:
        assert not must_fail(column, value), f"{value!r} in {file} {column} was accepted"
        return
    except CommandError:
        pass
    lines = stderr.getvalue().splitlines()
    assert lines, value
    assert all(ERROR_LINE.match(line) for line in lines), (value, lines)
    assert not any("please report this" in line for line in lines), (value, lines)
    assert counts() == before


ALL_CELLS = [(f, c) for f, columns in FILE_COLUMNS.items() for c in columns]


@time_machine.travel(dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC), tick=False)
@pytest.mark.parametrize(("file", "column"), ALL_CELLS)
def test_garbage_in_any_cell_gives_row_errors_and_writes_nothing(tmp_path, alice, file, column):
    for n, value in enumerate(GARBAGE):
        import_once(garbage_files(tmp_path / str(n), file, column, value), file, column, value)


OFFSETS = st.integers(-(23 * 60 + 59), 23 * 60 + 59).map(
    lambda minutes: dt.timezone(dt.timedelta(minutes=minutes))
)
CELL_VALUES = (
    st.text(max_size=30)
    | st.dates().map(dt.date.isoformat)
    | st.datetimes(timezones=st.none() | OFFSETS).map(dt.datetime.isoformat)
    | st.decimals(allow_nan=True).map(str)
    | st.sampled_from(GARBAGE)
)


@time_machine.travel(dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC), tick=False)
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cell=st.sampled_from(ALL_CELLS), value=CELL_VALUES)
def test_any_value_in_any_cell_imports_or_fails_with_row_errors(tmp_path, alice, cell, value):
    file, column = cell
    directory = garbage_files(Path(tempfile.mkdtemp(dir=tmp_path)) / "files", file, column, value)
    import_once(directory, file, column, value)


@pytest.mark.parametrize("reference", ["EA/SLASH-1", "KJ 2025 1", "-leading-dash", "KJ?1"])
def test_a_reference_that_cannot_go_into_a_url_is_a_row_error(tmp_path, alice, reference):
    problems = errors_of(files(tmp_path, [judgement_row(ref=reference)]))
    assert problems == [
        f"judgements.csv:2: reference: {reference!r}: Use only letters, digits, '.', '_' and "
        "'-' in a reference."
    ]
    assert not Judgement.objects.exists()


def test_an_assessment_title_is_matched_within_the_rows_team_only(tmp_path, alice, bob):
    east = Team.objects.get_or_create(slug="east-asia", defaults={"name": "East Asia"})[0]
    theirs = Assessment.objects.create(title="Shared title", published_on=TODAY, team=east)
    row = judgement_row(ref="CY-1", owner="bob", team="Cyber", assessment="Shared title")
    import_judgements(files(tmp_path, [row]), today=TODAY)
    imported = Judgement.objects.get(reference="CY-1").assessment
    assert imported != theirs
    assert (imported.title, imported.team.slug) == ("Shared title", "cyber")

"""Each domain rule has one definition (judgements/rules.py): driven through the web form, the
workflow and the importer, it gives the same answer, in the same words."""

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from judgements import rules, workflows
from judgements.interchange.columns import (
    ESTIMATE_COLUMNS,
    INDICATOR_COLUMNS,
    JUDGEMENT_COLUMNS,
    JUDGEMENT_EXTRA,
)
from judgements.interchange.importing import ImportFailed, import_judgements
from judgements.models import Judgement
from judgements.workspace.forms import IndicatorForm, JudgementForm, ResolveForm

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(NOW, tick=True):
        yield


# --- the three doors ------------------------------------------------------------------------


def form_errors(form) -> list[str]:
    assert not form.is_valid()
    return [message for messages in form.errors.values() for message in messages]


def workflow_errors(call, *args, **kwargs) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        call(*args, **kwargs)
    return refused.value.messages


def import_errors(tmp_path: Path, judgements, estimates=(), indicators=()) -> list[str]:
    for name, columns, rows in (
        ("judgements.csv", JUDGEMENT_COLUMNS + JUDGEMENT_EXTRA, judgements),
        ("estimates.csv", ESTIMATE_COLUMNS, estimates),
        ("indicators.csv", INDICATOR_COLUMNS, indicators),
    ):
        with (tmp_path / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(columns), restval="")
            writer.writeheader()
            writer.writerows(rows)
    with pytest.raises(ImportFailed) as failed:
        import_judgements(tmp_path, today=TODAY)
    assert not Judgement.objects.filter(reference="IMP-1").exists()
    return [e.message for e in failed.value.errors]


def said_by_all(message: str, *answers: list[str]) -> None:
    """Every door refused, and each said the rule's own words."""
    for answer in answers:
        assert any(message in said for said in answer), (message, answer)


def row(**cells) -> dict:
    return {
        "reference": "IMP-1",
        "statement": "Country X will test a missile.",
        "owner": "alice",
        "team": "East Asia",
        "window_start": "2026-01-01",
        "window_end": "2026-12-31",
        "probability": "0.7",
        **cells,
    }


def new_judgement_form(user, team, **fields) -> JudgementForm:
    data = {
        "statement": "Pyongyang will launch a satellite",
        "team": team.pk,
        "owner": user.pk,
        "window_start": "2026-01-01",
        "percent": "70",
        "confidence": "moderate",
        **fields,
    }
    return JudgementForm(data, user=user)


def create(user, team, **fields):
    return workflows.create_judgement(
        by=user, statement="X", team=team, owner=user, probability=Decimal("0.7"), **fields
    )


# --- the rules ------------------------------------------------------------------------------


def test_dates_lie_between_1900_and_2200(tmp_path, alice, east_asia):
    said_by_all(
        rules.YEARS_MESSAGE,
        form_errors(new_judgement_form(alice, east_asia, window_start="2201-01-01")),
        workflow_errors(create, alice, east_asia, window_start=dt.date(2201, 1, 1)),
        import_errors(tmp_path, [row(window_start="2201-01-01")]),
    )


def test_a_window_ends_after_it_starts(tmp_path, alice, east_asia):
    said_by_all(
        rules.WINDOW_MESSAGE,
        form_errors(new_judgement_form(alice, east_asia, window_end="2025-12-31")),
        workflow_errors(
            create,
            alice,
            east_asia,
            window_start=dt.date(2026, 1, 1),
            window_end=dt.date(2026, 1, 1),
        ),
        import_errors(tmp_path, [row(window_end="2026-01-01")]),
    )


def test_an_estimate_at_or_after_the_close_is_hindsight(client, tmp_path, alice, east_asia):
    closed = create(
        alice,
        east_asia,
        window_start=dt.date(2025, 1, 1),
        window_end=dt.date(2025, 12, 31),
        now=NOW - dt.timedelta(days=300),
    )
    client.force_login(alice)
    page = client.post(
        f"/judgements/{closed.reference}/estimate/",
        {"percent": "40", "confidence": "moderate", "rationale": "Later"},
    )
    late = {"reference": "IMP-1", "made_at": "2026-01-01T00:00:00+00:00", "probability": "0.4"}
    said_by_all(
        rules.HINDSIGHT_MESSAGE,
        [page.content.decode().replace("&#x27;", "'")],
        workflow_errors(
            workflows.revise_estimate,
            closed,
            by=alice,
            probability=Decimal("0.4"),
            confidence="moderate",
            rationale="Later",
        ),
        import_errors(
            tmp_path, [row(window_start="2025-01-01", window_end="2025-12-31")], estimates=[late]
        ),
    )


def test_did_not_occur_waits_for_the_window_to_end(tmp_path, alice, judgement):
    data = {"outcome": "did_not_occur", "note": "Nothing happened."}
    said_by_all(
        rules.NOT_OCCURRED_EARLY_MESSAGE,
        form_errors(ResolveForm(data, judgement=judgement)),
        workflow_errors(workflows.resolve, judgement, by=alice, outcome="did_not_occur"),
        import_errors(tmp_path, [row(outcome="did_not_occur")]),
    )


def test_it_occurred_inside_the_window(tmp_path, alice, judgement):
    before = judgement.window_start - dt.timedelta(days=1)
    message = "The date it occurred must lie inside the window"
    data = {"outcome": "occurred", "occurred_on": before.isoformat(), "note": "Seen."}
    said_by_all(
        message,
        form_errors(ResolveForm(data, judgement=judgement)),
        workflow_errors(
            workflows.resolve, judgement, by=alice, outcome="occurred", occurred_on=before
        ),
        import_errors(tmp_path, [row(outcome="occurred", occurred_on="2025-12-31")]),
    )


def test_it_cannot_have_occurred_in_the_future(tmp_path, alice, judgement):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    message = "It cannot have occurred in the future."
    data = {"outcome": "occurred", "occurred_on": tomorrow.isoformat(), "note": "Seen."}
    said_by_all(
        message,
        form_errors(ResolveForm(data, judgement=judgement)),
        workflow_errors(
            workflows.resolve, judgement, by=alice, outcome="occurred", occurred_on=tomorrow
        ),
        import_errors(tmp_path, [row(outcome="occurred", occurred_on=tomorrow.isoformat())]),
    )


def test_an_indicator_is_not_observed_in_the_future(tmp_path, alice, judgement):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    fields = {
        "observed_on": tomorrow,
        "direction": "supports",
        "strength": "weak",
        "summary": "Seen",
        "reliability": "B",
        "credibility": 2,
    }
    said_by_all(
        rules.FUTURE_INDICATOR_MESSAGE,
        form_errors(IndicatorForm({**fields, "observed_on": tomorrow.isoformat()})),
        workflow_errors(workflows.log_indicator, judgement, by=alice, **fields),
        import_errors(
            tmp_path,
            [row()],
            indicators=[
                {
                    "reference": "IMP-1",
                    "observed_on": tomorrow.isoformat(),
                    "direction": "supports",
                    "summary": "Seen",
                }
            ],
        ),
    )


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/x", "not a url"])
def test_a_source_is_an_http_or_https_address(tmp_path, alice, judgement, url):
    fields = {
        "observed_on": TODAY,
        "direction": "supports",
        "strength": "weak",
        "summary": "Seen",
        "source_url": url,
        "reliability": "B",
        "credibility": 2,
    }
    said_by_all(
        rules.URL_MESSAGE,
        form_errors(IndicatorForm({**fields, "observed_on": TODAY.isoformat()})),
        workflow_errors(workflows.log_indicator, judgement, by=alice, **fields),
        import_errors(
            tmp_path,
            [row()],
            indicators=[
                {
                    "reference": "IMP-1",
                    "observed_on": "2026-02-01",
                    "direction": "supports",
                    "summary": "Seen",
                    "source_url": url,
                }
            ],
        ),
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://analyst:hunter2@evil.example/report", rules.URL_CREDENTIALS_MESSAGE),
        ("https://trusted.example@evil.example/", rules.URL_CREDENTIALS_MESSAGE),
        ("https://example.org/\u202egpj.exe", rules.URL_HIDDEN_CHARACTERS_MESSAGE),  # RLO
        ("https://exa\u2066mple.org/", rules.URL_HIDDEN_CHARACTERS_MESSAGE),  # LRI
        ("https://example.org/a\u200bb", rules.URL_HIDDEN_CHARACTERS_MESSAGE),  # zero width
    ],
)
def test_a_source_address_reads_as_what_it_is(tmp_path, alice, judgement, url, message):
    """No user name or password before the host, no bidi or invisible characters: in forms,
    workflows (indicators and resolutions) and the importer alike."""
    fields = {
        "observed_on": TODAY,
        "direction": "supports",
        "strength": "weak",
        "summary": "Seen",
        "source_url": url,
        "reliability": "B",
        "credibility": 2,
    }
    said_by_all(
        message,
        form_errors(IndicatorForm({**fields, "observed_on": TODAY.isoformat()})),
        workflow_errors(workflows.log_indicator, judgement, by=alice, **fields),
        workflow_errors(
            workflows.resolve,
            judgement,
            by=alice,
            outcome="annulled",
            note="broke",
            source_url=url,
        ),
        import_errors(
            tmp_path,
            [row()],
            indicators=[
                {
                    "reference": "IMP-1",
                    "observed_on": "2026-02-01",
                    "direction": "supports",
                    "summary": "Seen",
                    "source_url": url,
                }
            ],
        ),
    )


def test_an_at_sign_in_the_path_is_still_a_fine_address():
    rules.check_source_url("https://example.org/people/@alice?via=a@b")


def test_a_reference_goes_into_urls(tmp_path, alice, east_asia):
    said_by_all(
        rules.REFERENCE_MESSAGE,
        workflow_errors(create, alice, east_asia, reference="EA/1"),
        import_errors(tmp_path, [row(reference="EA/1")]),
    )


# --- did not occur, settled before the window ends (issue 15) -------------------------------


def settle(judgement, **fields) -> dict:
    """The same settled-early resolution as the form's data and as the workflow's arguments."""
    return {"outcome": "did_not_occur", "note": "The vote was held; it failed.", **fields}


def settled_row(**cells) -> dict:
    """The judgement fixture's window (it started 100 days ago and runs 12 months) as a row."""
    start = TODAY - dt.timedelta(days=100)
    defaults = {
        "window_start": start.isoformat(),
        "window_end": rules.default_window_end(start).isoformat(),
        "outcome": "did_not_occur",
        "resolution_note": "The vote was held; it failed.",
    }
    return row(**{**defaults, **cells})


def test_settled_on_cannot_be_in_the_future(tmp_path, alice, judgement):
    tomorrow = TODAY + dt.timedelta(days=1)
    said_by_all(
        rules.SETTLED_FUTURE_MESSAGE,
        form_errors(ResolveForm(settle(judgement, settled_on=tomorrow), judgement=judgement)),
        workflow_errors(
            workflows.resolve, judgement, by=alice, **settle(judgement, settled_on=tomorrow)
        ),
        import_errors(tmp_path, [settled_row(settled_on=tomorrow.isoformat())]),
    )


def test_settled_on_lies_inside_the_window(tmp_path, alice, judgement):
    before = judgement.window_start - dt.timedelta(days=1)
    message = "The day it was settled must lie inside the window"
    said_by_all(
        message,
        form_errors(ResolveForm(settle(judgement, settled_on=before), judgement=judgement)),
        workflow_errors(
            workflows.resolve, judgement, by=alice, **settle(judgement, settled_on=before)
        ),
        import_errors(tmp_path, [settled_row(settled_on=before.isoformat())]),
    )


def test_settled_early_needs_a_note_saying_why(tmp_path, alice, judgement):
    day = TODAY - dt.timedelta(days=2)
    said_by_all(
        rules.SETTLED_NOTE_MESSAGE,
        # The form's note is required anyway; a blank one is refused by the rule too.
        form_errors(
            ResolveForm(settle(judgement, settled_on=day, note="   "), judgement=judgement)
        ),
        workflow_errors(
            workflows.resolve, judgement, by=alice, **settle(judgement, settled_on=day, note="")
        ),
        import_errors(tmp_path, [settled_row(settled_on=day.isoformat(), resolution_note="")]),
    )


def test_settled_on_goes_only_with_did_not_occur(tmp_path, alice, judgement):
    day = TODAY - dt.timedelta(days=2)
    said_by_all(
        rules.SETTLED_ONLY_NOT_OCCURRED_MESSAGE,
        workflow_errors(
            workflows.resolve, judgement, by=alice, outcome="annulled", note="x", settled_on=day
        ),
        import_errors(tmp_path, [settled_row(outcome="annulled", settled_on=day.isoformat())]),
    )
    # The form drops a date left in the settled-on field when another outcome is picked.
    form = ResolveForm({"outcome": "annulled", "note": "x", "settled_on": day}, judgement=judgement)
    assert form.is_valid() and form.cleaned_data["settled_on"] is None


def test_settled_early_is_accepted_by_all_three_doors(tmp_path, alice, judgement):
    day = TODAY - dt.timedelta(days=2)
    form = ResolveForm(settle(judgement, settled_on=day), judgement=judgement)
    assert form.is_valid(), form.errors
    resolution = workflows.resolve(judgement, by=alice, **form.cleaned_data)
    assert (resolution.outcome, resolution.settled_on, resolution.closed_on) == (
        "did_not_occur",
        day,
        day,
    )
    files = tmp_path / "files"
    files.mkdir()
    for name, columns, rows in (
        (
            "judgements.csv",
            JUDGEMENT_COLUMNS + JUDGEMENT_EXTRA,
            [settled_row(settled_on=day.isoformat())],
        ),
    ):
        with (files / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(columns), restval="")
            writer.writeheader()
            writer.writerows(rows)
    import_judgements(files, today=TODAY)
    imported = Judgement.objects.select_related("resolution").get(reference="IMP-1")
    assert imported.resolution.settled_on == day
    # Resolved, by default, at the close: 00:00 of the day it was settled.
    assert imported.resolution.resolved_at == rules.estimate_close(
        imported.window_end, settled_on=day
    )

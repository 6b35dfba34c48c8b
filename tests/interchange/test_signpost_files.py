"""signposts.csv and indicators.csv's signpost column: export, import, all or nothing."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import User
from django.utils import timezone

from judgements import workflows
from judgements.interchange.columns import FILES
from judgements.interchange.exporting import export_judgements
from judgements.interchange.importing import ImportFailed, import_judgements
from judgements.models import Judgement, Signpost, SignpostState
from tests.interchange.test_importing import (
    empty_the_database,
    indicator_row,
    judgement_row,
    signpost_row,
    write,
)

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def at(day: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(day).replace(hour=9))


def signposted(alice, team) -> Judgement:
    """An open judgement with a signpost of each state, and one seen through an indicator."""
    judgement = workflows.create_judgement(
        by=alice,
        statement="The port reopens.",
        team=team,
        owner=alice,
        probability=Decimal("0.6"),
        window_start=dt.date(2026, 6, 1),
        window_end=dt.date(2027, 5, 31),
        now=at("2026-06-01"),
    )
    seen = workflows.add_signpost(
        judgement, by=alice, text="Dredgers arrive", direction="supports", now=at("2026-06-01")
    )
    lapsed = workflows.add_signpost(
        judgement,
        by=alice,
        text="Insurers return",
        direction="supports",
        expected_by=dt.date(2026, 9, 30),
        now=at("2026-06-01"),
    )
    gone = workflows.add_signpost(
        judgement, by=alice, text="Strike called", direction="undermines", now=at("2026-06-01")
    )
    workflows.add_signpost(
        judgement,
        by=alice,
        text="Port authority resigns",
        direction="undermines",
        expected_by=dt.date(2027, 3, 1),
        now=at("2026-06-01"),
    )
    with time_machine.travel(at("2026-07-02"), tick=False):
        workflows.log_indicator(
            judgement,
            by=alice,
            observed_on=dt.date(2026, 7, 1),
            summary="Two dredgers in the channel.",
            direction="supports",
            signpost=seen,
        )
    workflows.record_lapses([lapsed], now=NOW)
    workflows.withdraw_signpost(gone, by=alice, reason="Unions merged.")
    return judgement


def dump() -> list[tuple]:
    return list(
        Signpost.objects.order_by("judgement__reference", "text").values_list(
            "judgement__reference",
            "text",
            "direction",
            "expected_by",
            "created_at",
            "created_by__username",
            "seen_on",
            "seen_indicator__summary",
            "lapsed_on",
            "withdrawn_at",
            "withdrawn_reason",
            "withdrawn_by__username",
        )
    )


def test_signposts_survive_export_and_import_into_an_empty_database(tmp_path, alice, east_asia):
    judgement = signposted(alice, east_asia)
    judgement.refresh_from_db()
    before, due_before = dump(), judgement.look_due_at
    assert due_before == at("2026-07-02")  # the moment the signpost was seen
    assert len(before) == 4
    result = export_judgements(tmp_path)
    assert result.signposts == 4
    indicators = (tmp_path / "indicators.csv").read_text().splitlines()
    assert indicators[0].endswith(",signpost") and indicators[1].endswith(",Dredgers arrive")
    empty_the_database()
    assert not User.objects.exists()
    import_judgements(tmp_path, create_users=True, today=TODAY)
    assert dump() == before
    imported = Judgement.objects.get()
    states = {s.text: s.state() for s in imported.signposts.all()}
    assert states == {
        "Dredgers arrive": SignpostState.SEEN,
        "Insurers return": SignpostState.LAPSED,
        "Strike called": SignpostState.WITHDRAWN,
        "Port authority resigns": SignpostState.NOT_SEEN,
    }
    assert imported.look_due_at == due_before
    # Both events came after the estimate: the next scan tells the owner about them.
    assert not any(s.notified_at for s in imported.signposts.all() if s.withdrawn_at is None)


def files(tmp_path, signposts, indicators=()):
    write(tmp_path, "judgements.csv", FILES["judgements.csv"], [judgement_row()])
    write(tmp_path, "signposts.csv", FILES["signposts.csv"], signposts)
    write(tmp_path, "indicators.csv", FILES["indicators.csv"], list(indicators))
    return tmp_path


def errors_of(directory) -> list[str]:
    with pytest.raises(ImportFailed) as failed:
        import_judgements(directory, today=TODAY)
    assert not Judgement.objects.exists() and not Signpost.objects.exists()
    return [str(e) for e in failed.value.errors]


def test_an_indicator_names_the_signpost_it_showed(tmp_path, alice):
    directory = files(
        tmp_path,
        [signpost_row(expected_by="")],
        [indicator_row(signpost="A second launch site is readied.")],
    )
    import_judgements(directory, today=TODAY)
    signpost = Signpost.objects.get()
    assert signpost.seen_on == dt.date(2025, 2, 1)
    assert signpost.seen_indicator.summary == "Launch preparations seen."


@pytest.mark.parametrize(
    ("signposts", "indicators", "expected"),
    [
        (
            [signpost_row()],
            [indicator_row(signpost="Nothing like it")],
            "indicators.csv:2: signpost: 'Nothing like it' is not a signpost of KJ-2025-0001 "
            "in signposts.csv",
        ),
        (
            [signpost_row(direction="neutral")],
            [],
            "signposts.csv:2: direction: 'neutral' is not one of: supports, undermines",
        ),
        (
            [signpost_row(expected_by="2026-02-01")],
            [],
            "signposts.csv:2: expected_by: '2026-02-01': Give a day inside the judgement's "
            "window (it ends 2025-12-31).",
        ),
        (
            [signpost_row(lapsed_on="2025-07-02")],
            [],
            "signposts.csv:2: lapsed_on: a signpost lapses the day after expected_by (2025-07-01)",
        ),
        (
            [signpost_row(withdrawn_at="2025-07-02T00:00:00+00:00")],
            [],
            "signposts.csv:2: withdrawn_reason: a withdrawal needs both withdrawn_at and a reason",
        ),
        (
            [signpost_row(seen_indicator="Not logged")],
            [indicator_row()],
            "signposts.csv:2: seen_indicator: names no active indicator of KJ-2025-0001 in "
            "indicators.csv; name the signpost in that indicator's signpost column instead",
        ),
        (
            [signpost_row(seen_on="2025-03-01")],
            [indicator_row(signpost="A second launch site is readied.")],
            "signposts.csv:2: seen_on: a signpost is seen on the day of the indicator that "
            "showed it (2025-02-01)",
        ),
        (
            [signpost_row(), signpost_row()],
            [],
            "signposts.csv:3: text: the same signpost of KJ-2025-0001 is already on line 2",
        ),
        (
            [signpost_row(reference="KJ-NOWHERE")],
            [],
            "signposts.csv:2: reference: 'KJ-NOWHERE' is not in judgements.csv nor in the database",
        ),
    ],
)
def test_a_bad_signpost_row_is_named_and_nothing_is_written(
    tmp_path, alice, signposts, indicators, expected
):
    assert expected in errors_of(files(tmp_path, signposts, indicators))

"""How numbers, people and time read: one format each, the same on pages and in emails."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import User
from django.template import Context, Template

from judgements import display, workflows
from judgements.expiry import emails, policy
from judgements.models import Alert, AlertKind, Digest

NOW = dt.datetime(2026, 6, 10, 9, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


def render(source: str, **context) -> str:
    return Template("{% load yardstick %}" + source).render(Context(context))


# --- The formats ------------------------------------------------------------------------------


def test_an_estimate_reads_as_entered_to_two_decimals_at_most():
    assert display.percent(Decimal("0.525")) == "52.5%"
    assert display.percent(Decimal("0.8500")) == "85%"
    assert display.percent(0.55) == "55%"
    assert display.percent(Decimal("0.123456")) == "12.35%"
    assert display.percent(None) == display.percent("") == "—"


def test_a_share_over_many_judgements_is_rounded():
    assert display.rounded_percent(0.4567) == "46%"
    assert display.rounded_percent(0.4567, 1) == "45.7%"
    assert display.rounded_percent(None) == "—"


def test_scores_have_fixed_decimals():
    assert display.score(0.12345) == "0.123"
    assert display.score(0.12345, 4) == "0.1235"
    assert display.score(None) == "—"
    assert display.good_judgment_brier(0.1) == 0.2
    assert display.good_judgment_brier(None) is None


def test_a_person_reads_as_full_name_else_username():
    assert display.person(User(username="alice", first_name="Alice", last_name="Ames")) == (
        "Alice Ames"
    )
    assert display.person(User(username="bob")) == "bob"
    assert display.person(None) == "—"


@pytest.mark.parametrize(
    ("status", "days", "badge"),
    [
        ("open", 40, display.Badge("40 days left", "open")),
        ("expiring", 1, display.Badge("1 day left", "expiring")),
        ("expiring", 0, display.Badge("Ends today", "expiring")),
        ("awaiting", -3, display.Badge("Awaiting resolution", "awaiting")),
        ("resolved", -3, display.Badge("Resolved", "resolved")),
        ("annulled", 12, display.Badge("Annulled", "annulled")),
    ],
)
def test_a_status_reads_as_one_badge(status, days, badge):
    assert display.status_badge(status, days) == badge


def test_time_left_reads_in_days():
    assert [display.days_left(d) for d in (2, 1, 0, -1, -3)] == [
        "2 days left",
        "1 day left",
        "0 days left",
        "ended 1 day ago",
        "ended 3 days ago",
    ]
    assert [display.time_left(d) for d in (7, 1, 0, -1, -14)] == [
        "window ends in 7 days",
        "window ends tomorrow",
        "window ends today",
        "window ended yesterday",
        "window ended 14 days ago",
    ]


def test_a_probability_change_reads_as_an_estimate():
    changes = {
        "probability": {"before": "0.8500", "after": "0.5250"},
        "window_end": {"before": "2026-01-01", "after": "2026-06-30"},
        "note": "not a change",
    }
    assert display.change_rows(changes) == [
        ("probability", "85%", "52.5%"),
        ("window end", "1 Jan 2026", "30 Jun 2026"),
    ]


def test_each_filter_prints_what_display_prints():
    html = render(
        "{{ p|percent }} {{ s|rounded_percent }} {{ b|score }} {{ b|good_judgment_brier|score }}"
        " {{ d|days_left }} {% status_badge 'expiring' 0 %}",
        p=Decimal("0.525"),
        s=0.4567,
        b=0.125,
        d=-1,
    )
    assert html == (
        '52.5% 46% 0.125 0.250 ended 1 day ago <span class="badge expiring">Ends today</span>'
    )


# --- Pages and emails -------------------------------------------------------------------------


@pytest.fixture
def half_point(alice, east_asia):
    """Alice's judgement at 52.5%, its window ending in 7 days."""
    with time_machine.travel(NOW, tick=False):
        window_end = TODAY + dt.timedelta(days=7)
        yield workflows.create_judgement(
            by=alice,
            statement="North Korea will probably test a missile over Japan.",
            team=east_asia,
            owner=alice,
            probability=Decimal("0.525"),
            window_start=window_end - dt.timedelta(days=365),
            window_end=window_end,
            now=NOW - dt.timedelta(days=300),
        )


def test_a_page_and_an_alert_email_print_an_estimate_the_same_way(client, alice, half_point):
    alert = Alert.objects.create(
        judgement=half_point,
        kind=AlertKind.WARNING,
        offset_days=-7,
        window_end=half_point.window_end,
        due_at=NOW,
    )
    client.force_login(alice)
    with time_machine.travel(NOW, tick=False):
        detail = client.get(half_point.get_absolute_url()).content.decode()
        listed = client.get("/judgements/").content.decode()
        message = emails.alert_email(
            alert,
            to=[alice.email],
            cc=[],
            news=half_point.indicators_since_estimate(),
            today=TODAY,
        )
    text, html = message.body, message.alternatives[0].content
    shown = display.percent(Decimal("0.525"))
    assert shown == "52.5%"
    for printed in (detail, listed, message.subject, text, html):
        assert shown in printed
    for printed in (message.subject, text, html):
        assert "52%" not in printed and "53%" not in printed
    assert "Alice" in text and "Alice" in html  # the owner, as pages name people


def test_the_weekly_digest_prints_the_estimate_as_the_page_does(half_point, maya):
    digest = Digest.objects.create(week_start=TODAY - dt.timedelta(days=TODAY.weekday()))
    with time_machine.travel(NOW, tick=False):
        contents = policy.digest_contents(today=TODAY)
        message = emails.digest_email(digest, to=[maya.email], contents=contents)
    for printed in (message.body, message.alternatives[0].content):
        assert "52.5%" in printed and "52%" not in printed


def test_a_calibration_read_out_claims_no_more_than_the_judgements_show():
    from judgements.core import scales, scoring

    phia = scales.get_scale("phia")

    def card(pairs):
        records = [
            scoring.Record("occurred" if o else "did_not_occur", p, (p - o) ** 2, None, None, TODAY)
            for p, o in pairs
        ]
        return scoring.Scorecard.build(records, phia)

    assert display.calibration_sentence(card([]), "we") == "Nothing resolved yet."
    assert display.calibration_sentence(card([(0.85, False)]), "Alice") == (
        "Too few to tell: 1 resolved judgement so far."
    )
    missed = [(0.85, True)] * 3 + [(0.85, False)] * 9
    assert display.calibration_sentence(card(missed), "the team") == (
        "Overconfident: when the team says highly likely, it happened 25% of the time "
        "(band 80–90%)."
    )
    within = [(0.15, True)] * 3 + [(0.15, False)] * 17
    assert display.calibration_sentence(card(within), "we").startswith("Well calibrated: when we")
    unsure = [*within, (0.65, True)]
    assert display.calibration_sentence(card(unsure), "we").startswith("Within band so far:")

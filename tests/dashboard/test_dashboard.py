"""The leadership dashboard: figures, permissions, filters, query counts, CSV."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from judgements import workflows
from judgements.dashboard import queries as dashboard
from judgements.dashboard.views import spreadsheet_safe
from judgements.demo.dataset import generate
from judgements.models import Direction, Judgement, Resolution
from tests.factories import make_judgement

pytestmark = pytest.mark.django_db
# Noon of the day the run starts, for the whole module: the figures are derived from this
# "now", so no test sees the date change under it.
NOW = dt.datetime.combine(timezone.localdate(), dt.time(12), tzinfo=dt.UTC)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _noon():
    with time_machine.travel(NOW, tick=True):
        yield


def make(owner, team, *, start_days_ago: int, length: int = 365, p="0.7"):
    return make_judgement(
        owner,
        team,
        f"Statement starting {start_days_ago} days ago",
        p,
        days_ago=start_days_ago,
        length=length,
    )


def indicator(judgement, by, direction):
    return workflows.log_indicator(
        judgement, by=by, observed_on=TODAY, summary=f"{direction} evidence", direction=direction
    )


@pytest.fixture
def known(alice, bob, east_asia, cyber):
    """One of each status: open, expiring (10 days left), overdue (5 days), resolved, annulled."""
    rows = {
        "open": make(alice, east_asia, start_days_ago=10),
        "expiring": make(alice, east_asia, start_days_ago=355),
        "overdue": make(bob, cyber, start_days_ago=370),
        "resolved": make(alice, east_asia, start_days_ago=200),
        "annulled": make(bob, cyber, start_days_ago=100),
    }
    workflows.resolve(
        rows["resolved"], by=alice, outcome="occurred", occurred_on=TODAY - dt.timedelta(days=3)
    )
    workflows.resolve(rows["annulled"], by=bob, outcome="annulled", note="Question broke")
    for _ in range(3):
        indicator(rows["open"], alice, Direction.UNDERMINES)
    indicator(rows["open"], alice, Direction.SUPPORTS)
    return rows


def test_counts_give_one_judgement_per_status(known):
    span = dashboard.period("all", today=TODAY)
    figures = dashboard.counts(
        Judgement.objects.all(), Resolution.objects.all(), today=TODAY, span=span
    )
    # Live counts the open and the expiring one: expiring is a part of live.
    assert figures == {"live": 2, "expiring": 1, "awaiting": 1, "resolved": 1, "annulled": 1}


def test_expiring_and_overdue_lists_hold_the_right_judgements(known):
    everything = Judgement.objects.all()
    assert dashboard.expiring(everything, today=TODAY) == [known["expiring"]]
    assert dashboard.overdue(everything, today=TODAY) == [known["overdue"]]
    assert known["overdue"].days_overdue(TODAY) == 5


def test_a_judgement_whose_new_indicators_run_against_it_is_contested(known):
    contested = dashboard.contested(Judgement.objects.all())
    assert contested == [known["open"]]
    assert (contested[0].indicators_for, contested[0].indicators_against) == (1, 3)


def test_retracted_indicators_do_not_contest(known, alice):
    for row in known["open"].indicators.filter(direction=Direction.UNDERMINES)[:2]:
        workflows.retract_indicator(row, by=alice, reason="Duplicate report")
    assert dashboard.contested(Judgement.objects.all()) == []


def test_period_bounds():
    assert dashboard.period("last-year", today=dt.date(2026, 11, 26)).start == dt.date(2025, 1, 1)
    assert dashboard.period("nonsense", today=TODAY).key == dashboard.DEFAULT_PERIOD


def test_analysts_get_403(client, alice):
    client.force_login(alice)
    assert client.get("/dashboard/").status_code == 403
    assert client.get("/dashboard/export.csv").status_code == 403


def test_dashboard_refuses_post(client, maya):
    client.force_login(maya)
    assert client.post("/dashboard/").status_code == 405


def test_leadership_sees_every_team_and_filters_by_one(client, maya, known):
    client.force_login(maya)
    page = client.get("/dashboard/").content.decode()
    assert known["expiring"].reference in page and known["overdue"].reference in page
    filtered = client.get("/dashboard/?team=east-asia").content.decode()
    assert known["expiring"].reference in filtered
    assert known["overdue"].reference not in filtered


def test_a_lead_sees_only_the_teams_they_belong_to(client, lena, known):
    client.force_login(lena)
    page = client.get("/dashboard/").content.decode()
    assert known["expiring"].reference in page
    assert known["overdue"].reference not in page
    assert client.get("/dashboard/?team=cyber").content.decode().count("Cyber") == 0


def test_htmx_filter_returns_only_the_dashboard_body(client, maya, known):
    client.force_login(maya)
    response = client.get("/dashboard/?team=cyber", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body
    assert 'id="dashboard-body"' in body
    assert known["overdue"].reference in body


def test_every_count_links_to_the_judgements_behind_it(client, maya, known):
    client.force_login(maya)
    page = client.get("/dashboard/?team=east-asia").content.decode()
    assert "/judgements/?status=expiring&amp;team=east-asia" in page
    assert "/judgements/?status=awaiting&amp;team=east-asia" in page


def test_csv_export_lists_expiring_overdue_contested_and_resolved(client, maya, known):
    client.force_login(maya)
    response = client.get("/dashboard/export.csv?period=all")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    sections = {(r["section"], r["reference"]) for r in rows}
    assert sections == {
        ("expiring", known["expiring"].reference),
        ("overdue", known["overdue"].reference),
        ("contested", known["open"].reference),
        ("resolved", known["resolved"].reference),
        ("resolved", known["annulled"].reference),
    }
    contested = next(r for r in rows if r["section"] == "contested")
    assert (contested["indicators_for"], contested["indicators_against"]) == ("1", "3")


def _dashboard_queries(client, django_assert_max_num_queries, n):
    generate(judgements=n, indicators_per_judgement=2, seed=n)
    # 14, the due-for-a-look panel's count and list (freshness), then issue 15: the topic
    # filter's choices, two grouped queries by topic (own and inherited) and one by horizon.
    with django_assert_max_num_queries(20) as captured:
        response = client.get("/dashboard/")
    assert response.status_code == 200
    return len(captured)


def test_query_count_is_the_same_for_100_and_5000_judgements(
    client, maya, django_assert_max_num_queries
):
    client.force_login(maya)
    small = _dashboard_queries(client, django_assert_max_num_queries, 100)
    large = _dashboard_queries(client, django_assert_max_num_queries, 4900)
    assert small == large


def test_accuracy_figures_match_the_scoring_module(client, maya, alice, east_asia, known):
    from judgements.track_records import scorecards

    extra = make(alice, east_asia, start_days_ago=300, p="0.3")
    workflows.resolve(extra, by=alice, outcome="occurred", occurred_on=TODAY)
    client.force_login(maya)
    response = client.get("/dashboard/?period=all")
    expected = scorecards.scorecard(Judgement.objects.all(), "phia")
    card = response.context["card"]
    assert card.resolved == expected.resolved == 2
    assert card.annulled == expected.annulled == 1
    assert card.brier == pytest.approx(expected.brier)
    assert card.brier == pytest.approx(((0.7 - 1) ** 2 + (0.3 - 1) ** 2) / 2)
    assert f"{expected.brier:.3f}" in response.content.decode()


def test_accuracy_counts_only_judgements_that_closed_in_the_period(client, maya, alice, east_asia):
    old = make(alice, east_asia, start_days_ago=800)
    workflows.resolve(old, by=alice, outcome="did_not_occur")
    client.force_login(maya)
    assert client.get("/dashboard/?period=all").context["card"].resolved == 1
    assert client.get("/dashboard/?period=this-year").context["card"].resolved == 0


def test_each_accuracy_figure_links_to_exactly_the_judgements_behind_it(
    client, maya, alice, east_asia, known
):
    import re

    client.force_login(maya)
    # The last 12 months hold the resolution of three days ago on any day (this year would
    # not on 1 to 3 January).
    page = client.get("/dashboard/?period=last-12-months").content.decode()
    links = dict(re.findall(r'<a href="(/judgements/\?status=resolved[^"]*)">(\d+)</a>', page))
    assert links, "the resolved figures link to the judgement list"
    for url, shown in links.items():
        listed = client.get(url.replace("&amp;", "&")).context["page"].paginator.count
        assert listed == int(shown), url
    assert any("final_bin=7" in url for url in links)  # the 0.7 judgement's calibration bin
    assert any("final_term=likely" in url for url in links)


@pytest.mark.parametrize(
    "start_char",
    ["=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠", "﹦", "﹢", "﹣", "﹫", "⁼", "₊"],
)
def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_quoted(
    client, maya, alice, east_asia, start_char
):
    """ASCII formula starts, and the full-width and small forms spreadsheets fold to them."""
    start = TODAY - dt.timedelta(days=355)
    statement = f'{start_char}HYPERLINK("http://evil.example","click")'
    workflows.create_judgement(
        by=alice,
        statement=statement,
        team=east_asia,
        owner=alice,
        probability=Decimal("0.5"),
        window_start=start,
        window_end=start + dt.timedelta(days=365),
    )
    client.force_login(maya)
    body = b"".join(client.get("/dashboard/export.csv").streaming_content).decode()
    row = next(csv.DictReader(io.StringIO(body, newline="")))
    assert row["statement"] == "'" + statement


def test_csv_text_that_merely_contains_a_formula_sign_is_left_alone():
    assert spreadsheet_safe("North Korea = risk") == "North Korea = risk"
    assert spreadsheet_safe("") == ""
    assert spreadsheet_safe(-3) == -3


# --- Issue 12: the words a reader expects, a period with data, calibration in sentences ------


def test_live_counts_open_and_expiring_and_links_to_the_same_judgements(client, maya, known):
    client.force_login(maya)
    response = client.get("/dashboard/?period=all")
    assert response.context["counts"]["live"] == 2 and response.context["counts"]["expiring"] == 1
    page = response.content.decode()
    assert '<span class="stat-value">2</span><span class="stat-label">Live</span>' in page
    listed = client.get("/judgements/?status=live").context["page"].paginator.count
    assert listed == 2
    assert "Open</span>" not in page


def test_the_dashboard_opens_on_the_last_12_months_when_something_closed_in_them(
    client, maya, known
):
    client.force_login(maya)
    response = client.get("/dashboard/")
    assert response.context["span"].key == "last-12-months"
    assert response.context["card"].resolved == 1
    assert "Last 12 months" in response.content.decode()
    assert "(" + response.context["span"].start.strftime("%-d %b %Y") in response.content.decode()
    assert "— the default" in response.content.decode()


def test_with_nothing_resolved_lately_the_dashboard_falls_back_to_all_time_and_says_so(
    client, maya, alice, east_asia
):
    old = make(alice, east_asia, start_days_ago=900)
    workflows.resolve(old, by=alice, outcome="did_not_occur")
    client.force_login(maya)
    response = client.get("/dashboard/")
    assert response.context["span"].key == "all"
    assert response.context["card"].resolved == 1
    page = response.content.decode()
    assert "nothing was resolved in the last 12 months, so all time" in page
    assert client.get("/dashboard/?period=this-year").context["card"].resolved == 0


def test_the_dashboard_reads_calibration_out_in_sentences(client, maya, alice, bob, east_asia):
    # Alice says highly likely (85%) eight times and it happens twice: overconfident.
    for n in range(8):
        j = make(alice, east_asia, start_days_ago=370 + n, p="0.85")
        occurred = n < 2
        workflows.resolve(
            j,
            by=alice,
            outcome="occurred" if occurred else "did_not_occur",
            occurred_on=TODAY - dt.timedelta(days=30) if occurred else None,
        )
    client.force_login(maya)
    page = client.get("/dashboard/?period=all").content.decode()
    assert "Where are we over- or under-confident?" in page
    assert (
        "When we say highly likely, it happened 25% of the time (2 of 8); the band is 80–90%: "
        "overconfident." in page
    )
    assert "How calibrated is each analyst?" in page
    assert "Overconfident: when Alice says highly likely, it happened 25% of the time" in page
    assert 'href="/track-record/alice/">Alice</a>' in page


def test_one_or_two_judgements_are_too_few_to_tell_not_a_verdict(client, maya, alice, east_asia):
    j = make(alice, east_asia, start_days_ago=370, p="0.85")
    workflows.resolve(j, by=alice, outcome="did_not_occur")
    client.force_login(maya)
    page = client.get("/dashboard/?period=all").content.decode()
    assert "overconfident" not in page.lower().replace("over- or under-confident", "")
    assert "too few to tell" in page.lower()


def test_the_csv_reads_names_days_and_percentages_like_the_page(client, maya, known):
    client.force_login(maya)
    rows = list(
        csv.DictReader(
            io.StringIO(b"".join(client.get("/dashboard/export.csv").streaming_content).decode())
        )
    )
    row = next(r for r in rows if r["section"] == "expiring")
    judgement = known["expiring"]
    assert row["owner"] == "Alice"
    assert row["probability"] == "70%"
    end = judgement.window_end
    assert row["window_end"] == f"{end.day} {end:%b %Y}"

"""Track record pages: who may see them, what they show, and how many queries they take."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from judgements import workflows
from judgements.access import Role
from judgements.core import scoring
from judgements.models import Judgement
from judgements.track_records.charts import calibration_chart, trend_chart
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def resolved(owner, team, probability, outcome, n):
    judgement = workflows.create_judgement(
        by=owner,
        statement=f"Statement {n}",
        team=team,
        owner=owner,
        probability=Decimal(probability),
        window_start=dt.date(2025, 1, 1),
        window_end=dt.date(2025, 6, 30),
        reference=f"KJ-2025-{n:04d}",
    )
    workflows.resolve(
        judgement,
        by=owner,
        outcome=outcome,
        occurred_on=dt.date(2025, 3, 1) if outcome == "occurred" else None,
    )
    return judgement


@pytest.fixture
def history(alice, bob, east_asia, cyber):
    for n, (p, outcome) in enumerate(
        [("0.7", "occurred"), ("0.7", "occurred"), ("0.7", "did_not_occur"), ("0.1", "annulled")]
    ):
        resolved(alice, east_asia, p, outcome, n)
    resolved(bob, cyber, "0.9", "did_not_occur", 10)


def url(username):
    return reverse("track-record-user", args=[username])


def team_url(slug):
    return reverse("track-record-team", args=[slug])


def test_alice_sees_her_own_track_record_with_scores_and_the_by_term_sentence(
    client, alice, history
):
    client.force_login(alice)
    response = client.get(url("alice"))
    assert response.status_code == 200
    card = response.context["card"]
    assert (card.resolved, card.occurred, card.annulled) == (3, 2, 1)
    assert card.brier == pytest.approx((0.09 + 0.09 + 0.49) / 3)
    html = response.content.decode()
    assert (
        "When you say likely, it happened 67% of the time (2 of 3); the band is 55–75%: "
        "too few to tell." in html
    )
    assert "<svg" in html and 'class="diagonal"' in html
    assert "style=" not in html


def test_alice_cannot_see_bobs_track_record_nor_his_team(client, alice, bob, history):
    client.force_login(alice)
    assert client.get(url("bob")).status_code == 403
    assert client.get(team_url("cyber")).status_code == 403


def test_alice_sees_her_teams_track_record_but_not_her_teammates_rows(client, alice, lena, history):
    client.force_login(alice)
    response = client.get(team_url("east-asia"))
    assert response.status_code == 200
    assert [row[0] for row in response.context["owners"]] == ["alice"]
    assert client.get(url("lena")).status_code == 403


def test_lena_sees_the_records_of_members_of_the_team_she_leads(client, lena, alice, bob, history):
    client.force_login(lena)
    assert client.get(url("alice")).status_code == 200
    assert client.get(url("bob")).status_code == 403
    response = client.get(team_url("east-asia"))
    assert [row[0] for row in response.context["owners"]] == ["alice"]


def test_maya_sees_every_track_record(client, maya, alice, bob, history):
    client.force_login(maya)
    assert client.get(url("alice")).status_code == 200
    assert client.get(url("bob")).status_code == 200
    assert client.get(team_url("cyber")).status_code == 200


def test_a_user_without_a_role_gets_403_even_for_their_own_record(client, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", password="x")
    client.force_login(nobody)
    assert client.get(url("nobody")).status_code == 403


def test_unknown_people_and_teams_are_404_and_post_is_405(client, maya):
    client.force_login(maya)
    assert client.get(url("ghost")).status_code == 404
    assert client.get(team_url("nowhere")).status_code == 404
    assert client.post(url("maya")).status_code == 405


def test_the_track_record_needs_login(client, alice):
    response = client.get(url("alice"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_scale_can_be_chosen_and_a_bad_one_falls_back_to_the_default(client, alice, history):
    client.force_login(alice)
    nato = client.get(url("alice"), {"scale": "nato"}).context
    assert nato["scale"].key == "nato"
    assert [g.term for g in nato["card"].by_term] == ["likely"]
    assert client.get(url("alice"), {"scale": "nonsense"}).context["scale"].key == "phia"


@pytest.mark.parametrize("page", ["person", "team"])
def test_the_page_takes_the_same_number_of_queries_however_many_judgements(
    client, alice, lena, east_asia, django_assert_max_num_queries, page
):
    client.force_login(lena)
    address = url("alice") if page == "person" else team_url("east-asia")
    resolved(alice, east_asia, "0.6", "occurred", 900)
    with django_assert_max_num_queries(12) as few:
        client.get(address)
    for n in range(20):
        resolved(alice if n % 2 else lena, east_asia, "0.3", "did_not_occur", 1000 + n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(address)
    assert response.context["card"].resolved == (11 if page == "person" else 21)


def test_the_nav_links_to_your_own_track_record(client, alice):
    client.force_login(alice)
    html = client.get(reverse("judgement-list")).content.decode()
    assert f'href="{url("alice")}"' in html


def test_the_chart_puts_each_bin_at_its_forecast_and_frequency_with_size_by_count():
    pairs = [(0.05, False)] * 9 + [(0.05, True)] + [(0.75, True)] * 3 + [(0.75, False)]
    chart = calibration_chart(scoring.calibration(pairs), width=300, height=300)
    low, high = chart.points
    span_x, span_y = chart.right - chart.left, chart.bottom - chart.top
    assert low.cx == pytest.approx(chart.left + 0.05 * span_x, abs=0.01)
    assert low.cy == pytest.approx(chart.bottom - 0.1 * span_y, abs=0.01)
    assert high.cy == pytest.approx(chart.bottom - 0.75 * span_y, abs=0.01)
    assert low.r > high.r  # ten judgements against four
    assert low.ci_top < low.cy < low.ci_bottom  # higher frequency is higher up the page
    assert [t.label for t in chart.x_ticks] == ["0%", "20%", "40%", "60%", "80%", "100%"]


def test_an_empty_chart_has_axes_and_no_points():
    chart = calibration_chart(scoring.calibration([]))
    assert chart.points == [] and len(chart.y_ticks) == 6


def test_a_lead_of_no_team_sees_only_their_own(client, alice, history):
    loner = make_user("loner", Role.LEAD)
    client.force_login(loner)
    assert client.get(url("loner")).status_code == 200
    assert client.get(url("alice")).status_code == 403
    assert not Judgement.objects.filter(owner=loner).exists()


def test_the_trend_chart_draws_brier_by_quarter_against_the_50_percent_line():
    trend = trend_chart([("2025-Q1", 0.1, 0.2), ("2025-Q2", None, None), ("2025-Q3", 0.3, 0.25)])
    assert [p.label for p in trend.brier] == ["2025-Q1", "2025-Q3"]
    height = trend.bottom - trend.top
    assert trend.reference_y == pytest.approx(trend.bottom - 0.25 / 0.5 * height, abs=0.01)
    assert trend.brier[0].y > trend.brier[1].y  # a lower Brier sits lower on the chart
    assert (
        trend.brier_path
        == f"{trend.brier[0].x},{trend.brier[0].y} {trend.brier[1].x},{trend.brier[1].y}"
    )


def test_the_trend_chart_labels_at_most_about_eight_quarters():
    quarters = [(f"20{20 + n // 4}-Q{n % 4 + 1}", 0.2, 0.2) for n in range(24)]
    assert len(trend_chart(quarters).x_ticks) <= 8


def test_the_page_draws_the_trend_chart_with_its_reference_line(client, alice, history):
    client.force_login(alice)
    html = client.get(url("alice")).content.decode()
    assert 'class="trend-chart"' in html and 'class="baseline"' in html


def test_the_resolved_count_links_to_exactly_those_judgements(client, alice, history):
    import re

    client.force_login(alice)
    page = client.get(url("alice")).content.decode()
    shown = re.search(r'<a href="(/judgements/\?status=resolved&amp;owner=alice)">(\d+)</a>', page)
    assert shown is not None
    listed = client.get(shown.group(1).replace("&amp;", "&")).context["page"].paginator.count
    assert listed == int(shown.group(2)) > 0

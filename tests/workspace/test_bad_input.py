"""Bad input gets a clear error and loses nothing; no input yields a 500."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from judgements.models import Judgement
from tests.workspace.test_views import HTMX, edit_post, indicator_post, new_post, url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("percent", ["NaN", "sNaN", "Infinity", "-inf", "1e999", "abc", "-5"])
def test_the_live_placement_refuses_numbers_that_are_not_percentages(client, alice, percent):
    client.force_login(alice)
    response = client.get("/judgements/placement/", {"percent": percent, "changed": "percent"})
    assert response.status_code == 200


def test_a_window_end_in_the_year_9999_is_refused_and_the_page_still_works(
    client, alice, judgement
):
    client.force_login(alice)
    before = judgement.window_end
    response = client.post(url(judgement, "edit/"), edit_post(judgement, window_end="9999-12-31"))
    assert response.status_code == 200
    assert "Give a date between 1900 and 2200." in response.content.decode()
    judgement.refresh_from_db()
    assert judgement.window_end == before
    assert client.get(url(judgement)).status_code == 200


def test_creating_with_a_start_in_the_year_9999_says_what_to_fix(client, alice, east_asia):
    client.force_login(alice)
    response = client.post("/judgements/new/", new_post(east_asia, window_start="9999-06-01"))
    assert response.status_code == 200
    assert "Give a date between 1900 and 2200." in response.content.decode()
    assert not Judgement.objects.exists()


def test_an_indicator_from_the_year_1_is_refused(client, alice, judgement):
    client.force_login(alice)
    data = indicator_post(observed_on="0001-01-01")
    response = client.post(url(judgement, "indicators/"), data, headers=HTMX)
    assert response.status_code == 200
    assert "Give a date between 1900 and 2200." in response.content.decode()
    assert not judgement.indicators.exists()


def test_resolving_with_a_date_far_in_the_future_is_refused(client, alice, judgement):
    client.force_login(alice)
    data = {"resolve-outcome": "occurred", "resolve-occurred_on": "9999-01-01"}
    response = client.post(url(judgement, "resolve/"), data, headers=HTMX)
    assert response.status_code == 200
    judgement.refresh_from_db()
    assert judgement.resolution is None


@pytest.mark.parametrize("value", ["9999-12-31", "not-a-date", "0000-00-00"])
def test_a_bad_figure_filter_on_the_list_is_dropped_not_a_500(client, alice, judgement, value):
    client.force_login(alice)
    assert client.get("/judgements/", {"closed_from": value, "final_bin": "99"}).status_code == 200


def test_the_database_refuses_a_window_outside_the_supported_years(judgement):
    with pytest.raises(IntegrityError), transaction.atomic():
        Judgement.objects.filter(pk=judgement.pk).update(window_end=dt.date(9999, 12, 31))


@pytest.mark.parametrize(
    "path",
    [
        "/judgements/%00/",
        "/judgements/KJ-2025-0001%00/edit/",
        "/judgements/a%2Fb/",
        "/track-record/%00/",
        "/judgements/%00/indicators/1/retract/",
    ],
)
def test_control_bytes_and_slashes_in_a_path_are_404_not_500(client, alice, judgement, path):
    client.force_login(alice)
    assert client.get(path).status_code == 404
    assert client.post(path).status_code in (403, 404)


def test_a_tiny_number_does_not_print_a_megabyte(client, alice):
    client.force_login(alice)
    response = client.get("/judgements/placement/", {"percent": "1e-999990", "changed": "percent"})
    assert response.status_code == 200
    assert len(response.content) < 5000


def test_the_assessment_page_lists_only_judgements_the_viewer_may_see(
    client, alice, bob, east_asia, cyber, judgement
):
    from decimal import Decimal

    from judgements import workflows
    from judgements.models import Assessment

    shared = Assessment.objects.create(
        title="Mixed", published_on=judgement.window_start, team=east_asia
    )
    Judgement.objects.filter(pk=judgement.pk).update(assessment=shared)
    secret = workflows.create_judgement(
        by=bob, statement="Cyber secret", team=cyber, owner=bob, probability=Decimal("0.5")
    )
    Judgement.objects.filter(pk=secret.pk).update(assessment=shared)
    client.force_login(alice)
    page = client.get(f"/assessments/{shared.pk}/").content.decode()
    assert judgement.reference in page
    assert "Cyber secret" not in page

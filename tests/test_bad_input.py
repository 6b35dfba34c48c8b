"""Bad input gets a clear error and loses nothing; no input yields a 500."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from judgements.models import Judgement
from tests.test_workspace_views import HTMX, edit_post, indicator_post, new_post, url

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

"""Forms of the workspace: term-or-number entry, source URLs, observation dates."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from judgements.workspace.forms import EstimateEntryForm, IndicatorForm, ResolveForm


def entry(**data) -> EstimateEntryForm:
    return EstimateEntryForm({"confidence": "moderate", **data})


def test_picking_a_term_fills_in_the_midpoint_of_its_band():
    form = entry(term="highly likely")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["probability"] == Decimal("0.85")


def test_a_typed_number_is_the_probability():
    form = entry(percent="52.5")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["probability"] == Decimal("0.525")


def test_a_term_and_a_number_that_agree_are_fine_and_the_number_wins():
    form = entry(term="likely", percent="70")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["probability"] == Decimal("0.70")


def test_a_term_and_a_number_that_disagree_say_which_to_fix():
    form = entry(term="likely", percent="90")
    assert not form.is_valid()
    message = form.non_field_errors()[0]
    assert "likely" in message and "90%" in message and "highly likely" in message


def test_neither_term_nor_number_asks_for_one():
    form = entry()
    assert not form.is_valid()
    assert form.non_field_errors() == ["Pick a term or type a number."]


@pytest.mark.parametrize("percent", ["-1", "100.5", "abc"])
def test_numbers_outside_0_to_100_are_refused(percent):
    form = entry(percent=percent)
    assert not form.is_valid()
    assert "percent" in form.errors


def indicator_data(**overrides) -> dict:
    data = {
        "observed_on": timezone.localdate().isoformat(),
        "direction": "supports",
        "strength": "moderate",
        "summary": "Tankers seen at Nampo",
        "source": "Imagery",
        "source_url": "",
        "reliability": "B",
        "credibility": "2",
    }
    return {**data, **overrides}


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://example.org/x", "data:text/html,hi", "example.org"]
)
def test_source_urls_must_be_http_or_https(url):
    form = IndicatorForm(indicator_data(source_url=url))
    assert not form.is_valid()
    assert form.errors["source_url"] == ["Give an http:// or https:// address."]


def test_an_https_source_url_is_accepted():
    form = IndicatorForm(indicator_data(source_url="https://example.org/report"))
    assert form.is_valid(), form.errors


def test_an_indicator_cannot_be_observed_in_the_future():
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    form = IndicatorForm(indicator_data(observed_on=tomorrow.isoformat()))
    assert not form.is_valid()
    assert form.errors["observed_on"] == ["An indicator cannot be observed in the future."]


def test_resolving_as_occurred_needs_the_date(judgement):
    form = ResolveForm({"outcome": "occurred", "note": "It happened."}, judgement=judgement)
    assert not form.is_valid()
    assert form.errors["occurred_on"] == ["Give the date it occurred."]


def test_resolve_form_refuses_a_javascript_source_url(judgement):
    data = {"outcome": "annulled", "note": "Broken.", "source_url": "javascript:x"}
    form = ResolveForm(data, judgement=judgement)
    assert not form.is_valid()
    assert "source_url" in form.errors

"""The list and the judgement page run a constant number of queries as data grows.

The same bound holds for 2 and 500 indicators, and for 10 and 1,000 judgements.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from judgements.models import Assessment, ChangeRecord, Estimate, Indicator, Judgement

# One fewer than before issue 12 (the owner and assessment filters list no options, the topic
# filter lists its choices), and the reasons a judgement is due for a look (freshness).
LIST_QUERIES = 10
# 14, the signposts section (judgements/freshness), the judgement's own topics and its
# assessment's (issue 15)
DETAIL_QUERIES = 17
HTMX = {"HX-Request": "true"}


def bulk_judgements(owner, team, count: int) -> list[Judgement]:
    """``count`` judgements with two estimates each, made in bulk to keep the test fast."""
    today = timezone.localdate()
    judgements = Judgement.objects.bulk_create(
        Judgement(
            reference=f"KJ-2099-{n:05d}",
            statement=f"Bulk judgement {n}",
            owner=owner,
            team=team,
            window_start=today - dt.timedelta(days=n % 300),
            window_end=today + dt.timedelta(days=400 - n % 300),
        )
        for n in range(count)
    )
    now = timezone.now()
    first = Estimate.objects.bulk_create(
        Estimate(judgement=j, probability=Decimal("0.3"), author=owner, made_at=now)
        for j in judgements
    )
    for judgement, estimate in zip(judgements, first, strict=True):
        judgement.current_estimate = estimate
    Judgement.objects.bulk_update(judgements, ["current_estimate"])
    return judgements


def bulk_indicators(judgement, by, count: int) -> None:
    today = timezone.localdate()
    Indicator.objects.bulk_create(
        Indicator(
            judgement=judgement,
            observed_on=today - dt.timedelta(days=n % 90),
            summary=f"Observation {n}",
            direction=("supports", "undermines", "neutral")[n % 3],
            logged_by=by,
        )
        for n in range(count)
    )
    ChangeRecord.objects.bulk_create(
        ChangeRecord(judgement=judgement, action="indicator_logged", actor=by) for _ in range(count)
    )


@pytest.mark.parametrize("count", [10, 1000])
def test_the_list_runs_a_constant_number_of_queries(
    client, alice, east_asia, count, django_assert_max_num_queries
):
    judgements = bulk_judgements(alice, east_asia, count)
    bulk_indicators(judgements[0], alice, 20)
    client.force_login(alice)
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get("/judgements/", {"status": "open", "term": "unlikely"})
    assert response.status_code == 200
    assert f"of {count} judgements" in response.content.decode()


@pytest.mark.parametrize("count", [2, 500])
@pytest.mark.parametrize("reader", ["alice", "lena", "maya"])
def test_the_judgement_page_runs_a_constant_number_of_queries(
    client, request, reader, alice, judgement, count, django_assert_max_num_queries
):
    bulk_indicators(judgement, alice, count)
    # A lead's names link to her members' records: the members come with her teams.
    client.force_login(request.getfixturevalue(reader))
    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get(f"/judgements/{judgement.reference}/")
    assert response.status_code == 200
    assert f'Indicators <span class="muted count">({count})' in response.content.decode()


@pytest.mark.parametrize("count", [2, 500])
def test_adding_an_indicator_runs_a_constant_number_of_queries(
    client, alice, judgement, count, django_assert_max_num_queries
):
    bulk_indicators(judgement, alice, count)
    client.force_login(alice)
    data = {
        "indicator-observed_on": timezone.localdate().isoformat(),
        "indicator-direction": "supports",
        "indicator-strength": "weak",
        "indicator-summary": "One more",
        "indicator-reliability": "C",
        "indicator-credibility": "3",
    }
    # The judgement's row lock, the row, the recounted balance, its history record, the
    # transaction and a fresh judgement, then the same page; and the freshness watch: the
    # signposts the form offers, and refresh_look's signposts, Nth indicator and update.
    with django_assert_max_num_queries(DETAIL_QUERIES + 11):
        response = client.post(f"/judgements/{judgement.reference}/indicators/", data, headers=HTMX)
    assert "One more" in response.content.decode()


@pytest.mark.parametrize("count", [10, 1000])
def test_leadership_list_is_constant_too(
    client, maya, alice, east_asia, count, django_assert_max_num_queries
):
    bulk_judgements(alice, east_asia, count)
    client.force_login(maya)
    with django_assert_max_num_queries(LIST_QUERIES):
        assert client.get("/judgements/", headers=HTMX).status_code == 200


def test_choosing_an_owner_and_an_assessment_costs_one_query_each(
    client, maya, alice, east_asia, django_assert_max_num_queries
):
    judgements = bulk_judgements(alice, east_asia, 30)
    assessment = Assessment.objects.create(
        title="Outlook", published_on=timezone.localdate(), team=east_asia
    )
    Judgement.objects.filter(pk=judgements[0].pk).update(assessment=assessment)
    client.force_login(maya)
    with django_assert_max_num_queries(LIST_QUERIES + 2):
        response = client.get("/judgements/", {"owner": "alice", "assessment": assessment.pk})
    assert response.context["page"].paginator.count == 1
    with django_assert_max_num_queries(4):  # session, user, groups, the matches
        assert client.get("/judgements/choices/owner/", {"owner_search": "ali"}).status_code == 200

"""People and teams: every record the viewer may read, one sentence each (issue 12)."""

import datetime as dt
from decimal import Decimal

import pytest

from judgements import workflows
from judgements.access import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(alice, bob, east_asia, cyber):
    for n, (owner, team) in enumerate([(alice, east_asia)] * 3 + [(bob, cyber)] * 2):
        judgement = workflows.create_judgement(
            by=owner,
            statement=f"Statement {n}",
            team=team,
            owner=owner,
            probability=Decimal("0.7"),
            window_start=dt.date(2025, 1, 1),
            window_end=dt.date(2025, 6, 30),
        )
        workflows.resolve(judgement, by=owner, outcome="did_not_occur")


def rows(response, name):
    return [row.name for row in response.context[name]]


def test_leadership_sees_every_team_and_analyst_with_a_read_out(client, maya, lena, history):
    client.force_login(maya)
    response = client.get("/people/")
    assert response.status_code == 200
    assert rows(response, "team_rows") == ["Cyber", "East Asia"]
    assert rows(response, "people_rows")[:2] == ["Alice", "Bob"]
    page = response.content.decode()
    assert 'href="/track-record/alice/"' in page and 'href="/track-record/team/cyber/"' in page
    assert "Too few to tell: 3 resolved judgements so far." in page
    assert "Nothing resolved yet." in page  # Lena owns nothing resolved


def test_an_analyst_sees_her_teams_and_herself_only(client, alice, lena, history):
    client.force_login(alice)
    response = client.get("/people/")
    assert rows(response, "team_rows") == ["East Asia"]
    assert rows(response, "people_rows") == ["Alice"]
    assert "/track-record/lena/" not in response.content.decode()


def test_a_lead_sees_the_members_of_the_team_she_leads(client, lena, alice, bob, history):
    client.force_login(lena)
    response = client.get("/people/")
    assert sorted(rows(response, "people_rows")) == ["Alice", "Lena"]


def test_a_user_without_a_role_gets_403(client, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", password="pw")
    client.force_login(nobody)
    assert client.get("/people/").status_code == 403


def test_the_people_page_runs_a_fixed_number_of_queries(
    client, maya, east_asia, django_assert_max_num_queries
):
    for n in range(30):
        make_user(f"analyst{n}", Role.ANALYST, teams=[east_asia])
    client.force_login(maya)
    # records() reads each judgement's topics too (issue 15): one more query, still constant.
    with django_assert_max_num_queries(11):
        assert client.get("/people/").status_code == 200


def test_an_empty_record_is_one_short_message_not_empty_charts(client, alice):
    client.force_login(alice)
    page = client.get("/track-record/alice/").content.decode()
    assert "Nothing resolved yet: the record fills in as your judgements are resolved." in page
    assert "<svg" not in page and "Calibration" not in page

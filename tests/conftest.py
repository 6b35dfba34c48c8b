"""Named people and one open judgement; everything else is built in the test."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from judgements import workflows
from judgements.access import Role, group_for
from judgements.models import Judgement, Team


@pytest.fixture(autouse=True)
def _fast_hasher_and_mail(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SITE_URL = "http://testserver"


def make_user(username: str, role: Role, *, teams=(), leads=()) -> User:
    user = User.objects.create_user(
        username=username,
        password=f"pw-{username}",
        email=f"{username}@example.org",
        first_name=username.title(),
    )
    user.groups.add(group_for(role))
    for team in teams:
        team.members.add(user)
    for team in leads:
        team.leads.add(user)
    return user


@pytest.fixture
def east_asia(db) -> Team:
    return Team.objects.create(name="East Asia", slug="east-asia")


@pytest.fixture
def cyber(db) -> Team:
    return Team.objects.create(name="Cyber", slug="cyber")


@pytest.fixture
def alice(east_asia) -> User:
    """Analyst in East Asia."""
    return make_user("alice", Role.ANALYST, teams=[east_asia])


@pytest.fixture
def bob(cyber) -> User:
    """Analyst in Cyber, the other team."""
    return make_user("bob", Role.ANALYST, teams=[cyber])


@pytest.fixture
def lena(east_asia) -> User:
    """Team lead of East Asia."""
    return make_user("lena", Role.LEAD, teams=[east_asia], leads=[east_asia])


@pytest.fixture
def maya(db) -> User:
    """Leadership: reads everything, changes nothing."""
    return make_user("maya", Role.LEADERSHIP)


@pytest.fixture
def judgement(alice, east_asia) -> Judgement:
    """Alice's open judgement: 85% (highly likely), window of 12 months from 100 days ago."""
    start = timezone.localdate() - dt.timedelta(days=100)
    return workflows.create_judgement(
        by=alice,
        statement="North Korea is highly likely to conduct illegal commercial activities.",
        resolution_criteria="Open reporting of such activity inside the window.",
        team=east_asia,
        owner=alice,
        probability=Decimal("0.85"),
        window_start=start,
        now=timezone.now() - dt.timedelta(days=100),
    )

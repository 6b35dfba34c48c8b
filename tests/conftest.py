"""Named people and one open judgement; everything else is built in the test."""

import pytest
from django.contrib.auth.models import User

from judgements.access import Role
from judgements.models import Judgement, Team
from tests.factories import make_judgement, make_user


@pytest.fixture(autouse=True)
def _fast_hasher_and_mail(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SITE_URL = "http://testserver"


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
    return make_judgement(
        alice,
        east_asia,
        days_ago=100,
        resolution_criteria="Open reporting of such activity inside the window.",
    )

"""Sign-in by an authenticating proxy's header: off by default, believed only from the
proxy's addresses, groups through the mapping at every request."""

from __future__ import annotations

import ipaddress

import pytest
from django.contrib.auth.models import User
from django.test import Client

from judgements import access
from judgements.access import Role
from judgements.models import AccessKind
from judgements.signin import directory, mapping
from tests.signin.conftest import events

pytestmark = pytest.mark.django_db
PROXY = "10.9.8.7"


@pytest.fixture
def proxy_on(settings):
    settings.YARDSTICK_PROXY_AUTH_HEADER = "X-Remote-User"
    settings.YARDSTICK_PROXY_AUTH_GROUPS_HEADER = "X-Remote-Groups"
    settings.YARDSTICK_PROXY_AUTH_ADDRESSES = (ipaddress.ip_network("10.9.8.0/24"),)
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
        "judgements.signin.proxy.ProxyBackend",
    ]
    settings.YARDSTICK_DIRECTORY_MAPPING = mapping.parse(
        {
            "analysts": "analyst",
            "leads": ["lead", "lead:east-asia"],
            "east-asia": "member:east-asia",
        }
    )


def via_proxy(groups: str = "analysts,east-asia", address: str = PROXY) -> Client:
    return Client(REMOTE_ADDR=address, HTTP_X_REMOTE_USER="quinn", HTTP_X_REMOTE_GROUPS=groups)


def test_the_header_is_ignored_while_proxy_sign_in_is_off(db):
    response = via_proxy().get("/judgements/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not User.objects.filter(username="quinn").exists()


def test_the_proxy_signs_quinn_in_with_the_mapped_role_and_team(proxy_on, east_asia):
    browser = via_proxy()
    assert browser.get("/judgements/").status_code == 200

    quinn = User.objects.get(username="quinn")
    assert access.role_of(quinn) == Role.ANALYST
    assert list(quinn.teams.values_list("slug", flat=True)) == ["east-asia"]
    assert [e.method for e in events(AccessKind.SIGNED_IN, user=quinn)] == ["proxy"]


def test_the_header_from_any_other_address_is_not_believed(proxy_on):
    response = via_proxy(address="192.0.2.66").get("/judgements/")
    assert response.status_code == 302
    assert not User.objects.filter(username="quinn").exists()


def test_a_changed_groups_header_takes_effect_at_the_next_request(proxy_on, east_asia):
    browser = via_proxy("analysts,leads,east-asia")
    browser.get("/judgements/")
    quinn = User.objects.get(username="quinn")
    assert access.role_of(quinn) == Role.LEAD

    browser.defaults["HTTP_X_REMOTE_GROUPS"] = "analysts,east-asia"
    assert browser.get("/judgements/").status_code == 200
    quinn = User.objects.get(username="quinn")
    assert access.role_of(quinn) == Role.ANALYST
    assert not quinn.led_teams.exists()

    browser.defaults["HTTP_X_REMOTE_GROUPS"] = "canteen"
    assert browser.get("/judgements/").status_code == 302  # no access any more: signed out
    assert events(AccessKind.REFUSED, user=quinn)[-1].detail == directory.NO_ACCESS


def test_the_proxy_never_signs_into_a_local_account(proxy_on, alice):
    browser = Client(REMOTE_ADDR=PROXY, HTTP_X_REMOTE_USER="alice", HTTP_X_REMOTE_GROUPS="leads")
    assert browser.get("/judgements/").status_code == 302
    assert events(AccessKind.REFUSED, user=alice)[-1].detail == directory.LOCAL_ACCOUNT

"""The directory mapping, the client's address, and the sign-in variables at start-up."""

from __future__ import annotations

import ipaddress

import pytest
from django.test import RequestFactory

from judgements.access import Role
from judgements.signin import mapping
from judgements.signin.addresses import client_address
from tests.signin.conftest import skip_without_ldap
from tests.test_settings import manage


def test_the_mapping_knows_exactly_the_roles_access_defines():
    assert set(mapping.ROLE_NAMES) == set(Role.values)


def test_groups_give_roles_and_teams_matched_without_regard_to_case():
    rules = mapping.parse(
        {
            "CN=Analysts,OU=Groups,DC=corp,DC=example": ["analyst", "member:east-asia"],
            "/yardstick/leads": ["Lead", "lead:east-asia"],
            "leadership": "leadership",
        }
    )

    grants = rules.grants_for(["cn=analysts,ou=groups,dc=corp,dc=example", "/YARDSTICK/leads"])

    assert grants == mapping.Grants(
        roles=frozenset({"analyst", "lead"}),
        member_of=frozenset({"east-asia"}),
        leads=frozenset({"east-asia"}),
    )
    assert rules.grants_for(["canteen"]).nothing
    assert rules.teams == {"east-asia"}


def test_the_file_form_is_toml(tmp_path):
    path = tmp_path / "mapping.toml"
    path.write_text('"cn=leads,ou=groups,dc=example,dc=org" = ["lead", "lead:cyber"]\n')

    rules = mapping.load(path=str(path))

    assert rules.grants_for(["cn=leads,ou=groups,dc=example,dc=org"]).leads == {"cyber"}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ('{"analysts": "analyst"', "not valid JSON"),
        ('["analyst"]', "table of group"),
        ('{"analysts": "superuser"}', "'superuser' is neither a role"),
        ('{"analysts": "member:"}', "neither a role"),
        ('{"analysts": []}', "give a grant"),
        ('{"": "analyst"}', "group name is empty"),
    ],
)
def test_a_bad_mapping_is_refused_with_what_is_wrong(raw, message):
    with pytest.raises(mapping.MappingError, match=message):
        mapping.load(text=raw)


def test_the_client_address_is_the_peer_unless_a_trusted_proxy_forwards(settings):
    factory = RequestFactory()
    settings.YARDSTICK_TRUSTED_PROXIES = ()
    spoofed = factory.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert client_address(spoofed) == "192.0.2.1"

    settings.YARDSTICK_TRUSTED_PROXIES = (ipaddress.ip_network("10.0.0.0/8"),)
    forwarded = factory.get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.4, 10.0.0.9"
    )
    assert client_address(forwarded) == "203.0.113.4"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"YARDSTICK_DIRECTORY_MAPPING": '{"x": "root"}'}, "YARDSTICK_DIRECTORY_MAPPING is not"),
        ({"YARDSTICK_DIRECTORY_MAPPING_FILE": "/nonexistent.toml"}, "MAPPING_FILE is not"),
        ({"YARDSTICK_PROXY_AUTH_HEADER": "X-Remote-User"}, "YARDSTICK_PROXY_AUTH_ADDRESSES must"),
        ({"YARDSTICK_PROXY_AUTH_ADDRESSES": "10.0.0.300"}, "YARDSTICK_PROXY_AUTH_ADDRESSES must"),
        ({"YARDSTICK_OIDC_CLIENT_ID": "yardstick"}, "YARDSTICK_OIDC_ISSUER must be set"),
        ({"YARDSTICK_SESSION_IDLE_MINUTES": "0"}, "YARDSTICK_SESSION_IDLE_MINUTES must"),
        (
            {
                "YARDSTICK_LDAP_SERVER_URI": "ldap://dc.example",
                "YARDSTICK_LDAP_USER_SEARCH_BASE": "ou=people",
                "YARDSTICK_LDAP_GROUP_SEARCH_BASE": "ou=groups",
            },
            "set YARDSTICK_LDAP_START_TLS=1 or use ldaps://",
        ),
        ({"YARDSTICK_LDAP_SERVER_URI": "ldaps://dc.example"}, "_SEARCH_BASE must be set"),
    ],
)
def test_a_bad_sign_in_variable_stops_start_up_naming_it(env, message):
    if "YARDSTICK_LDAP_SERVER_URI" in env:
        skip_without_ldap(server=False)
    result = manage("check", env=env)
    assert result.returncode != 0
    assert message in result.stderr


def test_every_way_of_signing_in_configured_at_once_passes_the_checks(tmp_path):
    skip_without_ldap(server=False)
    path = tmp_path / "mapping.toml"
    path.write_text('"Yardstick Analysts" = "analyst"\n')
    result = manage(
        "check",
        env={
            "YARDSTICK_DIRECTORY_MAPPING_FILE": str(path),
            "YARDSTICK_LDAP_SERVER_URI": "ldaps://dc.corp.example",
            "YARDSTICK_LDAP_USER_SEARCH_BASE": "OU=Staff,DC=corp,DC=example",
            "YARDSTICK_LDAP_USER_FILTER": "(sAMAccountName=%(user)s)",
            "YARDSTICK_LDAP_GROUP_SEARCH_BASE": "OU=Groups,DC=corp,DC=example",
            "YARDSTICK_LDAP_GROUP_TYPE": "activeDirectory",
            "YARDSTICK_OIDC_CLIENT_ID": "yardstick",
            "YARDSTICK_OIDC_ISSUER": "https://sso.example/realms/corp",
            "YARDSTICK_PROXY_AUTH_HEADER": "X-Remote-User",
            "YARDSTICK_PROXY_AUTH_ADDRESSES": "10.0.0.5",
        },
    )
    assert result.returncode == 0, result.stderr

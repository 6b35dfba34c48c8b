"""Fixtures of the sign-in tests: the real OpenLDAP server and helpers to sign in."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from judgements.models import AccessEvent
from judgements.signin import mapping
from tests.signin.directory_server import MAPPING, SLAPD, Directory

try:
    from judgements.signin import ldap_settings
except ImportError:  # python-ldap not installed: it builds only against OpenLDAP's headers
    ldap_settings = None


@pytest.fixture(autouse=True)
def _fresh_throttle_and_mapping(settings):
    """Each test starts with no directory mapping unless it sets one."""
    settings.YARDSTICK_DIRECTORY_MAPPING = mapping.DirectoryMapping()


def skip_without_ldap(*, server: bool = True) -> None:
    """Skip (fail in CI, which sets YARDSTICK_REQUIRE_SLAPD) a test that needs python-ldap
    and, with ``server``, Debian's slapd."""
    message = None
    if server and not Path(SLAPD).exists():
        message = "directory tests need Debian's slapd and ldap-utils: apt-get install slapd"
    elif ldap_settings is None:
        message = (
            "directory tests need python-ldap: apt-get install libldap-dev libsasl2-dev, "
            "then make test installs requirements-ldap.txt"
        )
    if message:
        if os.environ.get("YARDSTICK_REQUIRE_SLAPD"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def directory_server(tmp_path_factory):
    skip_without_ldap()
    server = Directory(tmp_path_factory.mktemp("slapd")).start()
    yield server
    server.stop()


@pytest.fixture
def ldap_on(settings, directory_server):
    """Sign-in against the test directory, configured from YARDSTICK_LDAP_* variables as a
    site would (through the same function settings.py calls); returns a function that
    reconfigures it with other variables."""

    def configure(**variables: str):
        environment = directory_server.environment(**variables)
        for name, value in ldap_settings.from_environment(environment).items():
            setattr(settings, name, value)
        settings.YARDSTICK_LDAP_SERVER_URI = environment["YARDSTICK_LDAP_SERVER_URI"]
        settings.AUTHENTICATION_BACKENDS = [
            "axes.backends.AxesStandaloneBackend",
            "judgements.signin.ldap.DirectoryLDAPBackend",
            "django.contrib.auth.backends.ModelBackend",
        ]
        settings.YARDSTICK_DIRECTORY_MAPPING = mapping.parse(MAPPING)

    configure()
    return configure


def sign_in(client, username: str, password: str, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def events(kind: str | None = None, **filters) -> list[AccessEvent]:
    rows = AccessEvent.objects.filter(**filters)
    if kind:
        rows = rows.filter(kind=kind)
    return list(rows.order_by("at", "pk"))

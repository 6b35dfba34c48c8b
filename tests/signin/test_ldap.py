"""LDAP sign-in against a real OpenLDAP server (tests/signin/directory_server.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from judgements import access
from judgements.access import Role
from judgements.models import AccessKind, Team
from judgements.signin import directory
from tests.factories import make_judgement
from tests.signin.conftest import events, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.directory]


def test_ada_signs_in_over_starttls_and_her_groups_make_her_an_analyst_in_east_asia(
    client, ldap_on
):
    response = sign_in(client, "ada", "ada-directory-pw")

    assert response.status_code == 302
    assert response["Location"] == "/"  # home, which sends each role to its work
    ada = User.objects.get(username="ada")
    assert not ada.has_usable_password()
    assert (ada.first_name, ada.last_name, ada.email) == ("Ada", "Analyst", "ada@directory.test")
    assert access.role_of(ada) == Role.ANALYST
    assert list(ada.teams.values_list("slug", flat=True)) == ["east-asia"]
    assert not ada.is_staff
    signed_in = events(AccessKind.SIGNED_IN, user=ada)
    assert [(e.method, e.address) for e in signed_in] == [("ldap", "127.0.0.1")]
    assert client.get("/judgements/").status_code == 200


def test_leo_signs_in_over_ldaps_and_leads_east_asia(client, ldap_on, directory_server):
    ldap_on(YARDSTICK_LDAP_SERVER_URI=directory_server.ldaps_uri, YARDSTICK_LDAP_START_TLS="0")

    assert sign_in(client, "leo", "leo-directory-pw").status_code == 302

    leo = User.objects.get(username="leo")
    assert access.role_of(leo) == Role.LEAD
    assert list(leo.led_teams.values_list("slug", flat=True)) == ["east-asia"]
    assert Team.objects.get(slug="east-asia").name == "East Asia"


def test_leadership_reads_the_admin_site_from_the_directory(client, ldap_on):
    assert sign_in(client, "mia", "mia-directory-pw").status_code == 302

    mia = User.objects.get(username="mia")
    assert access.role_of(mia) == Role.LEADERSHIP and mia.is_staff
    assert client.get("/admin/judgements/accessevent/").status_code == 200


def test_a_server_certificate_from_an_unknown_authority_is_refused(client, ldap_on):
    ldap_on(YARDSTICK_LDAP_CA_FILE="/etc/ssl/certs/ca-certificates.crt")

    response = sign_in(client, "ada", "ada-directory-pw")

    assert response.status_code == 200
    assert not User.objects.filter(username="ada").exists()


def test_removed_from_a_group_ada_loses_the_team_at_her_next_request_after_signing_in(
    client, ldap_on, directory_server, lena
):
    assert sign_in(client, "ada", "ada-directory-pw").status_code == 302
    ada = User.objects.get(username="ada")
    judgement = make_judgement(ada, Team.objects.get(slug="east-asia"), days_ago=10)
    assert client.get(judgement.get_absolute_url()).status_code == 200
    client.post("/accounts/logout/")

    directory_server.remove_from_group("ada", "east-asia")
    try:
        assert sign_in(client, "ada", "ada-directory-pw").status_code == 302
        assert client.get(judgement.get_absolute_url()).status_code == 403
    finally:
        directory_server.add_to_group("ada", "east-asia")

    ada.refresh_from_db()
    assert access.role_of(ada) == Role.ANALYST
    assert not ada.teams.exists()
    change = events(AccessKind.ROLES_CHANGED, user=ada)[-1]
    assert change.method == "ldap"
    assert "member of: east-asia → none" in change.detail
    # Her judgement stays, with her name, for the team to see.
    lead = client.__class__()
    lead.force_login(lena)
    page = lead.get(judgement.get_absolute_url())
    assert page.status_code == 200
    assert "Ada Analyst" in page.content.decode()


def test_the_user_disabled_in_the_directory_is_refused(client, ldap_on):
    response = sign_in(client, "dan", "dan-directory-pw")

    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()
    assert not User.objects.filter(username="dan").exists()
    assert "_auth_user_id" not in client.session
    assert [e.username for e in events(AccessKind.FAILED)] == ["dan"]


def test_someone_whose_groups_give_nothing_is_refused_and_the_audit_says_why(client, ldap_on):
    response = sign_in(client, "nia", "nia-directory-pw")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    [refused] = events(AccessKind.REFUSED)
    assert (refused.username, refused.method, refused.detail) == (
        "nia",
        "ldap",
        directory.NO_ACCESS,
    )
    assert events(AccessKind.FAILED) == []


def test_a_wrong_directory_password_is_throttled(client, ldap_on, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "ada", "not-her-password").status_code == 200

    locked = sign_in(client, "ada", "not-her-password")
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    # Locked: even the right password does not get in now.
    again = sign_in(client, "ada", "ada-directory-pw")
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session
    assert len(events(AccessKind.FAILED, username="ada")) >= settings.AXES_FAILURE_LIMIT
    assert events(AccessKind.LOCKED_OUT, username="ada")


def test_a_local_account_is_never_signed_into_from_the_directory(client, ldap_on):
    local = User.objects.create_user("mia", password="mia-local-password-1")

    response = sign_in(client, "mia", "mia-directory-pw")

    assert response.status_code == 200
    [refused] = events(AccessKind.REFUSED)
    assert refused.user == local and refused.detail == directory.LOCAL_ACCOUNT
    assert sign_in(client, "mia", "mia-local-password-1").status_code == 302

"""The access audit: what is written, who reads it in the admin, that nobody changes it."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from judgements import workflows
from judgements.access import Role
from judgements.models import AccessEvent, AccessKind
from judgements.signin import audit
from tests.factories import make_user
from tests.signin.conftest import events, sign_in

pytestmark = pytest.mark.django_db


def staff(username: str, role: Role):
    user = make_user(username, role)
    user.is_staff = True
    user.save()
    return user


def test_sign_in_and_sign_out_are_written_with_who_when_where_and_how(alice):
    browser = Client(HTTP_USER_AGENT="Firefox 140", REMOTE_ADDR="192.0.2.44")
    sign_in(browser, "alice", "pw-alice")
    browser.post("/accounts/logout/")

    signed_in, signed_out = events(user=alice)
    assert (signed_in.kind, signed_in.method, signed_in.address, signed_in.user_agent) == (
        AccessKind.SIGNED_IN,
        "password",
        "192.0.2.44",
        "Firefox 140",
    )
    assert (signed_out.kind, signed_out.detail) == (AccessKind.SIGNED_OUT, "signed out")
    assert signed_in.at <= signed_out.at


def test_api_token_use_is_one_call(alice):
    request = RequestFactory().get("/api/judgements/", REMOTE_ADDR="192.0.2.8")

    audit.api_token_used(request, user=alice, token_name="reporting")

    [row] = events(AccessKind.API_TOKEN_USED)
    assert (row.user, row.method, row.address) == (alice, "api_token", "192.0.2.8")
    assert row.detail == "token 'reporting': GET /api/judgements/"


def test_rows_cannot_be_changed_or_deleted_through_the_orm(alice):
    row = workflows.record_access(AccessKind.SIGNED_IN, user=alice)
    row.detail = "rewritten"
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    with pytest.raises(PermissionError):
        AccessEvent.objects.filter(pk=row.pk).update(detail="rewritten")
    with pytest.raises(PermissionError):
        AccessEvent.objects.all().delete()
    assert AccessEvent.objects.get(pk=row.pk).detail == ""


@pytest.mark.parametrize("role", [Role.LEADERSHIP, Role.ADMIN])
def test_leadership_and_admins_read_the_audit_in_the_admin(client, alice, role):
    row = workflows.record_access(AccessKind.FAILED, username="alice", detail="wrong password")
    client.force_login(staff("reader", role))

    listing = client.get("/admin/judgements/accessevent/")
    assert listing.status_code == 200
    assert "wrong password" in listing.content.decode()
    detail = client.get(f"/admin/judgements/accessevent/{row.pk}/change/")
    assert detail.status_code == 200
    assert 'name="detail"' not in detail.content.decode()  # shown, not editable


@pytest.mark.parametrize("role", [Role.LEADERSHIP, Role.ADMIN])
def test_nobody_edits_adds_or_deletes_a_row_in_the_admin(client, role):
    row = workflows.record_access(AccessKind.FAILED, username="alice")
    client.force_login(staff("reader", role))

    base = "/admin/judgements/accessevent/"
    assert client.post(f"{base}{row.pk}/change/", {"detail": "x"}).status_code == 403
    assert client.get(f"{base}add/").status_code == 403
    assert client.post(f"{base}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(
        base, {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"}
    ).status_code in (200, 302)
    assert AccessEvent.objects.filter(pk=row.pk).exists()


def test_analysts_and_leads_cannot_read_the_audit(client, alice, lena):
    for user in (alice, lena):
        user.is_staff = True  # even with the admin site open to them
        user.save()
        client.force_login(user)
        assert client.get("/admin/judgements/accessevent/").status_code == 403

"""Local accounts, hardened: throttling with an admin unlock, password validators, the
second factor, the idle timeout, "Your sessions"."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from judgements.access import Role
from judgements.models import AccessKind, SignInPolicy, SignInSession
from tests.factories import make_user
from tests.signin.conftest import events, sign_in

pytestmark = pytest.mark.django_db


def code_for(device: TOTPDevice, at: dt.datetime | None = None) -> str:
    generator = TOTP(device.bin_key, device.step, device.t0, device.digits)
    generator.time = (at or timezone.now()).timestamp()
    return f"{generator.token():06d}"


# --- Throttling ------------------------------------------------------------------------------


def test_a_wrong_password_is_said_plainly_and_written_to_the_audit(client, alice):
    response = sign_in(client, "alice", "wrong")

    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()
    [failed] = events(AccessKind.FAILED)
    assert (failed.username, failed.method, failed.address) == ("alice", "password", "127.0.0.1")


def test_an_account_is_locked_after_the_failure_limit_with_a_clear_message(client, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(client, "alice", "wrong")

    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed sign-ins for this account or from your address" in page
    assert "Try again in 15 minutes, or ask an administrator to unlock it" in page
    assert sign_in(client, "alice", "pw-alice").status_code == 429
    assert events(AccessKind.LOCKED_OUT, username="alice")
    # From another address the account is locked all the same.
    elsewhere = Client(REMOTE_ADDR="192.0.2.7")
    assert sign_in(elsewhere, "alice", "pw-alice").status_code == 429


def test_an_address_is_locked_after_the_failure_limit_whatever_the_usernames(alice, bob, settings):
    guesser = Client(REMOTE_ADDR="198.51.100.9")
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(guesser, f"someone-{n}", "guess")

    assert sign_in(guesser, "bob", "pw-bob").status_code == 429
    assert sign_in(Client(), "bob", "pw-bob").status_code == 302  # other addresses are fine


def test_the_lock_lifts_by_itself_after_the_cool_off(client, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "alice", "wrong")
    later = timezone.now() + settings.AXES_COOLOFF_TIME + dt.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        assert sign_in(client, "alice", "pw-alice").status_code == 302


def test_an_admin_unlocks_a_locked_account_and_the_audit_says_who(client, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "alice", "wrong")
    admin = User.objects.create_superuser("root", "root@example.org", "root-password-123")
    staff = Client()
    staff.force_login(admin)

    response = staff.post(
        "/admin/auth/user/",
        {"action": "unlock_sign_in", "_selected_action": [alice.pk]},
        follow=True,
    )

    assert "Sign-in unlocked for 1 user(s)." in response.content.decode()
    assert sign_in(client, "alice", "pw-alice").status_code == 302
    [unlocked] = events(AccessKind.UNLOCKED)
    assert unlocked.user == alice and "unlocked by root" in unlocked.detail


# --- Passwords -------------------------------------------------------------------------------


def test_djangos_password_validators_refuse_a_weak_new_password(client, alice):
    client.force_login(alice)
    weak = client.post(
        "/accounts/password/",
        {"old_password": "pw-alice", "new_password1": "alice123", "new_password2": "alice123"},
    )
    assert weak.status_code == 200
    page = weak.content.decode()
    assert "too short" in page
    alice.refresh_from_db()
    assert alice.check_password("pw-alice")

    strong = "correct horse battery staple 7"
    response = client.post(
        "/accounts/password/",
        {"old_password": "pw-alice", "new_password1": strong, "new_password2": strong},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(strong)
    assert client.get("/judgements/").status_code == 200  # still signed in


def test_directory_users_have_no_password_to_change_here(client, alice):
    alice.set_unusable_password()
    alice.save()
    client.force_login(alice)
    assert client.get("/accounts/password/").status_code == 404


# --- Second factor ---------------------------------------------------------------------------


def set_up_authenticator(client) -> TOTPDevice:
    assert client.get("/accounts/second-factor/setup/").status_code == 200
    device = TOTPDevice.objects.get()
    response = client.post("/accounts/second-factor/setup/", {"code": code_for(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_alice_sets_up_an_authenticator_and_is_asked_for_a_code_at_every_sign_in(client, alice):
    assert sign_in(client, "alice", "pw-alice").status_code == 302
    page = client.get("/accounts/second-factor/setup/").content.decode()
    assert "<svg" in page and "Key:" in page
    device = set_up_authenticator(client)
    client.post("/accounts/logout/")

    assert sign_in(client, "alice", "pw-alice").status_code == 302
    asked = client.get("/judgements/")
    assert asked.status_code == 302
    assert asked["Location"] == "/accounts/second-factor/?next=%2Fjudgements%2F"
    htmx = client.get("/judgements/", headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"] == "/accounts/second-factor/"

    wrong = client.post("/accounts/second-factor/", {"code": "000000", "next": "/judgements/"})
    assert wrong.status_code == 400
    assert "That code is not right" in wrong.content.decode()
    assert client.get("/judgements/").status_code == 302

    later = timezone.now() + dt.timedelta(seconds=40)
    with time_machine.travel(later, tick=False):  # past the throttle of the wrong code
        right = client.post(
            "/accounts/second-factor/", {"code": code_for(device), "next": "/judgements/"}
        )
        assert right.status_code == 302 and right["Location"] == "/judgements/"
        assert client.get("/judgements/").status_code == 200
    kinds = [(e.kind, e.method) for e in events(user=alice)]
    assert (AccessKind.FAILED, "totp") in kinds
    assert (AccessKind.SECOND_FACTOR, "totp") in kinds


def test_the_policy_makes_admins_set_up_a_second_factor_but_not_analysts(client, alice):
    admin = make_user("ada-admin", Role.ADMIN)
    policy = SignInPolicy.current()
    policy.totp_for_admins = True
    policy.save()

    assert sign_in(client, "ada-admin", "pw-ada-admin").status_code == 302
    response = client.get("/judgements/")
    assert response["Location"].startswith("/accounts/second-factor/setup/")
    assert client.get("/admin/").status_code == 302
    set_up_authenticator(client)
    assert client.get("/judgements/").status_code == 200
    assert admin.totpdevice_set.filter(confirmed=True).exists()

    analyst = Client()
    assert sign_in(analyst, "alice", "pw-alice").status_code == 302
    assert analyst.get("/judgements/").status_code == 200


def test_leadership_is_covered_only_when_the_policy_says_so(client, maya):
    assert sign_in(client, "maya", "pw-maya").status_code == 302
    assert client.get("/judgements/").status_code == 200

    SignInPolicy.objects.update_or_create(pk=1, defaults={"totp_for_leadership": True})
    again = Client()
    assert sign_in(again, "maya", "pw-maya").status_code == 302
    assert again.get("/judgements/")["Location"].startswith("/accounts/second-factor/setup/")


def test_only_an_admin_sets_the_sign_in_policy(client, maya):
    maya.is_staff = True
    maya.save()
    client.force_login(maya)
    assert client.get("/admin/judgements/signinpolicy/").status_code == 403
    admin = make_user("adm", Role.ADMIN)
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    assert client.get("/admin/judgements/signinpolicy/").status_code in (200, 302)


# --- Idle timeout and sessions ---------------------------------------------------------------


def test_a_session_idle_for_longer_than_the_limit_is_signed_out(client, alice, settings):
    settings.YARDSTICK_SESSION_IDLE_MINUTES = 30
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert sign_in(client, "alice", "pw-alice").status_code == 302
    with time_machine.travel(start + dt.timedelta(minutes=29), tick=False):
        assert client.get("/judgements/").status_code == 200  # activity resets the clock
    with time_machine.travel(start + dt.timedelta(minutes=58), tick=False):
        assert client.get("/judgements/").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=89), tick=False):
        response = client.get("/judgements/", follow=True)
    assert response.redirect_chain[0][0] == "/accounts/login/?next=%2Fjudgements%2F"
    assert "signed out after a while without activity" in response.content.decode()
    signed_out = events(AccessKind.SIGNED_OUT, user=alice)
    assert signed_out[-1].detail == "idle for 31 minutes"
    assert SignInSession.objects.get(user=alice).ended_at is not None


def test_alice_sees_her_sessions_and_ends_the_one_left_on_another_computer(alice, bob):
    office, home = (
        Client(HTTP_USER_AGENT="Office browser"),
        Client(REMOTE_ADDR="203.0.113.5", HTTP_USER_AGENT="Home browser"),
    )
    sign_in(office, "alice", "pw-alice")
    sign_in(home, "alice", "pw-alice")

    page = office.get("/accounts/sessions/").content.decode()
    assert "Home browser" in page and "203.0.113.5" in page and "this session" in page
    home_row = SignInSession.objects.get(user=alice, address="203.0.113.5")

    other = Client()
    other.force_login(bob)
    assert other.post(f"/accounts/sessions/{home_row.pk}/end/").status_code == 404
    assert office.get(f"/accounts/sessions/{home_row.pk}/end/").status_code == 405

    ended = office.post(f"/accounts/sessions/{home_row.pk}/end/")
    assert ended.status_code == 302
    assert home.get("/judgements/").status_code == 302  # signed out there
    assert office.get("/judgements/").status_code == 200  # still signed in here
    assert "Home browser" not in office.get("/accounts/sessions/").content.decode()
    [row] = events(AccessKind.SESSION_ENDED)
    assert row.user == alice and "203.0.113.5" in row.detail

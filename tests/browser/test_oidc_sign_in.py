"""OpenID Connect in the browser, against a real provider process on loopback
(tests/signin/provider/: django-oauth-toolkit, PKCE required, groups claim, logout)."""

from __future__ import annotations

import re
import time

import pytest
from django.contrib.auth.models import User

from judgements import access
from judgements.access import Role
from judgements.models import AccessKind
from judgements.signin import mapping, oidc
from tests.signin.conftest import events
from tests.signin.provider.process import CLIENT_ID, CLIENT_SECRET, ProviderProcess

pytestmark = pytest.mark.django_db(transaction=True)
RECHECK_SECONDS = 3
MAPPING = {
    "yardstick-analysts": ["analyst"],
    "yardstick-leads": ["lead"],
    "east-asia": ["member:east-asia"],
}


@pytest.fixture(scope="session")
def provider(live_server, tmp_path_factory):
    process = ProviderProcess(tmp_path_factory.mktemp("provider"), live_server.url).start()
    yield process
    process.stop()


@pytest.fixture
def oidc_on(settings, provider):
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_RP_SCOPES = "openid email profile"
    settings.OIDC_USE_PKCE = True
    settings.OIDC_USE_NONCE = True
    settings.OIDC_STORE_ID_TOKEN = True
    settings.OIDC_VERIFY_SSL = True
    settings.OIDC_TIMEOUT = 10
    settings.YARDSTICK_OIDC_ISSUER = provider.issuer
    settings.YARDSTICK_OIDC_PROVIDER_NAME = "Test provider"
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
        "judgements.signin.oidc.OIDCBackend",
    ]
    settings.YARDSTICK_DIRECTORY_MAPPING = mapping.parse(MAPPING)
    settings.YARDSTICK_SESSION_RECHECK_MINUTES = RECHECK_SECONDS / 60
    settings.SECURE_CSP = {
        **settings.SECURE_CSP,
        "form-action": ["'self'", provider.issuer.rsplit("/", 1)[0]],
    }
    oidc.forget_discovery()
    return provider


def sign_in_with_provider(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Sign in with Test provider").click()
    page.get_by_label("Provider username").fill(username)
    page.get_by_label("Provider password").fill(password)
    page.get_by_role("button", name="Sign in at the provider").click()
    page.wait_for_url(re.compile(r".*/(judgements|dashboard)/$"))  # where the role works


def test_button_provider_login_and_back_with_the_mapped_role_then_logout_everywhere(
    page, oidc_on, east_asia
):
    oidc_on.manage(
        "user", "olga", "olga-provider-pw", "Olga", "Orlova", "yardstick-analysts", "east-asia"
    )

    sign_in_with_provider(page, "olga", "olga-provider-pw")

    assert (
        page.locator(".user-menu")
        .inner_text()
        .replace("\n", " ")
        .startswith("Olga Orlova · Analyst")
    )
    olga = User.objects.get(username="olga")
    assert access.role_of(olga) == Role.ANALYST
    assert list(olga.teams.values_list("slug", flat=True)) == ["east-asia"]
    assert not olga.has_usable_password()
    assert [e.method for e in events(AccessKind.SIGNED_IN, user=olga)] == ["oidc"]

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r".*/accounts/login/$"))
    assert events(AccessKind.SIGNED_OUT, user=olga)
    # The provider's session ended too: its button asks for the password again.
    page.get_by_role("link", name="Sign in with Test provider").click()
    assert page.get_by_label("Provider password").is_visible()


def test_removed_from_the_providers_groups_olga_loses_access_within_the_recheck(
    page, oidc_on, east_asia
):
    oidc_on.manage(
        "user",
        "pavel",
        "pavel-provider-pw",
        "Pavel",
        "Petrov",
        "yardstick-analysts",
        "yardstick-leads",
        "east-asia",
    )
    sign_in_with_provider(page, "pavel", "pavel-provider-pw")
    assert "· Team lead" in page.locator(".user-menu").inner_text()

    oidc_on.manage("groups", "pavel", "yardstick-analysts", "east-asia")
    time.sleep(RECHECK_SECONDS + 0.5)
    page.goto("/judgements/")
    assert "· Analyst" in page.locator(".user-menu").inner_text()

    oidc_on.manage("groups", "pavel")
    time.sleep(RECHECK_SECONDS + 0.5)
    page.goto("/judgements/")
    page.wait_for_url(re.compile(r".*/accounts/login/"))
    assert "no Yardstick role or team" in page.locator(".messages").inner_text()
    pavel = User.objects.get(username="pavel")
    assert access.role_of(pavel) == Role.ANALYST  # as last confirmed; the session is gone
    assert "recheck" in events(AccessKind.SIGNED_OUT, user=pavel)[-1].detail


def test_deactivated_at_the_provider_the_session_ends_at_the_recheck(page, oidc_on, east_asia):
    oidc_on.manage(
        "user", "rosa", "rosa-provider-pw", "Rosa", "Rossi", "yardstick-analysts", "east-asia"
    )
    sign_in_with_provider(page, "rosa", "rosa-provider-pw")

    oidc_on.manage("deactivate", "rosa")
    time.sleep(RECHECK_SECONDS + 0.5)
    page.goto("/judgements/")

    page.wait_for_url(re.compile(r".*/accounts/login/"))
    assert "no longer accepts this sign-in" in page.locator(".messages").inner_text()


def test_a_provider_user_in_no_yardstick_group_is_refused(page, oidc_on):
    oidc_on.manage("user", "sven", "sven-provider-pw", "Sven", "Svensson", "canteen")
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Sign in with Test provider").click()
    page.get_by_label("Provider username").fill("sven")
    page.get_by_label("Provider password").fill("sven-provider-pw")
    page.get_by_role("button", name="Sign in at the provider").click()

    page.wait_for_url(re.compile(r".*/accounts/login/$"))
    assert "no Yardstick role or team" in page.locator(".messages").inner_text()
    assert not User.objects.filter(username="sven").exists()
    assert [e.username for e in events(AccessKind.REFUSED)] == ["sven"]

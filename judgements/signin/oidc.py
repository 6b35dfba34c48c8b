"""OpenID Connect sign-in (mozilla-django-oidc): authorization code flow with PKCE.

Configured by YARDSTICK_OIDC_* (docs/design.md §1.4). What we add to the library:

- endpoints from the issuer's discovery document, fetched when first needed (not at
  start-up, not at every request), unless given one by one;
- the ID token's issuer and audience are checked;
- users are matched by the username claim; the groups claim goes through the directory
  mapping at every sign-in, and a user it gives nothing is refused;
- the refresh token is kept in the (server-side) session, so that ``recheck`` can ask the
  provider again within YARDSTICK_SESSION_RECHECK_MINUTES: a refused refresh (disabled or
  signed out there) or a changed groups claim takes effect then;
- sign-out ends the provider's session too, where it publishes an end_session_endpoint.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from judgements.models import SignInMethod
from judgements.signin import directory

REFRESH_TOKEN = "oidc_refresh_token"
ID_TOKEN = "oidc_id_token"
SUBJECT = "oidc_subject"


class ProviderUnreachable(Exception):
    pass


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    end_session_endpoint: str  # "" when the provider has none


_discovered: dict[str, dict] = {}
_lock = threading.Lock()


def enabled() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


def provider_name() -> str:
    return settings.YARDSTICK_OIDC_PROVIDER_NAME


def _request_options() -> dict:
    return {"timeout": settings.OIDC_TIMEOUT, "verify": settings.OIDC_VERIFY_SSL}


def provider() -> Provider:
    """The provider's endpoints: each YARDSTICK_OIDC_<ENDPOINT> given, else discovery's."""
    issuer = settings.YARDSTICK_OIDC_ISSUER
    given = settings.YARDSTICK_OIDC_ENDPOINTS
    needed = ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri")
    document: dict = {}
    if not all(given.get(key) for key in needed):
        with _lock:
            if issuer not in _discovered:
                url = f"{issuer}/.well-known/openid-configuration"
                try:
                    response = requests.get(url, **_request_options())
                    response.raise_for_status()
                    found = response.json()
                except (requests.RequestException, ValueError) as error:
                    raise ProviderUnreachable(f"cannot read {url}: {error}") from None
                if found.get("issuer", "").rstrip("/") != issuer:
                    raise ProviderUnreachable(
                        f"{url} names issuer {found.get('issuer')!r}, not {issuer!r}"
                    )
                _discovered[issuer] = found
            document = _discovered[issuer]
    endpoints = {key: given.get(key) or document.get(key, "") for key in given}
    return Provider(issuer=issuer, **endpoints)


def forget_discovery() -> None:
    """Fetch the discovery document again at next use (tests, a provider that moved)."""
    with _lock:
        _discovered.clear()


class OIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend with discovery, issuer/audience checks, matching by
    username and the directory mapping (see the module docstring)."""

    def __init__(self, *args, **kwargs):
        # The base resolves every endpoint here; Django builds a backend for each request's
        # session user, so endpoints are resolved only when a token is really needed.
        self.UserModel = get_user_model()
        self._token_info: dict = {}

    OIDC_RP_CLIENT_ID = property(lambda self: settings.OIDC_RP_CLIENT_ID)
    OIDC_RP_CLIENT_SECRET = property(lambda self: settings.OIDC_RP_CLIENT_SECRET)
    OIDC_RP_SIGN_ALGO = property(lambda self: settings.OIDC_RP_SIGN_ALGO)
    OIDC_RP_IDP_SIGN_KEY = None
    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: provider().token_endpoint)
    OIDC_OP_USER_ENDPOINT = property(lambda self: provider().userinfo_endpoint)
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: provider().jwks_uri)

    def authenticate(self, request, **kwargs):
        if not enabled() or request is None or "code" not in request.GET:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (requests.RequestException, ProviderUnreachable) as error:
            request.signin_failure = f"{provider_name()} could not be reached ({error})"
            return None
        except SuspiciousOperation as error:
            request.signin_failure = str(error)
            return None

    def get_token(self, payload):
        self._token_info = super().get_token(payload)
        return self._token_info

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if payload.get("iss", "").rstrip("/") != settings.YARDSTICK_OIDC_ISSUER:
            raise SuspiciousOperation("the ID token comes from another issuer")
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("the ID token is meant for another client")
        return payload

    def store_tokens(self, access_token, id_token):
        super().store_tokens(access_token, id_token)
        self.request.session[REFRESH_TOKEN] = self._token_info.get("refresh_token", "")

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims, completed by the userinfo endpoint's (same subject)."""
        userinfo = super().get_userinfo(access_token, id_token, payload)
        if payload and userinfo.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("userinfo describes another subject than the ID token")
        return {**payload, **userinfo}

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        username = str(claims.get(settings.YARDSTICK_OIDC_USERNAME_CLAIM) or "").strip()
        if not username:
            raise SuspiciousOperation(
                f"the provider sent no {settings.YARDSTICK_OIDC_USERNAME_CLAIM!r} claim"
            )
        user = self.UserModel.objects.filter(username__iexact=username).first()
        groups = groups_in(claims)
        try:
            if user is not None:
                directory.check_account(user)
            directory.check_groups(groups)
            if user is None:
                user = self.UserModel(username=username)
                user.set_unusable_password()
            user.email = claims.get("email", user.email) or ""
            user.first_name = (claims.get("given_name") or user.first_name)[:150]
            user.last_name = (claims.get("family_name") or user.last_name)[:150]
            user.save()
            directory.admit(user, groups, method=SignInMethod.OIDC, request=self.request)
        except directory.Refused as refused:
            directory.refuse(
                username, str(refused), user=user, method=SignInMethod.OIDC, request=self.request
            )
            self.request.signin_failure = str(refused)
            return None
        self.request.session[SUBJECT] = claims.get("sub", "")
        return user


def groups_in(claims: dict) -> list[str]:
    value = claims.get(settings.YARDSTICK_OIDC_GROUPS_CLAIM) or []
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value]


class SignInStartView(OIDCAuthenticationRequestView):
    """The "Sign in with …" button: off to the provider, with state, nonce and PKCE."""

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)  # endpoints are looked up in get(), not here

    def get(self, request):
        if not enabled():
            raise Http404("OpenID Connect sign-in is not configured.")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider().authorization_endpoint
        except ProviderUnreachable as error:
            messages.error(request, f"{provider_name()} cannot be reached just now ({error}).")
            return HttpResponseRedirect(reverse("login"))
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class SignInCallbackView(OIDCAuthenticationCallbackView):
    """Back from the provider: signed in, or on the login page saying why not."""

    def get(self, request):
        if not enabled():
            raise Http404("OpenID Connect sign-in is not configured.")
        return super().get(request)

    def login_failure(self):
        reason = getattr(self.request, "signin_failure", "") or self.request.GET.get(
            "error_description", self.request.GET.get("error", "")
        )
        messages.error(
            self.request,
            f"Signing in with {provider_name()} did not work" + (f": {reason}." if reason else "."),
        )
        return HttpResponseRedirect(reverse("login"))


def recheck(request: HttpRequest) -> None:
    """Ask the provider again about a signed-in user: renew the tokens with the refresh
    token, read the userinfo afresh and apply the mapping. Raises directory.Refused when
    the session must end (refresh refused, provider unreachable, no access any more)."""
    refresh_token = request.session.get(REFRESH_TOKEN)
    if not refresh_token:
        raise directory.Refused(f"{provider_name()} gave no refresh token to recheck with")
    backend = OIDCBackend()
    backend.request = request
    payload = {
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
    }
    if settings.OIDC_RP_CLIENT_SECRET:
        payload["client_secret"] = settings.OIDC_RP_CLIENT_SECRET
    try:
        tokens = backend.get_token(payload)
        claims = backend.get_userinfo(tokens["access_token"], None, {})
    except requests.HTTPError:
        raise directory.Refused(
            f"{provider_name()} no longer accepts this sign-in (disabled or signed out there)"
        ) from None
    except (requests.RequestException, ProviderUnreachable, KeyError, ValueError) as error:
        raise directory.Refused(
            f"{provider_name()} could not confirm the sign-in ({error})"
        ) from None
    if claims.get("sub") != request.session.get(SUBJECT):
        raise directory.Refused("the provider now names another subject")
    directory.check_account(request.user)
    directory.admit(request.user, groups_in(claims), method=SignInMethod.OIDC, request=request)
    request.session[REFRESH_TOKEN] = tokens.get("refresh_token") or refresh_token
    if tokens.get("id_token"):
        request.session[ID_TOKEN] = tokens["id_token"]


def end_session_url(request: HttpRequest) -> str | None:
    """Where to send the browser so that the provider's session ends too (read before the
    local session is flushed); None when the provider publishes no end_session_endpoint."""
    try:
        endpoint = provider().end_session_endpoint
    except ProviderUnreachable:
        return None
    if not endpoint:
        return None
    params = {
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
    }
    if request.session.get(ID_TOKEN):
        params["id_token_hint"] = request.session[ID_TOKEN]
    return f"{endpoint}?{urlencode(params)}"

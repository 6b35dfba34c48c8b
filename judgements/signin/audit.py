"""The access audit: sign-ins, sign-outs, failures, lockouts (docs/design.md §1.4).

Django's and django-axes's sign-in signals are the one place every way of signing in
passes (the login form, the admin's login, LDAP, OpenID Connect, the proxy header), so the
audit listens to them; everything else calls ``workflows.record_access`` directly. Rows are
never changed (``AccessEvent`` is append-only).
"""

from __future__ import annotations

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from judgements import workflows
from judgements.models import AccessKind, SignInMethod
from judgements.signin import sessions
from judgements.signin.origin import origin_of

END_REASON = "signin_end_reason"  # request attribute: why a session is ending


def api_token_used(request: HttpRequest, *, user, token_name: str) -> None:
    """For the API: call once per request authenticated by a token."""
    workflows.record_access(
        AccessKind.API_TOKEN_USED,
        user=user,
        method=SignInMethod.API_TOKEN,
        origin=origin_of(request),
        detail=f"token {token_name!r}: {request.method} {request.path}"[:500],
    )


@receiver(user_logged_in, dispatch_uid="yardstick-audit-signed-in")
def _signed_in(sender, request, user, **kwargs) -> None:
    if request is None:
        return
    sessions.start(request, user)
    sessions.decide_second_factor(request, user)
    workflows.record_access(
        AccessKind.SIGNED_IN,
        user=user,
        method=sessions.method_of(request),
        origin=origin_of(request),
    )


@receiver(user_logged_out, dispatch_uid="yardstick-audit-signed-out")
def _signed_out(sender, request, user, **kwargs) -> None:
    if request is None or user is None:
        return
    method = sessions.method_of(request)
    sessions.mark_ended(request)
    workflows.record_access(
        AccessKind.SIGNED_OUT,
        user=user,
        method=method,
        origin=origin_of(request),
        detail=getattr(request, END_REASON, "signed out"),
    )


def _method_tried(credentials: dict) -> str:
    if "remote_user" in credentials:
        return SignInMethod.PROXY
    if "nonce" in credentials or "code_verifier" in credentials:
        return SignInMethod.OIDC
    if settings.YARDSTICK_LDAP_SERVER_URI:
        return SignInMethod.LDAP  # the password was tried against the directory too
    return SignInMethod.PASSWORD


@receiver(user_login_failed, dispatch_uid="yardstick-audit-failed")
def _failed(sender, credentials, request=None, **kwargs) -> None:
    if getattr(request, "signin_refused", False):
        return  # a directory refusal already wrote its own row, with the reason
    workflows.record_access(
        AccessKind.FAILED,
        username=str(credentials.get("username") or credentials.get("remote_user") or ""),
        method=_method_tried(credentials),
        origin=origin_of(request),
        detail=getattr(request, "signin_failure", "wrong username or password"),
    )


@receiver(user_locked_out, dispatch_uid="yardstick-audit-locked-out")
def _locked_out(sender, request, username, ip_address, **kwargs) -> None:
    workflows.record_access(
        AccessKind.LOCKED_OUT,
        username=username or "",
        origin=origin_of(request),
        detail=f"{settings.AXES_FAILURE_LIMIT} failed sign-ins for this account or from "
        f"{ip_address}; locked for {settings.AXES_COOLOFF_TIME.total_seconds() / 60:g} minutes",
    )

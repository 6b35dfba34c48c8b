"""Signed-in sessions a user can see and end, idle timeout and recheck times (§1.4).

A ``SignInSession`` row follows each Django session from sign-in; the session itself holds
its row's id, when it was last seen and when its directory recheck falls due.
"""

from __future__ import annotations

import datetime as dt
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.http import HttpRequest
from django.utils import timezone
from django_otp import user_has_device

from judgements import access, workflows
from judgements.models import AccessKind, SignInMethod, SignInPolicy, SignInSession
from judgements.signin.origin import origin_of

ROW = "signin_session"
SEEN = "signin_seen"
RECHECK_AT = "signin_recheck_at"
SECOND_FACTOR = "signin_second_factor"  # "verify" or "setup" while a code is owed
SECOND_FACTOR_PAGES = {"verify": "second-factor", "setup": "second-factor-setup"}
# A second factor is asked for only where Yardstick itself checked the password; the
# provider or the proxy answers for the others.
SECOND_FACTOR_METHODS = {SignInMethod.PASSWORD, SignInMethod.LDAP}
TOUCH_EVERY = dt.timedelta(minutes=1)  # last-seen is written at most this often

METHOD_BY_BACKEND = {
    "django.contrib.auth.backends.ModelBackend": SignInMethod.PASSWORD,
    "judgements.signin.ldap.DirectoryLDAPBackend": SignInMethod.LDAP,
    "judgements.signin.oidc.OIDCBackend": SignInMethod.OIDC,
    "judgements.signin.proxy.ProxyBackend": SignInMethod.PROXY,
}


def method_of(request: HttpRequest) -> str:
    return METHOD_BY_BACKEND.get(request.session.get(BACKEND_SESSION_KEY, ""), "")


def session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def start(request: HttpRequest, user) -> SignInSession:
    now = timezone.now()
    origin = origin_of(request)
    row = SignInSession.objects.create(
        user=user,
        session_key=request.session.session_key or "",
        method=method_of(request) or SignInMethod.PASSWORD,
        address=origin.address,
        user_agent=origin.user_agent,
        started_at=now,
        last_seen_at=now,
    )
    request.session[ROW] = row.pk
    request.session[SEEN] = now.timestamp()
    recheck = dt.timedelta(minutes=settings.YARDSTICK_SESSION_RECHECK_MINUTES)
    request.session[RECHECK_AT] = (now + recheck).timestamp()
    return row


def decide_second_factor(request: HttpRequest, user) -> None:
    """At sign-in: does this session owe a one-time code before anything else? Yes for
    anyone with an authenticator app, and for a role the sign-in policy covers (who then
    sets one up)."""
    if method_of(request) not in SECOND_FACTOR_METHODS:
        return
    if user_has_device(user):
        request.session[SECOND_FACTOR] = "verify"
    elif access.needs_second_factor(user, SignInPolicy.current()):
        request.session[SECOND_FACTOR] = "setup"


def second_factor_given(request: HttpRequest) -> None:
    request.session.pop(SECOND_FACTOR, None)


def idle_for(request: HttpRequest, now: dt.datetime) -> dt.timedelta | None:
    """How long the session has been idle, past the idle limit; None while within it."""
    seen = request.session.get(SEEN)
    if seen is None:
        return None
    idle = now - dt.datetime.fromtimestamp(seen, tz=dt.UTC)
    limit = dt.timedelta(minutes=settings.YARDSTICK_SESSION_IDLE_MINUTES)
    return idle if idle > limit else None


def touch(request: HttpRequest, now: dt.datetime) -> None:
    """Note activity, writing the session and its row at most once a minute."""
    seen = request.session.get(SEEN)
    if seen is not None and now - dt.datetime.fromtimestamp(seen, tz=dt.UTC) < TOUCH_EVERY:
        return
    request.session[SEEN] = now.timestamp()
    row_id = request.session.get(ROW)
    if row_id is not None:
        key = request.session.session_key or ""
        SignInSession.objects.filter(pk=row_id).update(last_seen_at=now, session_key=key)


def recheck_due(request: HttpRequest, now: dt.datetime) -> bool:
    return now.timestamp() >= request.session.get(RECHECK_AT, 0)


def rechecked(request: HttpRequest, now: dt.datetime) -> None:
    recheck = dt.timedelta(minutes=settings.YARDSTICK_SESSION_RECHECK_MINUTES)
    request.session[RECHECK_AT] = (now + recheck).timestamp()


def mark_ended(request: HttpRequest) -> None:
    row_id = request.session.get(ROW)
    if row_id is not None:
        SignInSession.objects.filter(pk=row_id, ended_at=None).update(ended_at=timezone.now())


def open_sessions(user) -> list[SignInSession]:
    """The user's sessions that still exist (ended or expired ones are marked so)."""
    store = session_store()
    rows = list(SignInSession.objects.filter(user=user, ended_at=None))
    alive, gone = [], []
    for row in rows:
        (alive if row.session_key and store().exists(row.session_key) else gone).append(row)
    if gone:
        SignInSession.objects.filter(pk__in=[r.pk for r in gone]).update(ended_at=timezone.now())
    return alive


def end(row: SignInSession, *, request: HttpRequest) -> None:
    """End one of the user's sessions from another (the "Your sessions" page)."""
    session_store()(row.session_key).delete()
    SignInSession.objects.filter(pk=row.pk, ended_at=None).update(ended_at=timezone.now())
    workflows.record_access(
        AccessKind.SESSION_ENDED,
        user=row.user,
        method=row.method,
        origin=origin_of(request),
        detail=f"ended by its user; it began {row.started_at:%Y-%m-%d %H:%M} from "
        f"{row.address or 'an unknown address'}",
    )

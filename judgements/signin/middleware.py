"""Every signed-in request: idle timeout, directory recheck, second factor (§1.4)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from judgements.models import SignInMethod
from judgements.signin import audit, directory, oidc, sessions


def redirect_to(request: HttpRequest, name: str) -> HttpResponse:
    """To a sign-in page, coming back here afterwards; htmx follows with a full page load
    (HX-Redirect) instead of swapping the page into a fragment."""
    target = reverse(name)
    from_htmx = request.headers.get("HX-Request") == "true"
    if request.method == "GET" and not from_htmx:
        target += "?" + urlencode({"next": request.get_full_path()})
    if from_htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return HttpResponseRedirect(target)


def end_session(request: HttpRequest, reason: str, message: str) -> HttpResponse:
    setattr(request, audit.END_REASON, reason)
    logout(request)
    messages.warning(request, message)
    return redirect_to(request, "login")


class SessionWatchMiddleware:
    """Ends a session idle for longer than YARDSTICK_SESSION_IDLE_MINUTES; rechecks an
    OpenID Connect session with the provider every YARDSTICK_SESSION_RECHECK_MINUTES;
    notes activity for the "Your sessions" page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = timezone.now()
            idle = sessions.idle_for(request, now)
            if idle is not None:
                minutes = int(idle.total_seconds() // 60)
                return end_session(
                    request,
                    f"idle for {minutes} minutes",
                    "You were signed out after a while without activity. Sign in again.",
                )
            if sessions.method_of(request) == SignInMethod.OIDC and sessions.recheck_due(
                request, now
            ):
                try:
                    oidc.recheck(request)
                except directory.Refused as refused:
                    return end_session(
                        request,
                        f"recheck with the provider: {refused}",
                        f"Your sign-in ended: {refused}.",
                    )
                sessions.rechecked(request, now)
            sessions.touch(request, now)
        return self.get_response(request)


class SecondFactorMiddleware:
    """A password sign-in that must give a one-time code (decided at sign-in by
    ``sessions.decide_second_factor``) goes no further than the second-factor pages until
    it has. No query once decided: the decision is in the session."""

    ALLOWED = ("second-factor", "second-factor-setup", "logout", "login")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        pending = request.session.get(sessions.SECOND_FACTOR)
        if (
            pending in sessions.SECOND_FACTOR_PAGES
            and request.user.is_authenticated
            and not self._allowed(request)
        ):
            return redirect_to(request, sessions.SECOND_FACTOR_PAGES[pending])
        return self.get_response(request)

    def _allowed(self, request: HttpRequest) -> bool:
        match = _resolve(request.path_info)
        return match is not None and match.url_name in self.ALLOWED


def _resolve(path: str):
    try:
        return resolve(path)
    except Resolver404:
        return None

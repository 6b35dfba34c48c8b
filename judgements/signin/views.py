"""Sign-in pages: the login page with the provider's button, sign-out (ending the provider's
session too), "Your sessions", the second factor, password change, the lockout page."""

from __future__ import annotations

import base64

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms.utils import ErrorDict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from judgements import workflows
from judgements.models import AccessKind, SignInMethod, SignInSession
from judgements.signin import oidc, sessions
from judgements.signin.forms import CodeForm
from judgements.signin.origin import origin_of

LOCKED_OUT = (
    "Too many failed sign-ins for this account or from your address. Try again in "
    "{minutes} minutes, or ask an administrator to unlock it."
)


def _providers() -> dict:
    return {"oidc_name": oidc.provider_name() if oidc.enabled() else ""}


class SignInView(auth_views.LoginView):
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **_providers()}


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """What django-axes answers a locked-out sign-in: the login page, saying why (429)."""
    form = AuthenticationForm(request, data=request.POST or None)
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    # Not validated (that would try the password again): the lockout is its only error.
    form.cleaned_data = {}
    form._errors = ErrorDict(
        {NON_FIELD_ERRORS: form.error_class([LOCKED_OUT.format(minutes=minutes)])}
    )
    context = {"form": form, REDIRECT_FIELD_NAME: request.POST.get(REDIRECT_FIELD_NAME, "")}
    return render(request, "registration/login.html", {**context, **_providers()}, status=429)


@login_not_required
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Sign out here, then at the provider too when the session came from OpenID Connect."""
    target = reverse("login")
    if request.user.is_authenticated and sessions.method_of(request) == SignInMethod.OIDC:
        target = oidc.end_session_url(request) or target
    logout(request)
    return redirect(target)


@require_http_methods(["GET"])
def your_sessions(request: HttpRequest) -> HttpResponse:
    current = request.session.get(sessions.ROW)
    rows = sessions.open_sessions(request.user)
    context = {
        "rows": rows,
        "current": current,
        "has_authenticator": any(devices_for_user(request.user, confirmed=True)),
        "has_password": request.user.has_usable_password(),
    }
    return render(request, "signin/sessions.html", context)


@require_POST
def end_session(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(SignInSession, pk=pk, user=request.user, ended_at=None)
    if row.pk == request.session.get(sessions.ROW):
        logout(request)
        return redirect("login")
    sessions.end(row, request=request)
    messages.success(request, "That session has ended: it is signed out.")
    return redirect("signin-sessions")


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _verified(request: HttpRequest, device, detail: str) -> HttpResponse:
    otp_login(request, device)
    sessions.second_factor_given(request)
    workflows.record_access(
        AccessKind.SECOND_FACTOR,
        user=request.user,
        method=SignInMethod.SECOND_FACTOR,
        origin=origin_of(request),
        detail=detail,
    )
    return redirect(_next_url(request))


def _wrong_code(request: HttpRequest, form: CodeForm, message: str) -> None:
    form.add_error("code", message)
    workflows.record_access(
        AccessKind.FAILED,
        user=request.user,
        method=SignInMethod.SECOND_FACTOR,
        origin=origin_of(request),
        detail=message,
    )


@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    """Enter the code of the authenticator set up earlier."""
    devices = list(devices_for_user(request.user, confirmed=True))
    if not devices:
        return redirect("second-factor-setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # django-otp makes each wrong code wait longer before the next may be tried.
        allowed = [device for device in devices if device.verify_is_allowed()[0]]
        for device in allowed:
            if device.verify_token(form.cleaned_data["code"]):
                return _verified(request, device, "code accepted")
        if allowed:
            _wrong_code(request, form, "That code is not right (or has expired).")
        else:
            _wrong_code(request, form, "Too many wrong codes: wait a little, then try again.")
    status = 400 if form.errors else 200
    context = {"form": form, "next": _next_url(request)}
    return render(request, "signin/second_factor.html", context, status=status)


@require_http_methods(["GET", "POST"])
def second_factor_setup(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app: scan the code (or type the key), then give one code."""
    if any(devices_for_user(request.user, confirmed=True)) and not request.user.is_verified():
        return redirect("second-factor")  # a second one only once verified with the first
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=request.user, name="Authenticator app", confirmed=False
        )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            messages.success(request, "Your authenticator app is set up.")
            return _verified(request, device, "authenticator set up")
        _wrong_code(request, form, "That code is not right: check the app's clock and try again.")
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "next": _next_url(request),
        "qr_svg": qr.svg_inline(scale=4, title="Code to scan into your authenticator app"),
        "key": _spaced(device.key),
    }
    return render(
        request, "signin/second_factor_setup.html", context, status=400 if form.errors else 200
    )


def _spaced(hex_key: str) -> str:
    """The base32 key, in groups of four, for typing into an app by hand."""
    raw = base64.b32encode(bytes.fromhex(hex_key)).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own Yardstick password (Django's password validators apply)."""

    template_name = "signin/password_change.html"
    success_url = reverse_lazy("signin-sessions")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_usable_password():
            raise Http404("Your password is kept by your organisation's directory.")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password is changed.")
        return response

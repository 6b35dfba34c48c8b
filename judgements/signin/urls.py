"""Sign-in pages; the login and logout URL names ("login", "logout") are Django's own."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from judgements.signin import oidc, views

urlpatterns = [
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", views.sign_out, name="logout"),
    path(
        "accounts/oidc/authenticate/",
        login_not_required(oidc.SignInStartView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "accounts/oidc/callback/",
        login_not_required(oidc.SignInCallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
    path("accounts/sessions/", views.your_sessions, name="signin-sessions"),
    path("accounts/sessions/<int:pk>/end/", views.end_session, name="signin-session-end"),
    path("accounts/second-factor/", views.second_factor, name="second-factor"),
    path("accounts/second-factor/setup/", views.second_factor_setup, name="second-factor-setup"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password-change"),
]

"""LDAP / Active Directory sign-in (django-auth-ldap), configured by YARDSTICK_LDAP_*.

Imported only when YARDSTICK_LDAP_SERVER_URI is set (settings name this backend then):
the embedded default runs without python-ldap.
"""

from __future__ import annotations

from django_auth_ldap.backend import LDAPBackend

from judgements.models import SignInMethod
from judgements.signin import directory


class DirectoryLDAPBackend(LDAPBackend):
    """django-auth-ldap's backend, plus: the directory's groups give roles and teams through
    the mapping at every sign-in (groups are read afresh, never cached), a user whose groups
    give nothing is refused, and a local account is never signed into from the directory."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        self._request = request
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_or_build_user(self, username, ldap_user):
        user, built = super().get_or_build_user(username, ldap_user)
        try:
            directory.check_account(user)
        except directory.Refused as refused:
            directory.refuse(
                username, str(refused), user=user, method=SignInMethod.LDAP, request=self._request
            )
            raise ldap_user.AuthenticationFailed(str(refused)) from None
        return user, built

    def authenticate_ldap_user(self, ldap_user, password):
        user = super().authenticate_ldap_user(ldap_user, password)
        if user is None:
            return None
        try:
            directory.admit(
                user,
                [*ldap_user.group_dns, *ldap_user.group_names],
                method=SignInMethod.LDAP,
                request=self._request,
            )
        except directory.Refused as refused:
            directory.refuse(
                user.get_username(),
                str(refused),
                user=user,
                method=SignInMethod.LDAP,
                request=self._request,
            )
            return None
        return user

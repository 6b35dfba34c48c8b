"""What LDAP, OpenID Connect and the proxy share: a directory user is admitted, refused, or
has their roles and teams brought up to date (docs/design.md §1.4)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from judgements import access, workflows
from judgements.models import AccessKind
from judgements.signin.mapping import Grants
from judgements.signin.origin import origin_of

LOCAL_ACCOUNT = "a local account has this username (directory sign-ins never use it)"
NO_ACCESS = "the directory gives no Yardstick role or team"


class Refused(Exception):
    """A directory sign-in (or recheck) that must not go through; the message says why."""


def grants_for(groups) -> Grants:
    return settings.YARDSTICK_DIRECTORY_MAPPING.grants_for(groups)


def check_account(user) -> None:
    """A directory never signs into an account that has its own password here, so that a
    directory user cannot take over a local account (the break-glass admin, say)."""
    if user.pk and user.has_usable_password():
        raise Refused(LOCAL_ACCOUNT)
    if user.pk and not user.is_active:
        raise Refused("the account is deactivated in Yardstick")


def check_groups(groups) -> None:
    """Refuse, before any account is made, someone whose groups give nothing."""
    mapping = settings.YARDSTICK_DIRECTORY_MAPPING
    if mapping and access.directory_access(grants_for(groups)) is None:
        raise Refused(NO_ACCESS)


def admit(user, groups, *, method: str, request: HttpRequest | None) -> None:
    """Apply the mapping to a directory user at sign-in or recheck; raise Refused when their
    groups give nothing. With no mapping configured, roles and teams are set by hand."""
    mapping = settings.YARDSTICK_DIRECTORY_MAPPING
    if not mapping:
        return
    granted = access.directory_access(grants_for(groups))
    if granted is None:
        raise Refused(NO_ACCESS)
    workflows.apply_directory_access(
        user,
        granted,
        managed_teams=mapping.teams,
        method=method,
        origin=origin_of(request),
    )


def refuse(username: str, reason: str, *, user=None, method: str, request) -> None:
    """Write the refusal, with its reason, to the access audit (once: the failure Django
    then signals is not written again)."""
    if request is not None:
        request.signin_refused = True
    workflows.record_access(
        AccessKind.REFUSED,
        user=user if user is not None and user.pk else None,
        username=username,
        method=method,
        origin=origin_of(request),
        detail=reason,
    )

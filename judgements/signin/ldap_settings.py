"""django-auth-ldap's settings (AUTH_LDAP_*) from YARDSTICK_LDAP_* variables.

Imported by settings only when YARDSTICK_LDAP_SERVER_URI is set (python-ldap is not part of
the embedded default); the tests build their settings through the same function.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ldap
from django_auth_ldap import config

GROUP_TYPES = {
    "groupOfNames": (config.GroupOfNamesType, "(objectClass=groupOfNames)"),
    "groupOfUniqueNames": (config.GroupOfUniqueNamesType, "(objectClass=groupOfUniqueNames)"),
    "posixGroup": (config.PosixGroupType, "(objectClass=posixGroup)"),
    "activeDirectory": (config.NestedActiveDirectoryGroupType, "(objectClass=group)"),
}
TRUE = {"1", "true", "yes", "on"}


def from_environment(env: Mapping[str, str]) -> dict[str, Any]:
    """The AUTH_LDAP_* settings; ValueError names the variable that is wrong."""
    uri = env.get("YARDSTICK_LDAP_SERVER_URI", "")
    start_tls = env.get("YARDSTICK_LDAP_START_TLS", "").strip().lower() in TRUE
    if uri.startswith("ldap://") and not start_tls:
        raise ValueError(
            "YARDSTICK_LDAP_SERVER_URI is plain ldap://: set YARDSTICK_LDAP_START_TLS=1 or use "
            "ldaps://, so that passwords never cross the network in clear."
        )
    group_type = env.get("YARDSTICK_LDAP_GROUP_TYPE") or "groupOfNames"
    if group_type not in GROUP_TYPES:
        raise ValueError(
            f"YARDSTICK_LDAP_GROUP_TYPE must be one of {', '.join(GROUP_TYPES)}; got {group_type!r}"
        )
    for name in ("YARDSTICK_LDAP_USER_SEARCH_BASE", "YARDSTICK_LDAP_GROUP_SEARCH_BASE"):
        if not env.get(name):
            raise ValueError(f"{name} must be set when LDAP sign-in is on.")
    group_class, group_filter = GROUP_TYPES[group_type]
    options: dict[int, Any] = {ldap.OPT_REFERRALS: 0, ldap.OPT_NETWORK_TIMEOUT: 10}
    if env.get("YARDSTICK_LDAP_CA_FILE"):
        options[ldap.OPT_X_TLS_CACERTFILE] = env["YARDSTICK_LDAP_CA_FILE"]
    options[ldap.OPT_X_TLS_REQUIRE_CERT] = ldap.OPT_X_TLS_DEMAND
    options[ldap.OPT_X_TLS_NEWCTX] = 0  # last: makes the TLS options above take effect
    return {
        "AUTH_LDAP_SERVER_URI": uri,
        "AUTH_LDAP_START_TLS": start_tls,
        "AUTH_LDAP_BIND_DN": env.get("YARDSTICK_LDAP_BIND_DN", ""),
        "AUTH_LDAP_BIND_PASSWORD": env.get("YARDSTICK_LDAP_BIND_PASSWORD", ""),
        "AUTH_LDAP_USER_SEARCH": config.LDAPSearch(
            env["YARDSTICK_LDAP_USER_SEARCH_BASE"],
            ldap.SCOPE_SUBTREE,
            env.get("YARDSTICK_LDAP_USER_FILTER") or "(uid=%(user)s)",
        ),
        "AUTH_LDAP_GROUP_SEARCH": config.LDAPSearch(
            env["YARDSTICK_LDAP_GROUP_SEARCH_BASE"],
            ldap.SCOPE_SUBTREE,
            env.get("YARDSTICK_LDAP_GROUP_FILTER") or group_filter,
        ),
        "AUTH_LDAP_GROUP_TYPE": group_class(),
        "AUTH_LDAP_USER_ATTR_MAP": {"first_name": "givenName", "last_name": "sn", "email": "mail"},
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,
        "AUTH_LDAP_CACHE_TIMEOUT": 0,  # groups are read afresh at every sign-in
        "AUTH_LDAP_CONNECTION_OPTIONS": options,
    }

"""Directory groups to Yardstick roles and teams (docs/design.md §1.4).

The mapping is a table from a directory group (an LDAP group's DN or name, a value of the
OIDC groups claim, a group the proxy names) to what membership gives:

- a role: ``analyst``, ``lead``, ``leadership`` or ``admin``;
- a team: ``member:<team slug>`` or ``lead:<team slug>``.

It is read once at start-up from ``YARDSTICK_DIRECTORY_MAPPING`` (JSON) or from the file
named by ``YARDSTICK_DIRECTORY_MAPPING_FILE`` (TOML, or JSON when the name ends in .json):

    "cn=yardstick-analysts,ou=groups,dc=example,dc=org" = ["analyst", "member:east-asia"]
    "/yardstick/leads" = ["lead", "lead:east-asia"]

Groups match without regard to case. Pure: no Django import, so settings can load it and
refuse to start on a bad mapping.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

# The values of access.Role (a test keeps the two equal).
ROLE_NAMES = ("analyst", "lead", "leadership", "admin")
TEAM_KINDS = ("member", "lead")


class MappingError(ValueError):
    pass


@dataclass(frozen=True)
class Grants:
    """What a directory user's groups give them."""

    roles: frozenset[str] = frozenset()
    member_of: frozenset[str] = frozenset()  # team slugs
    leads: frozenset[str] = frozenset()

    @property
    def nothing(self) -> bool:
        return not (self.roles or self.member_of or self.leads)


@dataclass(frozen=True)
class DirectoryMapping:
    rules: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def grants_for(self, groups: Iterable[str]) -> Grants:
        roles, member_of, leads = set(), set(), set()
        for group in groups:
            for grant in self.rules.get(str(group).strip().lower(), ()):
                kind, _, slug = grant.partition(":")
                if not slug:
                    roles.add(kind)
                elif kind == "member":
                    member_of.add(slug)
                else:
                    leads.add(slug)
        return Grants(frozenset(roles), frozenset(member_of), frozenset(leads))

    @property
    def teams(self) -> frozenset[str]:
        """The slugs of the teams the directory manages (all others are set by hand)."""
        return frozenset(
            grant.partition(":")[2] for grants in self.rules.values() for grant in grants
        ) - {""}

    def __bool__(self) -> bool:
        return bool(self.rules)


def _grant(value: object, group: str) -> str:
    if not isinstance(value, str):
        raise MappingError(f"group {group!r}: each grant must be a string, got {value!r}")
    grant = value.strip().lower()
    kind, colon, slug = grant.partition(":")
    if not colon and kind in ROLE_NAMES:
        return grant
    if colon and kind in TEAM_KINDS and slug and all(c.isalnum() or c in "-_" for c in slug):
        return grant
    raise MappingError(
        f"group {group!r}: {value!r} is neither a role ({', '.join(ROLE_NAMES)}) "
        "nor member:<team slug> / lead:<team slug>"
    )


def parse(raw: object) -> DirectoryMapping:
    """A mapping from its decoded JSON or TOML: {group: grant or [grants]}."""
    if not isinstance(raw, Mapping):
        raise MappingError("it must be a table of group = [grants]")
    rules: dict[str, tuple[str, ...]] = {}
    for group, grants in raw.items():
        key = str(group).strip().lower()
        if not key:
            raise MappingError("a group name is empty")
        values = [grants] if isinstance(grants, str) else grants
        if not isinstance(values, list) or not values:
            raise MappingError(f"group {group!r}: give a grant or a list of grants")
        rules[key] = tuple(
            dict.fromkeys(rules.get(key, ()) + tuple(_grant(v, group) for v in values))
        )
    return DirectoryMapping(rules)


def load(*, text: str = "", path: str = "") -> DirectoryMapping:
    """The mapping from JSON text or a file; empty when neither is given.

    Raises MappingError with a message saying what is wrong (the caller names the variable).
    """
    if text and path:
        raise MappingError("give the mapping as text or as a file, not both")
    try:
        if path:
            content = Path(path).read_text(encoding="utf-8")
            decoded = json.loads(content) if path.endswith(".json") else tomllib.loads(content)
        elif text:
            decoded = json.loads(text)
        else:
            return DirectoryMapping()
    except OSError as error:
        raise MappingError(f"cannot read {path}: {error.strerror}") from None
    except (ValueError, tomllib.TOMLDecodeError) as error:
        raise MappingError(
            f"not valid {'TOML' if path and not path.endswith('.json') else 'JSON'}: {error}"
        ) from None
    return parse(decoded)

"""Every "who may see / change what" rule (docs/design.md §1).

Pages, htmx fragments, exports, emails and commands ask these functions; templates get their
answers as context (``navigation`` for the header, ``can_*`` flags from the views), never by
testing roles themselves.

- analyst: sees the judgements of own teams; creates judgements in own teams; logs
  indicators on own teams' judgements; edits, revises and resolves the ones they own; edits
  or retracts only the indicators they logged.
- lead: as an analyst, plus changes everything in the teams they lead (edit, revise,
  reassign, resolve and re-resolve anyone's judgement, edit or retract any indicator).
- leadership: sees everything, changes nothing (muting the alerts of a judgement they watch
  is their own email, not a change to it).
- admin: sees everything; manages users, teams, roles and settings in the Django admin; in
  the app changes only what a lead (in teams they lead) or an analyst (in own teams) may.
- no role: sees the judgements of own teams, changes nothing.

A user's role is the highest of their Django groups (created by a migration; a superuser is
an admin); "own teams" are those where the user is in ``Team.members`` or ``Team.leads``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q, QuerySet
from django.urls import reverse

from judgements.models import Assessment, Judgement, Resolution, Team

if TYPE_CHECKING:
    from judgements.models import Indicator


class Role(models.TextChoices):
    ANALYST = "analyst", "Analyst"
    LEAD = "lead", "Team lead"
    LEADERSHIP = "leadership", "Leadership"
    ADMIN = "admin", "Admin"


GROUP_NAMES = {
    Role.ANALYST: "Analysts",
    Role.LEAD: "Team leads",
    Role.LEADERSHIP: "Leadership",
    Role.ADMIN: "Admins",
}


def _cached(user, name: str, compute):
    """Memoise a per-request fact about a user on the user object itself."""
    key = f"_yardstick_{name}"
    if not hasattr(user, key):
        setattr(user, key, compute())
    return getattr(user, key)


def group_names(user) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    return _cached(user, "groups", lambda: frozenset(user.groups.values_list("name", flat=True)))


def role_of(user) -> Role | None:
    """The user's highest role."""
    if not user.is_authenticated:
        return None
    names = group_names(user)
    if user.is_superuser or GROUP_NAMES[Role.ADMIN] in names:
        return Role.ADMIN
    for role in (Role.LEADERSHIP, Role.LEAD, Role.ANALYST):
        if GROUP_NAMES[role] in names:
            return role
    return None


def team_ids(user) -> frozenset[int]:
    """Teams the user belongs to, as member or lead."""
    if not user.is_authenticated:
        return frozenset()

    def compute() -> frozenset[int]:
        member = set(user.teams.values_list("pk", flat=True))
        return frozenset(member | led_team_ids(user))

    return _cached(user, "team_ids", compute)


def _led(user) -> tuple[frozenset[int], frozenset[int]]:
    """The teams a user leads and their members, in one query (cached per request)."""

    def compute() -> tuple[frozenset[int], frozenset[int]]:
        rows = list(Team.objects.filter(leads=user).values_list("pk", "members"))
        return frozenset(pk for pk, _ in rows), frozenset(m for _, m in rows if m is not None)

    return _cached(user, "led_team_ids", compute)  # the name workflows.py clears


def led_team_ids(user) -> frozenset[int]:
    if not user.is_authenticated:
        return frozenset()
    return _led(user)[0]


def sees_everything(user) -> bool:
    return role_of(user) in (Role.LEADERSHIP, Role.ADMIN)


def is_read_only(user) -> bool:
    return role_of(user) in (Role.LEADERSHIP, None)


def can_view(user, judgement: Judgement) -> bool:
    return sees_everything(user) or judgement.team_id in team_ids(user)


def visible_judgements(user, judgements: QuerySet[Judgement] | None = None) -> QuerySet[Judgement]:
    """The SQL form of ``can_view``: the judgements (of ``judgements``, default all) the user
    may see."""
    judgements = Judgement.objects.all() if judgements is None else judgements
    if sees_everything(user):
        return judgements
    return judgements.filter(team_id__in=team_ids(user))


def visible_resolutions(user, resolutions: QuerySet[Resolution]) -> QuerySet[Resolution]:
    """Resolutions of the judgements the user may see."""
    if sees_everything(user):
        return resolutions
    return resolutions.filter(judgement__team_id__in=team_ids(user))


def can_view_assessment(user, assessment: Assessment) -> bool:
    """An assessment's page: its team's people, leadership and admins. The page lists only
    the judgements the viewer may see (``visible_judgements``)."""
    return sees_everything(user) or assessment.team_id in team_ids(user)


def viewers_of(team_ids, *, prefix: str = "") -> Q:
    """The SQL form of ``can_view`` for users (at ``prefix``, e.g. "user__"): members and leads
    of the teams, leadership and admins."""
    sees_all = [GROUP_NAMES[Role.LEADERSHIP], GROUP_NAMES[Role.ADMIN]]
    return (
        Q(**{f"{prefix}teams__in": team_ids})
        | Q(**{f"{prefix}led_teams__in": team_ids})
        | Q(**{f"{prefix}groups__name__in": sees_all})
        | Q(**{f"{prefix}is_superuser": True})
    )


def leads(user, judgement: Judgement) -> bool:
    return role_of(user) in (Role.LEAD, Role.ADMIN) and judgement.team_id in led_team_ids(user)


def can_create_in(user, team_id: int) -> bool:
    return not is_read_only(user) and team_id in team_ids(user)


def creatable_team_ids(user) -> list[int]:
    """Teams the user may create judgements in (by hand or by importing a report)."""
    return sorted(pk for pk in team_ids(user) if can_create_in(user, pk))


def can_create_anywhere(user) -> bool:
    return bool(creatable_team_ids(user))


def can_import_report(user) -> bool:
    """Import report creates judgements, so it is for those who may create them."""
    return can_create_anywhere(user)


def may_own_for_others(user, team: Team) -> bool:
    """Only a lead of the team makes someone else the owner of a new judgement."""
    return team.pk in led_team_ids(user)


def can_log_indicator(user, judgement: Judgement) -> bool:
    return not is_read_only(user) and judgement.team_id in team_ids(user)


def can_edit(user, judgement: Judgement) -> bool:
    """Edit the statement, criteria, window and watchers; revise the estimate; resolve."""
    if is_read_only(user):
        return False
    return leads(user, judgement) or (
        judgement.owner_id == user.pk and judgement.team_id in team_ids(user)
    )


def can_reassign(user, judgement: Judgement) -> bool:
    return leads(user, judgement)


def can_reresolve(user, judgement: Judgement) -> bool:
    return leads(user, judgement)


def can_resolve(user, judgement: Judgement) -> bool:
    """Resolve an open judgement (owner or lead), or re-resolve a resolved one (lead)."""
    if judgement.resolution_id is not None:
        return can_reresolve(user, judgement)
    return can_edit(user, judgement)


def can_change_indicator(user, indicator: Indicator) -> bool:
    """Edit or retract: whoever logged it, or a lead of its team."""
    judgement = indicator.judgement
    if not can_log_indicator(user, judgement):
        return False
    return indicator.logged_by_id == user.pk or leads(user, judgement)


def group_for(role: Role) -> Group:
    """The Django group of a role (created by migration 0002; recreated if a test flushed it)."""
    return Group.objects.get_or_create(name=GROUP_NAMES[role])[0]


def can_view_track_record(user, person) -> bool:
    """Own record; leadership and admins see all; leads see members of teams they lead."""
    role = role_of(user)
    if role is None:
        return False
    if sees_everything(user) or user.pk == person.pk:
        return True
    if role != Role.LEAD:
        return False
    return person.teams.filter(pk__in=led_team_ids(user)).exists()


EVERYONE = None  # what ``record_people`` answers for a user who may read every record


def record_people(user) -> frozenset[int] | None:
    """The people whose track records ``user`` may read, as user ids (``EVERYONE``: all):
    the SQL-free form of ``can_view_track_record`` for pages that link many names (a lead's
    members come with the teams they lead, already fetched for the page)."""
    role = role_of(user)
    if role is None:
        return frozenset()
    if sees_everything(user):
        return EVERYONE
    if role != Role.LEAD:
        return frozenset({user.pk})

    # The members of the teams a lead leads come with those teams: no query of its own.
    return frozenset({user.pk, *_led(user)[1]})


def may_read_record_of(user, person_id: int | None) -> bool:
    people = record_people(user)
    return person_id is not None and (people is EVERYONE or person_id in people)


def may_read_team_record(user, team_id: int | None) -> bool:
    """``can_view_team_track_record`` without a query."""
    if team_id is None or role_of(user) is None:
        return False
    return sees_everything(user) or team_id in team_ids(user)


def can_view_team_track_record(user, team) -> bool:
    return role_of(user) is not None and (sees_everything(user) or team.pk in team_ids(user))


def can_view_member_rows(user, team) -> bool:
    """The per-person rows of a team's track record: for who may see each member's record."""
    return sees_everything(user) or team.pk in led_team_ids(user)


# --- Topics ---------------------------------------------------------------------------------


def can_manage_topics(user) -> bool:
    """The controlled vocabulary of topics (add, rename, describe, retire): team leads and
    admins, on the topics pages of the app; admins also in the Django admin."""
    return role_of(user) in (Role.LEAD, Role.ADMIN)


def can_view_topic_scores(user) -> bool:
    """A topic page shows the scores of the judgements the viewer may see, to those who have
    track records at all (any role)."""
    return role_of(user) is not None


def can_file_assessment(user, assessment: Assessment) -> bool:
    """An assessment's topics (which all its judgements inherit): leads of its team."""
    return role_of(user) in (Role.LEAD, Role.ADMIN) and assessment.team_id in led_team_ids(user)


# --- The dashboard --------------------------------------------------------------------------


def can_view_dashboard(user) -> bool:
    """Leadership, admins and team leads (who see the teams they belong to)."""
    return role_of(user) in (Role.LEADERSHIP, Role.ADMIN, Role.LEAD)


def dashboard_teams(user) -> QuerySet[Team]:
    """The teams a dashboard reader may pick from."""
    teams = Team.objects.all()
    if sees_everything(user):
        return teams
    return teams.filter(pk__in=team_ids(user))


# --- Alerts ---------------------------------------------------------------------------------


def can_mute(user, watch) -> bool:
    """A watcher mutes their own alerts, whatever their role: muting changes which email they
    get, not the judgement, so read-only leadership may too (docs/design.md §1.2). Owners
    are not watchers, so they cannot."""
    return watch is not None and watch.user_id == user.pk


# --- Signposts and fresh estimates (docs/design.md §2.10, §5.12) -------------------------------


def can_change_signposts(user, judgement: Judgement) -> bool:
    """Add, edit, withdraw a signpost, or mark one seen: the owner or a lead (as ``can_edit``)."""
    return can_edit(user, judgement)


def can_link_signpost(user, judgement: Judgement) -> bool:
    """Whoever logs an indicator may say which of the judgement's signposts it shows."""
    return can_log_indicator(user, judgement)


def can_reaffirm(user, judgement: Judgement) -> bool:
    """Reaffirming is a revision with the same number: who may revise may reaffirm."""
    return can_edit(user, judgement)


def watchers_who_see(*, prefix: str = "user__", team: str = "judgement__team") -> Q:
    """The SQL form of ``can_view`` for a watch's user against its own judgement's team, so a
    query over many judgements' watchers needs no team ids: members and leads of the team,
    leadership and admins."""
    sees_all = [GROUP_NAMES[Role.LEADERSHIP], GROUP_NAMES[Role.ADMIN]]
    return (
        Q(**{f"{prefix}teams": models.F(team)})
        | Q(**{f"{prefix}led_teams": models.F(team)})
        | Q(**{f"{prefix}groups__name__in": sees_all})
        | Q(**{f"{prefix}is_superuser": True})
    )


def gets_weekly_digest() -> Q:
    """Who gets the personal weekly digest: users whose role is Analyst or Team lead (not
    leadership, who get theirs, nor admins), as a condition on users."""
    above = [GROUP_NAMES[Role.LEADERSHIP], GROUP_NAMES[Role.ADMIN]]
    mine = [GROUP_NAMES[Role.ANALYST], GROUP_NAMES[Role.LEAD]]
    # Through the membership table: its user ids are never NULL (a NOT IN over NULLs is empty).
    members_above = Group.user_set.through.objects.filter(group__name__in=above)
    return Q(groups__name__in=mine, is_superuser=False) & ~Q(pk__in=members_above.values("user_id"))


def weekly_digest_scope(user) -> Q:
    """ "Their judgements" in a personal digest: the ones they own, and for a lead also those
    of the teams they lead."""
    condition = Q(owner=user)
    if role_of(user) == Role.LEAD:
        condition |= Q(team_id__in=led_team_ids(user))
    return condition


# --- The header -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Navigation:
    """What the header offers a user: only the doors they may go through."""

    role: Role | None
    dashboard: bool
    import_report: bool
    new_judgement: bool
    track_record_url: str | None  # None: no role, no record to read
    people: bool = False  # the People and teams page: whoever reads more than one record


def navigation(user) -> Navigation:
    can_create = can_create_anywhere(user)
    role = role_of(user)
    return Navigation(
        role=role,
        dashboard=can_view_dashboard(user),
        import_report=can_create,
        new_judgement=can_create,
        # Leadership and admins have no record of their own to speak of: theirs is People.
        track_record_url=(
            reverse("track-record-user", args=[user.get_username()])
            if role in (Role.ANALYST, Role.LEAD)
            else None
        ),
        people=role is not None,
    )


def home_url(user) -> str:
    """Where each role's work is: leadership, admins and leads on the dashboard (what is
    expiring, overdue and contested in their teams), everyone else on the judgement list."""
    if can_view_dashboard(user):
        return reverse("dashboard")
    return reverse("judgement-list")


# --- Sign-in and the directory (docs/design.md §1.4) ---------------------------------------


def uses_admin_site(role: Role | None) -> bool:
    """Admins manage the site there; leadership reads the access audit there."""
    return role in (Role.ADMIN, Role.LEADERSHIP)


def can_read_access_audit(user) -> bool:
    return user.is_active and role_of(user) in (Role.ADMIN, Role.LEADERSHIP)


def can_set_sign_in_policy(user) -> bool:
    return user.is_active and role_of(user) == Role.ADMIN


def needs_second_factor(user, policy) -> bool:
    """Whether the policy makes this user's role give a one-time code after the password."""
    role = role_of(user)
    return (role == Role.ADMIN and policy.totp_for_admins) or (
        role == Role.LEADERSHIP and policy.totp_for_leadership
    )


@dataclass(frozen=True)
class DirectoryAccess:
    """What a directory user gets from their groups: role groups, admin site, teams."""

    role_groups: frozenset[str]
    admin_site: bool
    member_of: frozenset[str]  # team slugs
    leads: frozenset[str]


def directory_access(grants) -> DirectoryAccess | None:
    """The access a directory user's grants give (``signin.mapping.Grants``), or None when
    they give nothing at all: such a user is refused, and signed out at the next recheck.

    The highest role wins, as for groups set by hand; only that role's group is kept, so
    that a role taken away in the directory is taken away here.
    """
    if grants.nothing:
        return None
    roles = [
        role
        for role in (Role.ADMIN, Role.LEADERSHIP, Role.LEAD, Role.ANALYST)
        if role.value in grants.roles
    ]
    role = roles[0] if roles else None
    return DirectoryAccess(
        role_groups=frozenset([GROUP_NAMES[role]] if role else []),
        admin_site=uses_admin_site(role),
        member_of=frozenset(grants.member_of),
        leads=frozenset(grants.leads),
    )


ROLE_GROUP_NAMES = frozenset(GROUP_NAMES.values())

"""The people and judgements tests build, in one place (the named personas are fixtures in
conftest.py). Everything goes through the app's own workflows, as a user's actions would."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone

from judgements import workflows
from judgements.access import Role, group_for
from judgements.models import Judgement

STATEMENT = "North Korea will conduct illegal commercial activities."


def make_user(username: str, role: Role, *, teams=(), leads=()) -> User:
    user = User.objects.create_user(
        username=username,
        password=f"pw-{username}",
        email=f"{username}@example.org",
        first_name=username.title(),
    )
    user.groups.add(group_for(role))
    for team in teams:
        team.members.add(user)
    for team in leads:
        team.leads.add(user)
    return user


def make_judgement(
    owner,
    team,
    statement: str = STATEMENT,
    probability: str | Decimal | float = "0.85",
    *,
    days_ago: int | None = None,
    ends_in: int | None = None,
    length: int | None = None,
    **fields,
) -> Judgement:
    """A judgement created by its owner, with its first estimate made when its window opened.

    The window: ``days_ago`` it started (ending 12 months later, or after ``length`` days), or
    it ends in ``ends_in`` days (after ``length`` days, default 365); else as given in
    ``fields`` (``window_start`` / ``window_end``) or the workflow's default (from today).
    The first estimate is made on the window's first day at the current time of day (never
    in the future), as if the owner had written it then.
    """
    today = timezone.localdate()
    if ends_in is not None:
        fields["window_end"] = today + dt.timedelta(days=ends_in)
        fields["window_start"] = fields["window_end"] - dt.timedelta(days=length or 365)
    elif days_ago is not None:
        fields["window_start"] = today - dt.timedelta(days=days_ago)
        if length is not None:
            fields["window_end"] = fields["window_start"] + dt.timedelta(days=length)
    if "now" not in fields and fields.get("window_start") is not None:
        back = max((today - fields["window_start"]).days, 0)
        fields["now"] = timezone.now() - dt.timedelta(days=back)
    return workflows.create_judgement(
        by=owner,
        statement=statement,
        team=team,
        owner=owner,
        probability=Decimal(str(probability)),
        **fields,
    )

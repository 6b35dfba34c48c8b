"""The alert policy (docs/design.md §5): thresholds, catch-up, arming, and who gets what.

Each judgement has a fixed series of thresholds relative to its window end, in days:
``-30, -7`` (warning), ``0`` (due: "resolve it now"), then every ``+7`` while it awaits
resolution (overdue), and from ``+14`` on the team lead is copied (escalation). The numbers
come from settings (``YARDSTICK_ALERT_DAYS_BEFORE``, ``YARDSTICK_OVERDUE_EVERY_DAYS``,
``YARDSTICK_ESCALATE_AFTER_DAYS``). A threshold falls due at 00:00 site time of its day.

``Judgement.next_alert_at`` is when the judgement next needs a look; the workflows set it
with ``first_alert_at`` and ``rearm`` and clear it on resolution (``cancel_pending``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from judgements.access import GROUP_NAMES, Role, viewers_of
from judgements.core.dates import start_of_day
from judgements.models import Alert, AlertKind, Judgement, Status, Watch, warning_days


def offsets() -> Iterator[int]:
    """Threshold offsets in days from window end, in order: -30, -7, 0, 7, 14, 21, …"""
    yield from sorted({-days for days in settings.YARDSTICK_ALERT_DAYS_BEFORE})
    every = settings.YARDSTICK_OVERDUE_EVERY_DAYS
    offset = every
    while True:
        yield offset
        offset += every


def kind_for(offset_days: int) -> AlertKind:
    if offset_days < 0:
        return AlertKind.WARNING
    if offset_days == 0:
        return AlertKind.DUE
    if offset_days < settings.YARDSTICK_ESCALATE_AFTER_DAYS:
        return AlertKind.OVERDUE
    return AlertKind.ESCALATION


def due_at(window_end: dt.date, offset_days: int) -> dt.datetime:
    """00:00 site time of the threshold's day."""
    day = window_end + dt.timedelta(days=offset_days)
    return start_of_day(day, timezone.get_current_timezone())


@dataclass(frozen=True)
class Plan:
    """What a scan does for one judgement: send one, skip the older ones, look again later."""

    send: int | None
    skip: list[int] = field(default_factory=list)
    next_at: dt.datetime | None = None


def plan(window_end: dt.date, *, since: dt.datetime, now: dt.datetime) -> Plan:
    """Thresholds due in [since, now]: the most urgent is sent, the others skipped."""
    due: list[int] = []
    for offset in offsets():
        moment = due_at(window_end, offset)
        if moment > now:
            return Plan(send=due[-1] if due else None, skip=due[:-1], next_at=moment)
        if moment >= since:
            due.append(offset)
    raise AssertionError("unreachable: the offsets never end")


# --- Arming (called by the workflows and the bulk writers) ----------------------------------


def first_alert_at(judgement: Judgement) -> dt.datetime | None:
    """00:00 (site time) of the day the first threshold before window end falls due."""
    if judgement.resolution_id is not None:
        return None
    return due_at(judgement.window_end, next(offsets()))


def rearm(judgement: Judgement) -> dt.datetime | None:
    """The window end moved: pending alerts of the old date go, the schedule restarts.

    Alert rows are keyed on window end, so the new date's thresholds are new rows.
    """
    Alert.objects.filter(
        judgement=judgement, sent_at=None, skipped_at=None, cancelled_at=None
    ).exclude(window_end=judgement.window_end).update(cancelled_at=timezone.now())
    return first_alert_at(judgement)


def cancel_pending(judgement: Judgement, *, now: dt.datetime) -> int:
    """Resolving or annulling cancels whatever has not been sent."""
    return Alert.objects.filter(
        judgement=judgement, sent_at=None, skipped_at=None, cancelled_at=None
    ).update(cancelled_at=now)


# --- Who gets what --------------------------------------------------------------------------


def recipients(alert: Alert) -> tuple[list[str], list[str]]:
    """(to, cc): the owner; watchers who can see it and have not muted it; leads on escalation."""
    judgement = alert.judgement
    owner = judgement.owner
    to = [owner.email] if owner.is_active and owner.email else []
    # A watcher who has since left the team no longer sees the judgement, nor its alerts:
    # one query, whatever the number of watchers.
    cc = list(
        Watch.objects.filter(judgement=judgement, muted=False, user__is_active=True)
        .filter(viewers_of([judgement.team_id], prefix="user__"))
        .order_by("user__username")
        .values_list("user__email", flat=True)
        .distinct()
    )
    if alert.kind == AlertKind.ESCALATION:
        cc += judgement.team.leads.filter(is_active=True).values_list("email", flat=True)
    seen = set(to)
    unique_cc = []
    for address in cc:
        if address and address not in seen:
            seen.add(address)
            unique_cc.append(address)
    return to, unique_cc


def digest_recipients() -> list[str]:
    """Everyone in Leadership with an email address."""
    users = get_user_model().objects.filter(
        groups__name=GROUP_NAMES[Role.LEADERSHIP], is_active=True
    )
    return sorted({u.email for u in users if u.email})


# --- The weekly digest ----------------------------------------------------------------------


def digest_week(now: dt.datetime) -> tuple[dt.date, dt.datetime]:
    """Monday of ``now``'s week, and the moment that week's digest falls due."""
    today = timezone.localdate(now)
    monday = today - dt.timedelta(days=today.weekday())
    day = monday + dt.timedelta(days=settings.YARDSTICK_DIGEST_WEEKDAY)
    moment = start_of_day(day, timezone.get_current_timezone()) + dt.timedelta(
        hours=settings.YARDSTICK_DIGEST_HOUR
    )
    return monday, moment


@dataclass(frozen=True)
class DigestRow:
    judgement: Judgement
    days: int  # left (expiring) or overdue, counted in whole days


@dataclass(frozen=True)
class DigestContents:
    today: dt.date
    horizon: int  # days ahead that count as expiring
    expiring: list[DigestRow]
    overdue: list[DigestRow]


def digest_contents(*, today: dt.date) -> DigestContents:
    """What leadership reads on Monday: what expires soon, and what is overdue."""
    base = Judgement.objects.select_related("owner", "team", "current_estimate")

    def rows(status: Status) -> list[DigestRow]:
        found = base.with_status(status, today=today).order_by("window_end")
        return [DigestRow(j, abs(j.days_left(today))) for j in found]

    return DigestContents(today, warning_days(), rows(Status.EXPIRING), rows(Status.AWAITING))

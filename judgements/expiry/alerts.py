"""The expiry watch (docs/design.md §5): when alerts fall due, claim them once, send them.

Policy. Each judgement has a fixed series of thresholds relative to its window end, in days:
``-30, -7`` (warning), ``0`` (due: "resolve it now"), then every ``+7`` while it awaits
resolution (overdue), and from ``+14`` on the team lead is copied (escalation). The numbers
come from settings (``YARDSTICK_ALERT_DAYS_BEFORE``, ``YARDSTICK_OVERDUE_EVERY_DAYS``,
``YARDSTICK_ESCALATE_AFTER_DAYS``). A threshold falls due at 00:00 site time of its day.

How it stays exactly once, per judgement, threshold and window end:

- ``Judgement.next_alert_at`` (partially indexed) is when the judgement next needs a look.
  ``scan`` selects only rows whose moment has passed, so it is one index probe when nothing
  is due, and moves the moment on to the next threshold in the same transaction.
- Every threshold becomes at most one ``Alert`` row: the unique constraint on (judgement,
  offset_days, window_end) backs it, and rows are inserted with ``ignore_conflicts``.
  Concurrent scans on PostgreSQL also split the work with ``SKIP LOCKED``; on SQLite the
  writes are serialised (``BEGIN IMMEDIATE``), and the second scan finds nothing due.
- A run that was missed catches up: of the thresholds that passed since the last look, only
  the most urgent is sent; the older ones are stored as skipped rows, never sent in a burst.
- Sending claims the row with a filtered ``update()`` and acts only if it changed one row
  (the healthchecks idiom). Duplicate task messages (retries, redelivery after a restart)
  find the row claimed or sent and do nothing.
- A worker killed mid-send leaves a claim without ``sent_at``. Such a claim is honoured for
  ``YARDSTICK_ALERT_CLAIM_TIMEOUT_SECONDS`` (default 10 minutes, far above the SMTP timeout, so
  the claimant has surely finished or died), after which ``requeue_stale`` hands it to a
  worker again: it is retried, not lost. The one case that can still double is a worker that
  dies after the SMTP server accepted the message and before ``sent_at`` was committed; the
  message carries a stable ``Message-ID`` per alert so mail systems can drop the copy. The
  alternative (never retrying a stale claim) would lose alerts instead, which is worse.
- Task messages lost with Redis (a restart without persistence) or a broker that was down
  when the scan committed: the alert row is there, pending; ``requeue_stale`` re-enqueues
  pending alerts nobody has touched for the claim timeout.
- A failed send records its error on the row and raises ``SendFailed``; the Celery task
  retries it with backoff. Each alert is its own task, so one failure blocks no other.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from judgements.access import viewers_of
from judgements.core.dates import start_of_day
from judgements.models import Alert, AlertKind, Digest, Judgement, Watch

logger = logging.getLogger(__name__)


class SendFailed(Exception):
    """The mail server refused or was unreachable; the task retries with backoff."""


# --- Policy: pure functions over dates ------------------------------------------------------


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


# --- The scan -------------------------------------------------------------------------------


@dataclass
class ScanResult:
    judgements: int = 0
    queued: int = 0
    skipped: int = 0


def scan(*, now: dt.datetime, batch_size: int = 500, enqueue: bool = True) -> ScanResult:
    """Create the alerts that fell due and hand them to workers.

    Steps, per batch of judgements, each batch in one transaction:
    1. Lock judgements whose ``next_alert_at`` has passed (``SKIP LOCKED``: rows
       another scan holds are its business).
    2. Plan each: the most urgent due threshold becomes a pending alert, older ones skipped.
    3. Insert the alert rows in bulk, ignoring rows that already exist.
    4. Move ``next_alert_at`` to the next threshold.
    5. After commit, enqueue one send task per new pending alert (unless ``enqueue`` is
       off: ``scan_alerts --send`` sends them in its own process).
    """
    result = ScanResult()
    # Not filtered on resolution: resolving clears next_alert_at, and an extra condition
    # tempts SQLite's planner off the partial index (30 ms instead of 0.1 ms at 100,000 rows).
    # Ordered, so that "LIMIT 1" walks the index instead of hoping a table scan hits early.
    due = Judgement.objects.filter(next_alert_at__lte=now).order_by("next_alert_at")
    if not due.values_list("pk", flat=True)[:1]:
        return result  # The common case: one probe of the partial index, no transaction.
    while True:
        with transaction.atomic():
            batch = list(
                due.select_for_update(skip_locked=True, of=("self",)).only(
                    "pk", "window_end", "next_alert_at", "resolution_id"
                )[:batch_size]
            )
            if not batch:
                return result
            _arm_batch(batch, now=now, result=result, enqueue=enqueue)
        if len(batch) < batch_size:
            return result


def _arm_batch(
    batch: list[Judgement], *, now: dt.datetime, result: ScanResult, enqueue: bool
) -> None:
    rows = []
    for judgement in batch:
        assert judgement.next_alert_at is not None
        if judgement.resolution_id is not None:
            judgement.next_alert_at = None  # resolved: nothing more to say about it
            continue
        todo = plan(judgement.window_end, since=judgement.next_alert_at, now=now)
        for offset in todo.skip:
            rows.append(_alert_row(judgement, offset, now=now, skipped=True))
        if todo.send is not None:
            rows.append(_alert_row(judgement, todo.send, now=now))
        judgement.next_alert_at = todo.next_at
    Alert.objects.bulk_create(rows, ignore_conflicts=True)
    Judgement.objects.bulk_update(batch, ["next_alert_at"])
    # bulk_create with ignore_conflicts returns no ids; created_at=now marks this scan's rows.
    pending = list(
        Alert.objects.filter(
            judgement_id__in=[j.pk for j in batch],
            created_at=now,
            claimed_at=None,
            sent_at=None,
            skipped_at=None,
            cancelled_at=None,
        ).values_list("pk", flat=True)
    )
    result.judgements += len(batch)
    result.queued += len(pending)
    result.skipped += sum(1 for row in rows if row.skipped_at)
    if enqueue:
        transaction.on_commit(lambda: enqueue_alerts(pending), robust=True)


def _alert_row(judgement: Judgement, offset: int, *, now: dt.datetime, skipped=False) -> Alert:
    return Alert(
        judgement_id=judgement.pk,
        kind=kind_for(offset),
        offset_days=offset,
        window_end=judgement.window_end,
        due_at=due_at(judgement.window_end, offset),
        created_at=now,
        skipped_at=now if skipped else None,
    )


def enqueue_alerts(alert_ids: list[int]) -> None:
    from judgements import tasks  # tasks wrap this module; imported late to avoid the cycle

    for pk in alert_ids:
        tasks.send_alert.delay(pk)


def _claim_timeout() -> dt.timedelta:
    return dt.timedelta(seconds=settings.YARDSTICK_ALERT_CLAIM_TIMEOUT_SECONDS)


def requeue_stale(*, now: dt.datetime) -> int:
    """Re-enqueue pending alerts and digests nobody has touched for the claim timeout.

    Covers task messages lost with the broker and workers killed mid-send; the claim makes a
    duplicate message harmless. Alerts that failed too often stay failed, their error shown.
    """
    cutoff = now - _claim_timeout()
    stale = Q(touched__lt=cutoff, attempts__lt=settings.YARDSTICK_ALERT_MAX_ATTEMPTS)
    alert_ids = list(
        Alert.objects.filter(sent_at=None, skipped_at=None, cancelled_at=None, due_at__lte=now)
        .annotate(touched=Coalesce("claimed_at", "created_at"))
        .filter(stale)
        .values_list("pk", flat=True)
    )
    digest_ids = list(
        Digest.objects.filter(sent_at=None)
        .annotate(touched=Coalesce("claimed_at", "created_at"))
        .filter(stale)
        .values_list("pk", flat=True)
    )
    enqueue_alerts(alert_ids)
    enqueue_digests(digest_ids)
    return len(alert_ids) + len(digest_ids)


# --- Sending --------------------------------------------------------------------------------


def _claimable(now: dt.datetime) -> Q:
    """Unsent and not in someone's hands: never claimed, claimed by a dead worker, or failed."""
    return Q(sent_at=None) & (
        Q(claimed_at=None) | Q(claimed_at__lt=now - _claim_timeout()) | ~Q(error="")
    )


def _claim(queryset: models.QuerySet, pk: int, *, now: dt.datetime) -> bool:
    claimed = (
        queryset.filter(pk=pk)
        .filter(_claimable(now))
        .update(claimed_at=now, attempts=F("attempts") + 1, error="")
    )
    return claimed == 1


def send_alert(alert_id: int, *, now: dt.datetime) -> str:
    """Send one alert, exactly once. Returns what happened: sent, skipped, cancelled, taken.

    Steps:
    1. Claim the row; if nothing changed, another worker has it or it is done: stop.
    2. Resolved, or the window moved since: cancel. A more urgent alert exists: skip.
    3. Build the email for the owner, unmuted watchers and (on escalation) the team leads;
       with no address at all, skip it and say so in ``error``.
    4. Send it; record ``sent_at`` and the recipients. On failure record the error and raise
       ``SendFailed`` so the task retries; the claim stays, marked failed, so any retry can
       take it over at once.
    """
    from judgements.expiry import emails

    pending = Alert.objects.filter(skipped_at=None, cancelled_at=None)
    if not _claim(pending, alert_id, now=now):
        return "taken"  # Nothing updated: another worker got there first, or it is done.
    alert = Alert.objects.select_related(
        "judgement__owner", "judgement__team", "judgement__current_estimate"
    ).get(pk=alert_id)
    mine = Alert.objects.filter(pk=alert_id, claimed_at=now)
    judgement = alert.judgement
    if judgement.resolution_id is not None or judgement.window_end != alert.window_end:
        mine.update(cancelled_at=now)
        return "cancelled"
    if _superseded(alert):
        mine.update(skipped_at=now)
        return "skipped"
    message = emails.alert_email(alert, now=now)
    addresses = [*message.to, *message.cc]
    if not addresses:
        mine.update(skipped_at=now, error="Nobody to send it to: no one has an email address.")
        return "skipped"
    try:
        message.send()
    except Exception as exc:  # any transport error: SMTP refusal, DNS, timeout
        mine.update(error=f"{type(exc).__name__}: {exc}"[:2000])
        raise SendFailed(str(exc)) from exc
    if mine.update(sent_at=now, recipients=", ".join(addresses)) != 1:
        logger.warning("Alert %s was taken over while it was being sent", alert_id)
    return "sent"


def _superseded(alert: Alert) -> bool:
    """A later threshold of the same window already exists: this one would be noise."""
    return Alert.objects.filter(
        judgement_id=alert.judgement_id,
        window_end=alert.window_end,
        offset_days__gt=alert.offset_days,
        cancelled_at=None,
    ).exists()


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


# --- The weekly leadership digest -----------------------------------------------------------


def digest_week(now: dt.datetime) -> tuple[dt.date, dt.datetime]:
    """Monday of ``now``'s week, and the moment that week's digest falls due."""
    today = timezone.localdate(now)
    monday = today - dt.timedelta(days=today.weekday())
    day = monday + dt.timedelta(days=settings.YARDSTICK_DIGEST_WEEKDAY)
    moment = start_of_day(day, timezone.get_current_timezone()) + dt.timedelta(
        hours=settings.YARDSTICK_DIGEST_HOUR
    )
    return monday, moment


def queue_digest(*, now: dt.datetime, enqueue: bool = True) -> Digest | None:
    """Create this week's digest row once it falls due, and enqueue it; once per week.

    The unique week start is what keeps it to one: a second scan finds the row and stops.
    A missed day catches up later in the same week; a whole missed week is not sent late.
    """
    week_start, moment = digest_week(now)
    if now < moment:
        return None
    with transaction.atomic():
        digest, created = Digest.objects.get_or_create(
            week_start=week_start, defaults={"created_at": now}
        )
        if created and enqueue:
            transaction.on_commit(lambda: enqueue_digests([digest.pk]), robust=True)
    return digest if created else None


def enqueue_digests(digest_ids: list[int]) -> None:
    from judgements.expiry import tasks

    for pk in digest_ids:
        tasks.send_digest.delay(pk)


def leadership_addresses() -> list[str]:
    from judgements.access import GROUP_NAMES, Role

    users = get_user_model().objects.filter(
        groups__name=GROUP_NAMES[Role.LEADERSHIP], is_active=True
    )
    return sorted({u.email for u in users if u.email})


def send_digest(digest_id: int, *, now: dt.datetime) -> str:
    """Send the weekly digest to Leadership, exactly once (same claim as ``send_alert``)."""
    from judgements.expiry import emails

    if not _claim(Digest.objects.all(), digest_id, now=now):
        return "taken"
    digest = Digest.objects.get(pk=digest_id)
    mine = Digest.objects.filter(pk=digest_id, claimed_at=now)
    to = leadership_addresses()
    if not to:
        mine.update(sent_at=now, error="Nobody to send it to: no one in Leadership has email.")
        return "skipped"
    message = emails.digest_email(digest, to=to, now=now)
    try:
        message.send()
    except Exception as exc:
        mine.update(error=f"{type(exc).__name__}: {exc}"[:2000])
        raise SendFailed(str(exc)) from exc
    mine.update(sent_at=now, recipients=", ".join(to))
    return "sent"


def run_once(*, now: dt.datetime, enqueue: bool = True) -> dict[str, int]:
    """Everything the beat schedule does, once: what ``manage.py scan_alerts`` runs."""
    result = scan(now=now, enqueue=enqueue)
    requeued = requeue_stale(now=now) if enqueue else 0
    digest = queue_digest(now=now, enqueue=enqueue)
    return {
        "judgements": result.judgements,
        "queued": result.queued,
        "skipped": result.skipped,
        "requeued": requeued,
        "digest": 1 if digest else 0,
    }

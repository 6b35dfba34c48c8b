"""The scan: what fell due becomes alert and digest rows, handed to workers exactly once.

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
- A broker that is down when the scan commits: the rows are committed all the same, each
  row records when its message was handed to the broker (``enqueued_at``), and
  ``hand_over`` hands the ones never handed over to the workers at the next scan, once the
  broker is back (the scan itself reports what it could not hand over).
- Task messages lost with the broker (Redis restarted without persistence) or workers
  killed mid-send: ``requeue_stale`` hands pending rows nobody has touched for the claim
  timeout to a worker again.

Handing rows to workers is the caller's business: each function takes an ``enqueue``
callable (a list of ids in, nothing out; None to enqueue nothing), which ``tasks`` supplies.
One that could not hand them all to the broker raises ``NotHandedOver`` with the ones it did.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce

from judgements.expiry import policy
from judgements.models import Alert, Digest, Judgement

Enqueue = Callable[[list[int]], None]


class NotHandedOver(Exception):
    """An ``enqueue`` stopped short (the broker is down): ``handed`` are the ids it did hand
    over; the rest stay pending, not handed over, for the next scan."""

    def __init__(self, handed: list[int]) -> None:
        super().__init__(f"the broker took {len(handed)} message(s) and then no more")
        self.handed = handed


# Rows a concurrent scan has just committed are its to hand over: left alone this long.
HAND_OVER_GRACE = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class Enqueuers:
    """Where new alert and digest ids go (``tasks`` hands them to Celery)."""

    alerts: Enqueue
    digests: Enqueue


@dataclass
class ScanResult:
    judgements: int = 0
    queued: int = 0  # pending alerts committed
    skipped: int = 0
    handed_over: int = 0  # their messages handed to the broker
    not_handed_over: int = 0  # left for the next scan (the broker was down)


def _hand_to(enqueue: Enqueue, model, ids: list[int], *, now: dt.datetime) -> int:
    """Hand ``ids`` to ``enqueue`` and mark the rows it took; how many it could not take."""
    if not ids:
        return 0
    try:
        enqueue(ids)
        handed = ids
    except NotHandedOver as stopped:
        handed = stopped.handed
    model.objects.filter(pk__in=handed).update(enqueued_at=now)
    return len(ids) - len(handed)


def scan(*, now: dt.datetime, enqueue: Enqueue | None, batch_size: int = 500) -> ScanResult:
    """Create the alerts that fell due and hand them to ``enqueue``.

    Steps, per batch of judgements, each batch in one transaction:
    1. Lock judgements whose ``next_alert_at`` has passed (``SKIP LOCKED``: rows
       another scan holds are its business).
    2. Plan each: the most urgent due threshold becomes a pending alert, older ones skipped.
    3. Insert the alert rows in bulk, ignoring rows that already exist.
    4. Move ``next_alert_at`` to the next threshold.
    5. After commit, hand the new pending alerts' ids to ``enqueue`` (None: leave them
       pending, for ``scan_alerts --send`` to send in its own process).
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
    batch: list[Judgement], *, now: dt.datetime, result: ScanResult, enqueue: Enqueue | None
) -> None:
    rows = []
    for judgement in batch:
        assert judgement.next_alert_at is not None
        if judgement.resolution_id is not None:
            judgement.next_alert_at = None  # resolved: nothing more to say about it
            continue
        todo = policy.plan(judgement.window_end, since=judgement.next_alert_at, now=now)
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
    if enqueue is not None:

        def hand_over_after_commit() -> None:
            missed = _hand_to(enqueue, Alert, pending, now=now)
            result.handed_over += len(pending) - missed
            result.not_handed_over += missed

        transaction.on_commit(hand_over_after_commit)


def _alert_row(judgement: Judgement, offset: int, *, now: dt.datetime, skipped=False) -> Alert:
    return Alert(
        judgement_id=judgement.pk,
        kind=policy.kind_for(offset),
        offset_days=offset,
        window_end=judgement.window_end,
        due_at=policy.due_at(judgement.window_end, offset),
        created_at=now,
        skipped_at=now if skipped else None,
    )


def claim_timeout() -> dt.timedelta:
    """How long a claim is honoured before its worker is presumed dead."""
    return dt.timedelta(seconds=settings.YARDSTICK_ALERT_CLAIM_TIMEOUT_SECONDS)


@dataclass
class HandOver:
    alerts: int = 0
    digests: int = 0
    not_handed_over: int = 0


def hand_over(*, now: dt.datetime, enqueue: Enqueuers) -> HandOver:
    """Hand the workers the due rows whose message never reached the broker (it was down
    when they were committed), without waiting for the claim timeout: one probe of a
    partial index when there are none."""
    before = now - HAND_OVER_GRACE
    alerts = list(
        Alert.objects.filter(
            sent_at=None,
            skipped_at=None,
            cancelled_at=None,
            claimed_at=None,
            enqueued_at=None,
            due_at__lte=now,
            created_at__lt=before,
        ).values_list("pk", flat=True)
    )
    digests = list(
        Digest.objects.filter(
            sent_at=None, claimed_at=None, enqueued_at=None, created_at__lt=before
        ).values_list("pk", flat=True)
    )
    missed = _hand_to(enqueue.alerts, Alert, alerts, now=now)
    missed += _hand_to(enqueue.digests, Digest, digests, now=now)
    return HandOver(alerts=len(alerts), digests=len(digests), not_handed_over=missed)


def requeue_stale(*, now: dt.datetime, enqueue: Enqueuers) -> int:
    """Re-enqueue pending alerts and digests nobody has touched for the claim timeout since
    they were claimed, or handed over, or made.

    Covers task messages lost with the broker and workers killed mid-send; the claim makes a
    duplicate message harmless. Alerts that failed too often stay failed, their error shown.
    """
    cutoff = now - claim_timeout()
    stale = Q(touched__lt=cutoff, attempts__lt=settings.YARDSTICK_ALERT_MAX_ATTEMPTS)
    alert_ids = list(
        Alert.objects.filter(sent_at=None, skipped_at=None, cancelled_at=None, due_at__lte=now)
        .annotate(touched=Coalesce("claimed_at", "enqueued_at", "created_at"))
        .filter(stale)
        .values_list("pk", flat=True)
    )
    digest_ids = list(
        Digest.objects.filter(sent_at=None)
        .annotate(touched=Coalesce("claimed_at", "enqueued_at", "created_at"))
        .filter(stale)
        .values_list("pk", flat=True)
    )
    _hand_to(enqueue.alerts, Alert, alert_ids, now=now)
    _hand_to(enqueue.digests, Digest, digest_ids, now=now)
    return len(alert_ids) + len(digest_ids)


def queue_digest(
    *, now: dt.datetime, enqueue: Enqueue | None, result: HandOver | None = None
) -> Digest | None:
    """Create this week's digest row once it falls due, and enqueue it; once per week.

    The unique week start is what keeps it to one: a second scan finds the row and stops.
    A missed day catches up later in the same week; a whole missed week is not sent late.
    Whether its message reached the broker is counted in ``result``.
    """
    week_start, moment = policy.digest_week(now)
    if now < moment:
        return None
    with transaction.atomic():
        digest, created = Digest.objects.get_or_create(
            week_start=week_start, defaults={"created_at": now}
        )
        if created and enqueue is not None:

            def hand_over_after_commit() -> None:
                missed = _hand_to(enqueue, Digest, [digest.pk], now=now)
                if result is not None:
                    result.digests += 1 - missed
                    result.not_handed_over += missed

            transaction.on_commit(hand_over_after_commit)
    return digest if created else None


def run_once(*, now: dt.datetime, enqueue: Enqueuers | None) -> dict[str, int]:
    """Everything the beat schedule does, once: what ``manage.py scan_alerts`` runs.

    With ``enqueue`` None nothing is handed to workers (nothing left over is handed over,
    nothing stale requeued): the caller sends the pending rows itself. ``not_handed_over``
    counts the messages the broker did not take; they are handed over at the next run.
    """
    earlier = hand_over(now=now, enqueue=enqueue) if enqueue else HandOver()
    result = scan(now=now, enqueue=enqueue.alerts if enqueue else None)
    requeued = requeue_stale(now=now, enqueue=enqueue) if enqueue else 0
    digests = HandOver()
    digest = queue_digest(now=now, enqueue=enqueue.digests if enqueue else None, result=digests)
    return {
        "judgements": result.judgements,
        "queued": result.queued,
        "handed_over": result.handed_over,
        "skipped": result.skipped,
        "requeued": requeued,
        "handed_over_late": earlier.alerts + earlier.digests - earlier.not_handed_over,
        "digest": 1 if digest else 0,
        "not_handed_over": (
            result.not_handed_over + earlier.not_handed_over + digests.not_handed_over
        ),
    }

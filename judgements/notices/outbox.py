"""The outbox: notices written once, claimed once, sent once (docs/design.md §5.11).

How it stays exactly once, whatever the kind:

- Every notice is one ``Notice`` row whose ``dedupe_key`` (chosen by the policy: "nudge:
  <estimate>:<reasons>", "weekly:<user>:<week>", …) is unique. Producers insert with
  ``ignore_conflicts``: a second scan, a scan that read stale state, or a producer run twice
  writes nothing new.
- Sending first claims the row with a filtered ``UPDATE`` (pending; and unclaimed, or claimed
  longer ago than the claim timeout, or failed) and acts only if it changed one row. Duplicate
  or redelivered task messages find it claimed or done and stop.
- A failed send records its error and raises ``SendFailed``; the task retries with backoff.
  A worker that died mid-send leaves a stale claim, which ``requeue_stale`` hands to a worker
  again after the claim timeout, as it does rows whose task message was lost.
- Each notice records when its task message was handed to the broker (``enqueued_at``). A
  broker down when a producer committed leaves the rows pending and not handed over:
  ``hand_over`` hands them over at the next scan, without waiting for the claim timeout, and
  ``Handed`` counts what the broker did and did not take, for the caller to report.
- No bursts: producers write one notice per episode (the policy's key), and a notice whose
  ``expires_at`` has passed when it is finally sent is skipped, not sent late. Each carries
  a stable ``Message-ID`` so the one remaining duplicate (a worker dying between the mail
  server's acceptance and the commit) can be dropped by mail systems.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce

from judgements.expiry.scan import NotHandedOver
from judgements.models import Notice

logger = logging.getLogger(__name__)

Enqueue = Callable[[list[int]], None]  # may raise NotHandedOver, naming the ids it took
# Rows a concurrent producer has just committed are its to hand over: left alone this long.
HAND_OVER_GRACE = dt.timedelta(minutes=1)


@dataclass
class Handed:
    """What went to the broker: messages it took, and ones it did not (it was down)."""

    handed_over: int = 0
    not_handed_over: int = 0


def _hand_to(enqueue: Enqueue, ids: list[int], *, now: dt.datetime, handed: Handed) -> None:
    """Hand ``ids`` to ``enqueue``, mark the rows it took, count both."""
    if not ids:
        return
    try:
        enqueue(ids)
        took = ids
    except NotHandedOver as stopped:
        took = stopped.handed
    Notice.objects.filter(pk__in=took).update(enqueued_at=now)
    handed.handed_over += len(took)
    handed.not_handed_over += len(ids) - len(took)


@dataclass(frozen=True)
class Draft:
    """A notice a policy wants sent; ``dedupe_key`` makes it once and only once."""

    kind: str
    dedupe_key: str
    due_at: dt.datetime
    recipient_id: int | None = None
    judgement_id: int | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    expires_at: dt.datetime | None = None


def write(
    drafts: list[Draft],
    *,
    now: dt.datetime,
    enqueue: Enqueue | None,
    handed: Handed | None = None,
) -> list[int]:
    """Insert the drafts, ignoring keys already written; after commit, hand the ids of the new
    ones already due to ``enqueue`` (None: leave them for ``pending_due``), counting in
    ``handed`` what the broker took. Returns those ids. Call it inside the producer's
    transaction, so the rows and the producer's own bookkeeping commit together."""
    if not drafts:
        return []
    Notice.objects.bulk_create(
        [
            Notice(
                kind=d.kind,
                dedupe_key=d.dedupe_key,
                due_at=d.due_at,
                recipient_id=d.recipient_id,
                judgement_id=d.judgement_id,
                payload=d.payload,
                expires_at=d.expires_at,
                created_at=now,
            )
            for d in drafts
        ],
        ignore_conflicts=True,
    )
    # bulk_create with ignore_conflicts returns no ids; created_at=now marks this call's rows.
    new = list(
        Notice.objects.pending()
        .filter(
            dedupe_key__in=[d.dedupe_key for d in drafts],
            created_at=now,
            claimed_at=None,
            due_at__lte=now,
        )
        .values_list("pk", flat=True)
    )
    if enqueue is not None and new:
        counts = handed if handed is not None else Handed()
        transaction.on_commit(lambda: _hand_to(enqueue, new, now=now, handed=counts))
    return new


def claim_timeout() -> dt.timedelta:
    """How long a claim is honoured before its worker is presumed dead (shared with alerts)."""
    return dt.timedelta(seconds=settings.YARDSTICK_ALERT_CLAIM_TIMEOUT_SECONDS)


def claim(pk: int, *, now: dt.datetime) -> bool:
    """Take one pending notice: unclaimed, claimed by a dead worker, or failed."""
    claimable = Q(claimed_at=None) | Q(claimed_at__lt=now - claim_timeout()) | ~Q(error="")
    claimed = (
        Notice.objects.pending()
        .filter(pk=pk)
        .filter(claimable)
        .update(claimed_at=now, attempts=F("attempts") + 1, error="")
    )
    return claimed == 1


class Sendable(Protocol):
    def send(self) -> Any: ...


@dataclass(frozen=True)
class Prepared:
    """What a kind's preparer decided: a message to send to ``recipients``, or to skip the
    notice (with why) or cancel it (it no longer holds)."""

    message: Sendable | None = None
    recipients: list[str] = field(default_factory=list)
    skip: str = ""
    cancel: str = ""


class SendFailed(Exception):
    """The mail server refused or was unreachable; the task retries with backoff."""


Prepare = Callable[[Notice, dt.datetime], Prepared]


def deliver(pk: int, *, now: dt.datetime, prepare: Prepare) -> str:
    """Send one notice, exactly once. Returns sent, skipped, cancelled or taken.

    Steps:
    1. Claim the row; if nothing changed, another worker has it or it is done: stop.
    2. Past ``expires_at``: skip it (catching up never sends stale news late).
    3. Ask the kind's ``prepare`` for the message, or why to skip or cancel it.
    4. Send; record ``sent_at`` and the addresses. On failure record the error and raise
       ``SendFailed``; the claim stays, marked failed, so a retry can take it at once.
    """
    if not claim(pk, now=now):
        return "taken"  # Nothing updated: another worker got there first, or it is done.
    notice = Notice.objects.select_related("recipient").get(pk=pk)
    mine = Notice.objects.filter(pk=pk, claimed_at=now)
    if notice.expires_at is not None and now >= notice.expires_at:
        mine.update(skipped_at=now, error="Too late: its news had passed before it could go.")
        return "skipped"
    prepared = prepare(notice, now)
    if prepared.cancel:
        mine.update(cancelled_at=now, error=prepared.cancel)
        return "cancelled"
    if prepared.skip or prepared.message is None:
        mine.update(skipped_at=now, error=prepared.skip or "Nothing to send.")
        return "skipped"
    try:
        prepared.message.send()
    except Exception as exc:  # any transport error: SMTP refusal, DNS, timeout
        mine.update(error=f"{type(exc).__name__}: {exc}"[:2000])
        raise SendFailed(str(exc)) from exc
    if mine.update(sent_at=now, recipients=", ".join(prepared.recipients)) != 1:
        logger.warning("Notice %s was taken over while it was being sent", pk)
    return "sent"


def hand_over(*, now: dt.datetime, enqueue: Enqueue) -> Handed:
    """Hand the workers the due notices whose message never reached the broker (it was down
    when they were written), without waiting for the claim timeout: one probe of a partial
    index when there are none."""
    ids = list(
        Notice.objects.pending()
        .filter(
            claimed_at=None,
            enqueued_at=None,
            due_at__lte=now,
            created_at__lt=now - HAND_OVER_GRACE,
        )
        .values_list("pk", flat=True)
    )
    handed = Handed()
    _hand_to(enqueue, ids, now=now, handed=handed)
    return handed


def requeue_stale(*, now: dt.datetime, enqueue: Enqueue, handed: Handed | None = None) -> int:
    """Re-enqueue due, pending notices nobody has touched (claimed, handed over or made) for
    the claim timeout (a task message lost with the broker, a worker killed mid-send); those
    that failed ``YARDSTICK_ALERT_MAX_ATTEMPTS`` times stay failed, their error shown."""
    cutoff = now - claim_timeout()
    ids = list(
        Notice.objects.pending()
        .filter(due_at__lte=now, attempts__lt=settings.YARDSTICK_ALERT_MAX_ATTEMPTS)
        .annotate(touched=Coalesce("claimed_at", "enqueued_at", "created_at"))
        .filter(touched__lt=cutoff)
        .values_list("pk", flat=True)
    )
    _hand_to(enqueue, ids, now=now, handed=handed if handed is not None else Handed())
    return len(ids)


def pending_due(*, now: dt.datetime) -> list[int]:
    """Pending notices already due (``scan_alerts --send`` sends them in its own process)."""
    return list(Notice.objects.pending().filter(due_at__lte=now).values_list("pk", flat=True))

"""Celery tasks: thin wrappers over scan and sending; each is safe to run twice.

The only module of the expiry watch that imports Celery: it hands ``enqueue_alerts`` and
``enqueue_digests`` to the scan. The retry policy lives here: a send that fails is retried
with exponential backoff (1, 2, 4 … minutes, capped at an hour). Claims in ``sending`` make
a duplicate or redelivered message harmless. Task names are pinned, so beat entries and
messages queued before a code move still find their task.
"""

import logging

from celery import shared_task
from django.utils import timezone

from judgements.expiry import scan, sending

logger = logging.getLogger(__name__)


def backoff(retries: int) -> int:
    """Seconds before the next attempt: 60, 120, 240, … capped at 3600."""
    return min(60 * 2**retries, 3600)


def hand_over_messages(task, ids: list[int]) -> None:
    """Send one task message per id, stopping at the first the broker does not take (it is
    down: the rest would wait for it too) with ``scan.NotHandedOver`` naming those it took.
    The others stay pending and the next scan hands them over (``scan.hand_over``)."""
    handed: list[int] = []
    for pk in ids:
        try:
            task.delay(pk)
        except Exception as exc:  # Redis down, refusing, out of memory; a full disk for files
            logger.exception(
                "The broker did not take %s %s; the next scan will retry", task.name, pk
            )
            raise scan.NotHandedOver(handed) from exc
        handed.append(pk)


def enqueue_alerts(alert_ids: list[int]) -> None:
    hand_over_messages(send_alert, alert_ids)


def enqueue_digests(digest_ids: list[int]) -> None:
    hand_over_messages(send_digest, digest_ids)


def enqueuers() -> scan.Enqueuers:
    """Celery as the scan's ``enqueue`` (looked up at call time, so tests can stand in)."""
    return scan.Enqueuers(
        alerts=lambda ids: enqueue_alerts(ids), digests=lambda ids: enqueue_digests(ids)
    )


@shared_task(name="judgements.tasks.scan_alerts")
def scan_alerts() -> dict[str, int]:
    now = timezone.now()
    late = scan.hand_over(now=now, enqueue=enqueuers())  # what the broker missed last time
    result = scan.scan(now=now, enqueue=enqueuers().alerts)
    return {
        "judgements": result.judgements,
        "queued": result.queued,
        "skipped": result.skipped,
        "handed_over_late": late.alerts + late.digests - late.not_handed_over,
    }


@shared_task(name="judgements.tasks.requeue_stale_alerts")
def requeue_stale_alerts() -> int:
    return scan.requeue_stale(now=timezone.now(), enqueue=enqueuers())


@shared_task(name="judgements.tasks.queue_digest")
def queue_digest() -> bool:
    return scan.queue_digest(now=timezone.now(), enqueue=enqueuers().digests) is not None


@shared_task(name="judgements.tasks.send_alert", bind=True, max_retries=8)
def send_alert(self, alert_id: int) -> str:
    try:
        return sending.send_alert(alert_id, now=timezone.now())
    except sending.SendFailed as exc:
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc


@shared_task(name="judgements.tasks.send_digest", bind=True, max_retries=8)
def send_digest(self, digest_id: int) -> str:
    try:
        return sending.send_digest(digest_id, now=timezone.now())
    except sending.SendFailed as exc:
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc

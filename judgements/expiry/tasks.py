"""Celery tasks: thin wrappers over scan and sending; each is safe to run twice.

The only module of the expiry watch that imports Celery: it hands ``enqueue_alerts`` and
``enqueue_digests`` to the scan. The retry policy lives here: a send that fails is retried
with exponential backoff (1, 2, 4 … minutes, capped at an hour). Claims in ``sending`` make
a duplicate or redelivered message harmless. Task names are pinned, so beat entries and
messages queued before a code move still find their task.
"""

from celery import shared_task
from django.utils import timezone

from judgements.expiry import scan, sending


def backoff(retries: int) -> int:
    """Seconds before the next attempt: 60, 120, 240, … capped at 3600."""
    return min(60 * 2**retries, 3600)


def enqueue_alerts(alert_ids: list[int]) -> None:
    for pk in alert_ids:
        send_alert.delay(pk)


def enqueue_digests(digest_ids: list[int]) -> None:
    for pk in digest_ids:
        send_digest.delay(pk)


def enqueuers() -> scan.Enqueuers:
    """Celery as the scan's ``enqueue`` (looked up at call time, so tests can stand in)."""
    return scan.Enqueuers(
        alerts=lambda ids: enqueue_alerts(ids), digests=lambda ids: enqueue_digests(ids)
    )


@shared_task(name="judgements.tasks.scan_alerts")
def scan_alerts() -> dict[str, int]:
    result = scan.scan(now=timezone.now(), enqueue=enqueuers().alerts)
    return {"judgements": result.judgements, "queued": result.queued, "skipped": result.skipped}


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

"""Celery tasks: thin wrappers around alerts.py; each is safe to run twice.

The retry policy lives here: a send that fails is retried with exponential backoff (1, 2, 4 …
minutes, capped at an hour). Claims in alerts.py make a duplicate or redelivered message
harmless.
"""

from celery import shared_task
from django.utils import timezone

from judgements.expiry import alerts


def backoff(retries: int) -> int:
    """Seconds before the next attempt: 60, 120, 240, … capped at 3600."""
    return min(60 * 2**retries, 3600)


@shared_task(name="judgements.tasks.scan_alerts")
def scan_alerts() -> dict[str, int]:
    result = alerts.scan(now=timezone.now())
    return {"judgements": result.judgements, "queued": result.queued, "skipped": result.skipped}


@shared_task(name="judgements.tasks.requeue_stale_alerts")
def requeue_stale_alerts() -> int:
    return alerts.requeue_stale(now=timezone.now())


@shared_task(name="judgements.tasks.queue_digest")
def queue_digest() -> bool:
    return alerts.queue_digest(now=timezone.now()) is not None


@shared_task(name="judgements.tasks.send_alert", bind=True, max_retries=8)
def send_alert(self, alert_id: int) -> str:
    try:
        return alerts.send_alert(alert_id, now=timezone.now())
    except alerts.SendFailed as exc:
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc


@shared_task(name="judgements.tasks.send_digest", bind=True, max_retries=8)
def send_digest(self, digest_id: int) -> str:
    try:
        return alerts.send_digest(digest_id, now=timezone.now())
    except alerts.SendFailed as exc:
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc

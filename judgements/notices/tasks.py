"""Celery tasks of the outbox: thin wrappers over scan and sending; each safe to run twice.

The only module of ``notices`` that imports Celery. It hands ``enqueue_notices`` to the scan;
the retry policy lives here (the expiry watch's backoff: 1, 2, 4 … minutes, capped at an
hour). Task names are pinned, so beat entries and queued messages survive code moves.
"""

from celery import shared_task
from django.utils import timezone

from judgements.expiry.tasks import backoff, hand_over_messages
from judgements.notices import outbox, scan, sending


def enqueue_notices(notice_ids: list[int]) -> None:
    """One task message per notice (see ``hand_over_messages``)."""
    hand_over_messages(send_notice, notice_ids)


def enqueuer():
    """Celery as the scan's ``enqueue`` (looked up at call time, so tests can stand in)."""
    return lambda ids: enqueue_notices(ids)


@shared_task(name="judgements.tasks.scan_notices")
def scan_notices() -> dict[str, int]:
    now = timezone.now()
    late = outbox.hand_over(now=now, enqueue=enqueuer())  # what the broker missed last time
    result = scan.scan_looks(now=now, enqueue=enqueuer())
    return {
        "looked": result.judgements,
        "nudges": result.nudges,
        "lapsed": result.lapsed,
        "handed_over_late": late.handed_over,
    }


@shared_task(name="judgements.tasks.queue_weekly_digests")
def queue_weekly_digests() -> int:
    return scan.queue_weekly(now=timezone.now(), enqueue=enqueuer())


@shared_task(name="judgements.tasks.requeue_stale_notices")
def requeue_stale_notices() -> int:
    return scan.requeue_stale(now=timezone.now(), enqueue=enqueuer())


@shared_task(name="judgements.tasks.send_notice", bind=True, max_retries=8)
def send_notice(self, notice_id: int) -> str:
    try:
        return sending.send_notice(notice_id, now=timezone.now())
    except sending.SendFailed as exc:
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc

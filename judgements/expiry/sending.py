"""Sending: claim one alert or digest row, send its email, record what happened.

- Sending claims the row with a filtered ``update()`` and acts only if it changed one row
  (the healthchecks idiom). Duplicate task messages (retries, redelivery after a restart)
  find the row claimed or sent and do nothing.
- A worker killed mid-send leaves a claim without ``sent_at``. Such a claim is honoured for
  ``YARDSTICK_ALERT_CLAIM_TIMEOUT_SECONDS`` (default 10 minutes, far above the SMTP timeout, so
  the claimant has surely finished or died), after which ``scan.requeue_stale`` hands it to a
  worker again: it is retried, not lost. The one case that can still double is a worker that
  dies after the SMTP server accepted the message and before ``sent_at`` was committed; the
  message carries a stable ``Message-ID`` per alert so mail systems can drop the copy. The
  alternative (never retrying a stale claim) would lose alerts instead, which is worse.
- A failed send records its error on the row and raises ``SendFailed``; the Celery task
  retries it with backoff. Each alert is its own task, so one failure blocks no other.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from judgements.expiry import emails, policy
from judgements.expiry.scan import claim_timeout
from judgements.models import Alert, Digest

logger = logging.getLogger(__name__)


class SendFailed(Exception):
    """The mail server refused or was unreachable; the task retries with backoff."""


def _claimable(now: dt.datetime) -> Q:
    """Unsent and not in someone's hands: never claimed, claimed by a dead worker, or failed."""
    return Q(sent_at=None) & (
        Q(claimed_at=None) | Q(claimed_at__lt=now - claim_timeout()) | ~Q(error="")
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
    3. Choose the recipients (``policy.recipients``) and render the email for them.
    4. Send it; record ``sent_at`` and the recipients. On failure record the error and raise
       ``SendFailed`` so the task retries; the claim stays, marked failed, so any retry can
       take it over at once.
    """
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
    to, cc = policy.recipients(alert)
    if not (to or cc):
        mine.update(skipped_at=now, error="Nobody to send it to: no one has an email address.")
        return "skipped"
    message = emails.alert_email(
        alert,
        to=to,
        cc=cc,
        news=judgement.indicators_since_estimate(),
        today=timezone.localdate(now),
    )
    try:
        message.send()
    except Exception as exc:  # any transport error: SMTP refusal, DNS, timeout
        mine.update(error=f"{type(exc).__name__}: {exc}"[:2000])
        raise SendFailed(str(exc)) from exc
    if mine.update(sent_at=now, recipients=", ".join([*to, *cc])) != 1:
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


def send_digest(digest_id: int, *, now: dt.datetime) -> str:
    """Send the weekly digest to Leadership, exactly once (same claim as ``send_alert``)."""
    if not _claim(Digest.objects.all(), digest_id, now=now):
        return "taken"
    digest = Digest.objects.get(pk=digest_id)
    mine = Digest.objects.filter(pk=digest_id, claimed_at=now)
    to = policy.digest_recipients()
    if not to:
        mine.update(sent_at=now, error="Nobody to send it to: no one in Leadership has email.")
        return "skipped"
    contents = policy.digest_contents(today=timezone.localdate(now))
    message = emails.digest_email(digest, to=to, contents=contents)
    try:
        message.send()
    except Exception as exc:
        mine.update(error=f"{type(exc).__name__}: {exc}"[:2000])
        raise SendFailed(str(exc)) from exc
    mine.update(sent_at=now, recipients=", ".join(to))
    return "sent"

"""The expiry watch (DESIGN section 5): when alerts fall due, claim them once, send them.

This module holds the arming of a judgement's schedule; the scan and the sending build on it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from .dates import start_of_day
from .models import Alert, Judgement


def first_alert_at(judgement: Judgement) -> dt.datetime | None:
    """00:00 (site time) of the day the first threshold before window end falls due."""
    if judgement.resolution_id is not None:
        return None
    days = max(settings.YARDSTICK_ALERT_DAYS_BEFORE)
    day = judgement.window_end - dt.timedelta(days=days)
    return start_of_day(day, timezone.get_current_timezone())


def rearm(judgement: Judgement) -> dt.datetime | None:
    """The window end moved: pending alerts of the old date go, the schedule restarts.

    Alert rows are keyed on window end, so the new date's thresholds are new rows.
    """
    Alert.objects.filter(judgement=judgement, sent_at=None, skipped_at=None).exclude(
        window_end=judgement.window_end
    ).update(cancelled_at=timezone.now())
    return first_alert_at(judgement)


def cancel_pending(judgement: Judgement, *, now: dt.datetime) -> int:
    """Resolving or annulling cancels whatever has not been sent."""
    return Alert.objects.filter(
        judgement=judgement, sent_at=None, skipped_at=None, cancelled_at=None
    ).update(cancelled_at=now)

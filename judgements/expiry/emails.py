"""Emails: one ``make_message`` and one function per email.

Each email has three templates: ``emails/<name>-subject.txt``, ``-body.txt`` and
``-body.html``. Links are absolute, built from ``settings.SITE_URL``. Messages are built
here and sent by alerts.py, from Celery tasks only, never inside a request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from judgements.models import (
    Alert,
    AlertKind,
    Digest,
    Direction,
    Indicator,
    Judgement,
    Status,
    warning_days,
)


def make_message(
    name: str,
    to: Sequence[str],
    context: dict[str, Any],
    *,
    cc: Sequence[str] = (),
    headers: dict[str, str] | None = None,
) -> EmailMultiAlternatives:
    """Render the three templates of ``name`` into one plain-text + HTML message."""
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
    text = render_to_string(f"emails/{name}-body.txt", context)
    html = render_to_string(f"emails/{name}-body.html", context)
    message = EmailMultiAlternatives(subject, text, to=list(to), cc=list(cc), headers=headers)
    message.attach_alternative(html, "text/html")
    return message


def time_left(days: int) -> str:
    """'window ends in 7 days', 'window ends today', 'window ended 14 days ago'."""
    if days > 1:
        return f"window ends in {days} days"
    if days == 1:
        return "window ends tomorrow"
    if days == 0:
        return "window ends today"
    if days == -1:
        return "window ended yesterday"
    return f"window ended {-days} days ago"


def judgement_links(judgement: Judgement) -> dict[str, str]:
    page = f"{settings.SITE_URL}{judgement.get_absolute_url()}"
    return {
        "page": page,
        "resolve": f"{page}#resolve",
        "indicators": f"{page}#indicators",
        "revise": f"{page}#revise",
    }


def indicators_since_estimate(judgement: Judgement) -> dict[str, list[Indicator]]:
    """Active indicators logged since the current estimate was made, for and against."""
    estimate = judgement.current_estimate
    found = judgement.indicators.active().order_by("observed_on", "pk")
    if estimate is not None:
        found = found.filter(logged_at__gt=estimate.made_at)
    found = found.exclude(direction=Direction.NEUTRAL)
    grouped: dict[str, list[Indicator]] = {"for": [], "against": []}
    for indicator in found:
        grouped["for" if indicator.direction == Direction.SUPPORTS else "against"].append(indicator)
    return grouped


def alert_email(alert: Alert, *, now: dt.datetime) -> EmailMultiAlternatives:
    """The expiry alert for the owner, unmuted watchers and, on escalation, the team leads."""
    from judgements.expiry.alerts import recipients

    judgement = alert.judgement
    today = timezone.localdate(now)
    days = judgement.days_left(today)
    to, cc = recipients(alert)
    context = {
        "alert": alert,
        "judgement": judgement,
        "estimate": judgement.current_estimate,
        "placement": judgement.placement(),
        "status": judgement.status(today),
        "time_left": time_left(days),
        "overdue": days < 0,
        "escalated": alert.kind == AlertKind.ESCALATION,
        "indicators": indicators_since_estimate(judgement),
        "links": judgement_links(judgement),
    }
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    # Stable per alert: if a worker died after the server took it, mail systems can drop a copy.
    message_id = f"<alert-{alert.pk}-{alert.window_end:%Y%m%d}{alert.offset_days:+d}@{domain}>"
    return make_message("alert", to, context, cc=cc, headers={"Message-ID": message_id})


def digest_email(digest: Digest, *, to: Sequence[str], now: dt.datetime) -> EmailMultiAlternatives:
    """Leadership's weekly digest: what expires in the next 30 days and what is overdue."""
    today = timezone.localdate(now)
    base = Judgement.objects.select_related("owner", "team", "current_estimate")
    expiring = list(base.with_status(Status.EXPIRING, today=today).order_by("window_end"))
    overdue = list(base.with_status(Status.AWAITING, today=today).order_by("window_end"))
    for judgement in [*expiring, *overdue]:
        judgement.days = abs(judgement.days_left(today))  # type: ignore[attr-defined]
        judgement.link = judgement_links(judgement)["page"]  # type: ignore[attr-defined]
    context = {
        "digest": digest,
        "today": today,
        "horizon": warning_days(),
        "expiring": expiring,
        "overdue": overdue,
        "dashboard": f"{settings.SITE_URL}/dashboard/",
    }
    return make_message("digest", to, context)

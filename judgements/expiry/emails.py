"""Emails: one ``make_message`` and one function per email.

Each email has three templates: ``emails/<name>-subject.txt``, ``-body.txt`` and
``-body.html``. Links are absolute, built from ``settings.SITE_URL``. These functions render
what they are handed: the recipients and the contents are chosen by ``policy`` and gathered
by ``sending``; nothing here queries the database or sends.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from judgements.display import days_left, status_badge, time_left
from judgements.expiry.policy import DigestContents
from judgements.models import Alert, AlertKind, Digest, Indicator, Judgement


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


# Where each link of an alert lands on the judgement page: the id of the section it opens.
LINK_TARGETS = {"resolve": "resolve", "indicators": "log-indicator", "revise": "revise"}


def judgement_links(judgement: Judgement) -> dict[str, str]:
    page = f"{settings.SITE_URL}{judgement.get_absolute_url()}"
    return {"page": page, **{name: f"{page}#{to}" for name, to in LINK_TARGETS.items()}}


def alert_email(
    alert: Alert,
    *,
    to: Sequence[str],
    cc: Sequence[str],
    news: dict[str, list[Indicator]],
    today,
) -> EmailMultiAlternatives:
    """The expiry alert, for the recipients ``policy.recipients`` chose.

    ``news`` is the judgement's active indicators logged since its current estimate, for and
    against (``Judgement.indicators_since_estimate``).
    """
    judgement = alert.judgement
    days = judgement.days_left(today)
    context = {
        "alert": alert,
        "judgement": judgement,
        "estimate": judgement.current_estimate,
        "placement": judgement.placement(),
        "status": judgement.status(today),
        "time_left": time_left(days),
        "badge": status_badge(judgement.status(today), days),
        "days_text": days_left(days),
        "overdue": days < 0,
        "escalated": alert.kind == AlertKind.ESCALATION,
        "indicators": news,
        "links": judgement_links(judgement),
    }
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    # Stable per alert: if a worker died after the server took it, mail systems can drop a copy.
    message_id = f"<alert-{alert.pk}-{alert.window_end:%Y%m%d}{alert.offset_days:+d}@{domain}>"
    return make_message("alert", to, context, cc=cc, headers={"Message-ID": message_id})


def digest_email(
    digest: Digest, *, to: Sequence[str], contents: DigestContents
) -> EmailMultiAlternatives:
    """Leadership's weekly digest: what expires soon and what is overdue."""

    def rows(found):
        return [
            {"judgement": r.judgement, "days": r.days, "link": judgement_links(r.judgement)["page"]}
            for r in found
        ]

    context = {
        "digest": digest,
        "today": contents.today,
        "horizon": contents.horizon,
        "expiring": rows(contents.expiring),
        "overdue": rows(contents.overdue),
        "dashboard": f"{settings.SITE_URL}{reverse('dashboard')}",
    }
    return make_message("digest", to, context)

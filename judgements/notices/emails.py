"""The outbox's emails: a nudge, signposts seen or lapsed, the personal weekly digest.

Three templates each (``emails/<name>-subject.txt``, ``-body.txt``, ``-body.html``), rendered
by the expiry watch's ``make_message``. These functions render what they are handed (the
recipients and contents come from ``policy`` through ``sending``); they query nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from judgements import rules
from judgements.display import percent
from judgements.expiry.emails import judgement_links, make_message
from judgements.models import Judgement, Notice, Signpost, SignpostState
from judgements.notices.policy import WeeklyContents


def _message_id(notice: Notice) -> dict[str, str]:
    """Stable per notice: if a worker died after the server took it, mail systems can drop a
    copy."""
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return {"Message-ID": f"<notice-{notice.pk}-{notice.kind}@{domain}>"}


def links(judgement: Judgement) -> dict[str, str]:
    found = judgement_links(judgement)
    found["reaffirm"] = f"{found['page']}#look"
    return found


def nudge_email(
    notice: Notice,
    judgement: Judgement,
    *,
    to: Sequence[str],
    reasons: list[rules.StaleReason],
) -> EmailMultiAlternatives:
    """ "Due for a look": why, and links to reaffirm or revise."""
    estimate = judgement.current_estimate
    context = {
        "judgement": judgement,
        "estimate": estimate,
        "number": percent(estimate.probability) if estimate else "",
        "placement": judgement.placement(),
        "reasons": reasons,
        "links": links(judgement),
    }
    return make_message("nudge", to, context, headers=_message_id(notice))


def signposts_email(
    notice: Notice,
    judgement: Judgement,
    *,
    to: Sequence[str],
    signposts: list[tuple[Signpost, SignpostState]],
    owner: bool,
    due: bool,
) -> EmailMultiAlternatives:
    """Signposts seen or lapsed, to the owner or a watcher; says if the estimate is now due."""
    estimate = judgement.current_estimate
    context = {
        "judgement": judgement,
        "estimate": estimate,
        "number": percent(estimate.probability) if estimate else "",
        "placement": judgement.placement(),
        "signposts": signposts,
        "owner": owner,
        "due": due,
        "links": links(judgement),
    }
    return make_message("signposts", to, context, headers=_message_id(notice))


def weekly_email(
    notice: Notice, *, to: Sequence[str], name: str, contents: WeeklyContents
) -> EmailMultiAlternatives:
    """One person's week."""

    def link(judgement: Judgement) -> str:
        return links(judgement)["page"]

    context = {
        "name": name,
        "contents": contents,
        "due": [(row.judgement, row.reasons, link(row.judgement)) for row in contents.due],
        "signposts": [
            (row.signpost, row.state, link(row.signpost.judgement)) for row in contents.signposts
        ],
        "closing": [(j, j.days_left(contents.today), link(j)) for j in contents.closing],
        "awaiting": [(j, j.days_overdue(contents.today), link(j)) for j in contents.awaiting],
        "list_url": f"{settings.SITE_URL}/judgements/?look=due",
    }
    return make_message("weekly", to, context, headers=_message_id(notice))

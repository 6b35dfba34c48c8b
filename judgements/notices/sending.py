"""Sending one notice, exactly once: ``outbox.deliver`` with the preparation of its kind.

Each preparer checks that the notice still holds (a nudge whose episode ended, or a signpost
notice for a judgement since resolved, is cancelled), chooses the addresses and renders the
message. Nothing here sends twice: the claim in ``outbox`` sees to that.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from judgements.display import person
from judgements.freshness.reasons import reasons_for
from judgements.models import Judgement, Notice, NoticeKind, Signpost
from judgements.notices import emails, outbox, policy
from judgements.notices.outbox import Prepared, SendFailed

__all__ = ["PREPARERS", "SendFailed", "send_notice"]

NOBODY = "Nobody to send it to: no active recipient with an email address."


def _address(notice: Notice) -> str:
    user = notice.recipient
    return user.email if user is not None and user.is_active and user.email else ""


def _judgement(notice: Notice) -> Judgement:
    return Judgement.objects.select_related("owner", "team", "current_estimate").get(
        pk=notice.judgement_id
    )


def _nudge(notice: Notice, now: dt.datetime) -> Prepared:
    judgement = _judgement(notice)
    why_not = policy.nudge_holds(notice.payload, judgement, notice.recipient, now=now)
    if why_not:
        return Prepared(cancel=why_not)
    address = _address(notice)
    if not address:
        return Prepared(skip=NOBODY)
    reasons = reasons_for([judgement], now=now).get(judgement.pk, [])
    message = emails.nudge_email(notice, judgement, to=[address], reasons=reasons)
    return Prepared(message=message, recipients=[address])


def _signposts(notice: Notice, now: dt.datetime) -> Prepared:
    judgement = _judgement(notice)
    if notice.recipient is None:
        return Prepared(skip=NOBODY)
    why_not = policy.signposts_hold(judgement, notice.recipient)
    if why_not:
        return Prepared(cancel=why_not)
    today = timezone.localdate(now)
    found = Signpost.objects.standing().filter(pk__in=notice.payload.get("signposts", []))
    signposts = [(s, s.state(today)) for s in found.select_related("seen_indicator")]
    if not signposts:
        return Prepared(cancel="Its signposts were withdrawn.")
    address = _address(notice)
    if not address:
        return Prepared(skip=NOBODY)
    message = emails.signposts_email(
        notice,
        judgement,
        to=[address],
        signposts=signposts,
        owner=notice.recipient_id == judgement.owner_id,
        due=judgement.is_due_for_a_look(now),
    )
    return Prepared(message=message, recipients=[address])


def _weekly(notice: Notice, now: dt.datetime) -> Prepared:
    address = _address(notice)
    if not address:
        return Prepared(skip=NOBODY)
    contents = policy.weekly_contents(notice.recipient, now=now)
    if contents.empty:
        return Prepared(skip="Nothing to say this week.")
    message = emails.weekly_email(
        notice, to=[address], name=person(notice.recipient), contents=contents
    )
    return Prepared(message=message, recipients=[address])


PREPARERS = {NoticeKind.NUDGE: _nudge, NoticeKind.SIGNPOSTS: _signposts, NoticeKind.WEEKLY: _weekly}


def _prepare(notice: Notice, now: dt.datetime) -> Prepared:
    return PREPARERS[notice.kind](notice, now)


def send_notice(notice_id: int, *, now: dt.datetime) -> str:
    """Send one notice of any kind, exactly once: sent, skipped, cancelled or taken."""
    return outbox.deliver(notice_id, now=now, prepare=_prepare)

"""What the outbox carries for fresh estimates and signposts, and who gets it (§5.12, §5.13).

- A **nudge** goes to the owner once per stale episode (the current estimate) and reason:
  key ``nudge:<estimate>:<reasons>``. Reasons found together go in one email.
- **Signposts seen or lapsed** go to the owner and the watchers who can see the judgement
  and have not muted it, once per event: key ``signposts:<judgement>:<events>:<user>``.
  Events found by one scan of a judgement go in one email per person.
- The **weekly digest** goes to every analyst and lead once a week, when there is something
  to say: key ``weekly:<user>:<Monday>``; it expires when the next week's falls due.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils import timezone

from judgements import access, rules
from judgements.expiry.policy import digest_week
from judgements.freshness.reasons import reasons_for
from judgements.models import (
    Judgement,
    NoticeKind,
    Signpost,
    SignpostState,
    Status,
    Watch,
    warning_days,
)
from judgements.notices.outbox import Draft

# --- Nudges ---------------------------------------------------------------------------------

NUDGED_REASONS = (rules.AGE, rules.INDICATORS)  # signpost news has an email of its own


def nudge(judgement: Judgement, codes: set[str], *, now: dt.datetime) -> Draft:
    """One nudge to the owner for the reasons ``codes`` of the current estimate's episode."""
    reasons = sorted(codes)
    return Draft(
        kind=NoticeKind.NUDGE,
        dedupe_key=f"nudge:{judgement.current_estimate_id}:{'+'.join(reasons)}",
        due_at=now,
        recipient_id=judgement.owner_id,
        judgement_id=judgement.pk,
        payload={"estimate": judgement.current_estimate_id, "reasons": reasons},
    )


def nudge_holds(notice_payload: dict, judgement: Judgement, recipient, *, now) -> str:
    """Why a nudge no longer holds when it is sent ("" if it does): the episode ended (a new
    estimate), the judgement was resolved or its window closed, or the owner changed."""
    if judgement.resolution_id is not None:
        return "The judgement was resolved."
    if judgement.current_estimate_id != notice_payload.get("estimate"):
        return "The episode ended: the estimate was revised or reaffirmed."
    if judgement.owner_id != getattr(recipient, "pk", None):
        return "The judgement has another owner now."
    if not judgement.is_due_for_a_look(now):
        return "The estimate is no longer due for a look."
    return ""


# --- Signposts seen or lapsed ---------------------------------------------------------------


def event_recipients(judgements: list[Judgement]) -> dict[int, list[int]]:
    """Owner first, then the watchers who can still see the judgement and have not muted it;
    one query for all the judgements."""
    found: dict[int, list[int]] = {j.pk: [j.owner_id] for j in judgements}
    watches = (
        Watch.objects.filter(judgement_id__in=list(found), muted=False, user__is_active=True)
        .filter(access.watchers_who_see())
        .values_list("judgement_id", "user_id")
        .distinct()
        .order_by("judgement_id", "user_id")
    )
    for judgement_id, user_id in watches:
        if user_id not in found[judgement_id]:
            found[judgement_id].append(user_id)
    return found


def signpost_events(
    judgement: Judgement, events: list[Signpost], recipients: list[int], *, now: dt.datetime
) -> list[Draft]:
    """One notice per person for the signposts seen or lapsed found in one look."""
    marks = sorted(
        f"{s.pk}-{s.state(timezone.localdate(now))}-{s.seen_indicator_id or ''}" for s in events
    )
    events_key = hashlib.sha1(",".join(marks).encode()).hexdigest()[:16]
    return [
        Draft(
            kind=NoticeKind.SIGNPOSTS,
            dedupe_key=f"signposts:{judgement.pk}:{events_key}:{user_id}",
            due_at=now,
            recipient_id=user_id,
            judgement_id=judgement.pk,
            payload={"signposts": sorted(s.pk for s in events)},
        )
        for user_id in recipients
    ]


def signposts_hold(judgement: Judgement, recipient) -> str:
    """Why signpost news no longer goes to this person ("" if it does)."""
    if judgement.resolution_id is not None:
        return "The judgement was resolved."
    if recipient.pk == judgement.owner_id:
        return ""
    watching = Watch.objects.filter(judgement=judgement, user=recipient, muted=False).exists()
    if not watching or not access.can_view(recipient, judgement):
        return "No longer watching this judgement (or muted it, or left its team)."
    return ""


# --- The weekly digest ----------------------------------------------------------------------


def weekly_moments(now: dt.datetime) -> tuple[dt.date, dt.datetime, dt.datetime]:
    """This week's Monday, when its digest falls due (the leadership digest's weekday and
    hour) and when it expires (the next week's moment)."""
    monday, moment = digest_week(now)
    return monday, moment, moment + dt.timedelta(days=7)


def weekly_recipients() -> list[int]:
    """Analysts and leads, active, with an email address."""
    users = get_user_model().objects.filter(access.gets_weekly_digest(), is_active=True)
    return sorted(set(users.exclude(email="").values_list("pk", flat=True)))


def weekly(user_ids: list[int], *, week: dt.date, due_at, expires_at) -> list[Draft]:
    return [
        Draft(
            kind=NoticeKind.WEEKLY,
            dedupe_key=f"weekly:{pk}:{week.isoformat()}",
            due_at=due_at,
            expires_at=expires_at,
            recipient_id=pk,
            payload={"week": week.isoformat()},
        )
        for pk in user_ids
    ]


@dataclass(frozen=True)
class DueRow:
    judgement: Judgement
    reasons: list[rules.StaleReason]


@dataclass(frozen=True)
class SignpostRow:
    signpost: Signpost
    state: SignpostState


@dataclass(frozen=True)
class WeeklyContents:
    today: dt.date
    since: dt.datetime
    horizon: int
    due: list[DueRow] = field(default_factory=list)
    signposts: list[SignpostRow] = field(default_factory=list)
    closing: list[Judgement] = field(default_factory=list)
    awaiting: list[Judgement] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.due or self.signposts or self.closing or self.awaiting)


def weekly_contents(user, *, now: dt.datetime) -> WeeklyContents:
    """One person's week: their judgements due for a look (with reasons), signposts seen or
    lapsed since last week's digest, windows closing in the next 30 days, and those awaiting
    resolution. "Their judgements": ``access.weekly_digest_scope``."""
    today = timezone.localdate(now)
    since = weekly_moments(now)[1] - dt.timedelta(days=7)
    mine = Judgement.objects.filter(access.weekly_digest_scope(user)).select_related(
        "owner", "team", "current_estimate"
    )
    due = list(mine.due_for_a_look(now).order_by("look_due_at", "pk"))
    reasons = reasons_for(due, now=now)
    news = []
    signposts = Signpost.objects.standing().filter(
        judgement__in=mine.filter(resolution__isnull=True)
    )
    for signpost in signposts.select_related("judgement").order_by("judgement__reference", "pk"):
        moment = signpost.news_at(today)
        if moment is not None and since <= moment <= now:
            news.append(SignpostRow(signpost, signpost.state(today)))
    return WeeklyContents(
        today=today,
        since=since,
        horizon=warning_days(),
        due=[DueRow(j, reasons.get(j.pk, [])) for j in due],
        signposts=news,
        closing=list(mine.with_status(Status.EXPIRING, today=today).order_by("window_end")),
        awaiting=list(mine.with_status(Status.AWAITING, today=today).order_by("window_end")),
    )


def group_by_judgement(signposts: list[Signpost]) -> dict[int, list[Signpost]]:
    grouped: dict[int, list[Signpost]] = defaultdict(list)
    for signpost in signposts:
        grouped[signpost.judgement_id].append(signpost)
    return grouped

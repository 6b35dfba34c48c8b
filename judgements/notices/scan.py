"""The freshness scan and the weekly digest's queueing: drafts written through the outbox.

The freshness scan is O(due), like the expiry scan:

- ``Judgement.next_look_at`` (partially indexed) is when the judgement next has news: its
  estimate reaching ``YARDSTICK_STALE_DAYS``, its Nth indicator, a signpost seen or about to
  lapse. The workflows keep it (``workflows.refresh_look``). With nothing due the scan is one
  probe of that index.
- Due judgements are taken in batches, locked (``SKIP LOCKED`` on PostgreSQL; SQLite
  serialises writers), and handled with a fixed number of queries per batch: lapses recorded,
  one nudge per new reason, one signpost email per person, the moment moved on.
- Missed runs catch up without bursts: reasons found together make one nudge; signpost
  events found together make one email per person; the keys stop any repeat.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from judgements import rules, workflows
from judgements.models import Judgement, Notice, NoticeKind, Signpost
from judgements.notices import outbox, policy
from judgements.notices.outbox import Enqueue


@dataclass
class LookResult:
    judgements: int = 0
    nudges: int = 0
    signpost_notices: int = 0
    lapsed: int = 0
    handed: outbox.Handed = field(default_factory=outbox.Handed)  # what the broker took


def scan_looks(*, now: dt.datetime, enqueue: Enqueue | None, batch_size: int = 500) -> LookResult:
    """Tell owners and watchers what is new about their estimates; exactly once.

    Steps, per batch of judgements whose ``next_look_at`` has passed, each batch in one
    transaction:
    1. Lock them (``SKIP LOCKED``: rows another scan holds are its business).
    2. Record the signposts whose expected-by day passed unseen as lapsed.
    3. For each, the reasons its estimate is due for a look (``rules.stale_reasons``): a
       nudge to the owner for the age and indicator reasons not yet nudged this episode.
    4. Signposts seen or lapsed that nobody was told about: one notice per person (owner and
       watchers), and they are marked told.
    5. Move ``next_look_at`` to the next news (``rules.next_look_at``).
    6. Write the notices through the outbox; after commit their ids go to ``enqueue``.
    """
    result = LookResult()
    # Ordered, so that "LIMIT 1" walks the partial index instead of hoping a scan hits early.
    due = Judgement.objects.filter(next_look_at__lte=now).order_by("next_look_at")
    if not due.values_list("pk", flat=True)[:1]:
        return result  # The common case: one probe of the partial index, no transaction.
    while True:
        with transaction.atomic():
            batch = list(
                due.select_for_update(skip_locked=True, of=("self",))
                .select_related("current_estimate")
                .only(
                    "pk",
                    "owner_id",
                    "window_end",
                    "resolution_id",
                    "next_look_at",
                    "nudged",
                    "indicators_for",
                    "indicators_against",
                    "indicators_neutral",
                    "current_estimate__made_at",
                )[:batch_size]
            )
            if not batch:
                return result
            _look_batch(batch, now=now, result=result, enqueue=enqueue)
        if len(batch) < batch_size:
            return result


def _look_batch(
    batch: list[Judgement], *, now: dt.datetime, result: LookResult, enqueue: Enqueue | None
) -> None:
    # Signposts lapse while the judgement can still be revised; after that they are history.
    watched = [j.pk for j in batch if j.resolution_id is None and now < workflows.estimate_close(j)]
    signposts = policy.group_by_judgement(list(Signpost.objects.filter(judgement_id__in=watched)))
    result.lapsed += len(
        workflows.record_lapses([s for group in signposts.values() for s in group], now=now)
    )
    drafts: list[outbox.Draft] = []
    told: list[Signpost] = []
    nudged_before = {j.pk: j.nudged for j in batch}
    with_news: dict[Judgement, list[Signpost]] = {}
    for judgement in batch:
        mine = signposts.get(judgement.pk, [])
        estimate = judgement.current_estimate
        close = workflows.estimate_close(judgement)
        if judgement.resolution_id is not None or estimate is None or now >= close:
            judgement.next_look_at = None  # resolved or closed: nothing more to tell
            continue
        counts = (
            judgement.indicators_for,
            judgement.indicators_against,
            judgement.indicators_neutral,
        )
        enough = sum(counts) >= settings.YARDSTICK_STALE_INDICATORS
        reasons = rules.stale_reasons(
            made_at=estimate.made_at,
            now=now,
            counts=counts,
            nth_indicator_at=now if enough else None,
            signposts=mine,
        )
        nudged = {code for code in judgement.nudged.split(",") if code}
        new = {r.code for r in reasons if r.code in policy.NUDGED_REASONS} - nudged
        if new:
            drafts.append(policy.nudge(judgement, new, now=now))
            nudged |= new
            judgement.nudged = ",".join(sorted(nudged))
            result.nudges += 1
        news = [
            s
            for s in mine
            if s.withdrawn_at is None
            and s.notified_at is None
            and (s.seen_on is not None or s.lapsed_on is not None)
        ]
        if news:
            with_news[judgement] = news
        judgement.next_look_at = rules.next_look_at(
            made_at=estimate.made_at,
            nth_indicator_at=now if enough else None,
            signposts=[s for s in mine if s not in news],
            nudged=nudged,
            close=close,
        )
        if judgement.next_look_at is not None and judgement.next_look_at <= now:
            judgement.next_look_at = None  # everything due was handled above
    if with_news:
        recipients = policy.event_recipients(list(with_news))
        for judgement, news in with_news.items():
            notices = policy.signpost_events(judgement, news, recipients[judgement.pk], now=now)
            drafts += notices
            result.signpost_notices += len(notices)
            told += news
    if told:
        Signpost.objects.filter(pk__in=[s.pk for s in told]).update(notified_at=now)
    _save_looks(batch, nudged_before)
    outbox.write(drafts, now=now, enqueue=enqueue, handed=result.handed)
    result.judgements += len(batch)


def _save_looks(batch: list[Judgement], nudged_before: dict[int, str]) -> None:
    """Store ``next_look_at`` and ``nudged`` in at most six statements, whatever the batch:
    judgements whose watch ends in one, each value of ``nudged`` (four at most) in one, and
    only the future moments, which differ per judgement, in one ``bulk_update`` (whose CASE
    is costly to build, so it gets only the rows that need it)."""
    ended = [j.pk for j in batch if j.next_look_at is None]
    if ended:
        Judgement.objects.filter(pk__in=ended).update(next_look_at=None)
    Judgement.objects.bulk_update(
        [j for j in batch if j.next_look_at is not None], ["next_look_at"]
    )
    changed: dict[str, list[int]] = {}
    for judgement in batch:
        if judgement.nudged != nudged_before[judgement.pk]:
            changed.setdefault(judgement.nudged, []).append(judgement.pk)
    for value, pks in changed.items():
        Judgement.objects.filter(pk__in=pks).update(nudged=value)


def queue_weekly(
    *, now: dt.datetime, enqueue: Enqueue | None, handed: outbox.Handed | None = None
) -> int:
    """Write this week's personal digests once they fall due; once per person and week.

    A cheap check first (one indexed query: is this week's batch written?), then one notice
    per analyst and lead. A missed day catches up later in the week; a missed week is not
    sent late (each digest expires when the next falls due).
    """
    week, moment, expires = policy.weekly_moments(now)
    if now < moment:
        return 0
    if Notice.objects.filter(kind=NoticeKind.WEEKLY, due_at=moment).exists():
        return 0
    with transaction.atomic():
        drafts = policy.weekly(
            policy.weekly_recipients(), week=week, due_at=moment, expires_at=expires
        )
        return len(outbox.write(drafts, now=now, enqueue=enqueue, handed=handed))


def requeue_stale(
    *, now: dt.datetime, enqueue: Enqueue, handed: outbox.Handed | None = None
) -> int:
    return outbox.requeue_stale(now=now, enqueue=enqueue, handed=handed)


def run_once(*, now: dt.datetime, enqueue: Enqueue | None) -> dict[str, int]:
    """Everything beat does for the outbox, once (``manage.py scan_alerts`` runs it too).
    With ``enqueue`` None nothing goes to workers: the caller sends pending notices itself.
    ``not_handed_over`` counts the messages the broker did not take; the next run hands
    those notices over (``outbox.hand_over``)."""
    late = outbox.hand_over(now=now, enqueue=enqueue) if enqueue else outbox.Handed()
    looks = scan_looks(now=now, enqueue=enqueue)
    handed = outbox.Handed()
    requeued = requeue_stale(now=now, enqueue=enqueue, handed=handed) if enqueue else 0
    weekly = queue_weekly(now=now, enqueue=enqueue, handed=handed)
    return {
        "looked": looks.judgements,
        "nudges": looks.nudges,
        "signpost_notices": looks.signpost_notices,
        "lapsed": looks.lapsed,
        "weekly": weekly,
        "requeued": requeued,
        "handed_over_late": late.handed_over,
        "not_handed_over": (
            late.not_handed_over + looks.handed.not_handed_over + handed.not_handed_over
        ),
    }

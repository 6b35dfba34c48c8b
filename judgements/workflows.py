"""Workflows that write a judgement's history: create, edit, revise, log, retract, resolve.

Every workflow here runs in one transaction and leaves a ChangeRecord with the values before
and after (docs/design.md §2). Nothing is overwritten: estimates, indicators and resolutions
are new rows.

Nothing is lost to a concurrent write either (docs/design.md §2.12):

- a workflow that reads before it writes first locks the judgement's row and reads it
  afresh (``_lock``), so two writers of one judgement run one after the other, each seeing
  what the other committed; the judgement is always locked before any of its indicators;
- each saves only the columns it means to change (``update_fields``), never the whole row
  it read, so an edit cannot put back a resolution pointer or a balance it read earlier;
- the for/against balance is recounted from the indicator rows inside that lock
  (``refresh_balance``), not moved by increments computed from a stale read;
- an edit carries the version it was read at; over a newer one it is refused
  (``EditConflict``) with what changed meanwhile, instead of silently overwriting it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.functions import Length
from django.utils import timezone

from judgements import access, rules
from judgements.expiry import policy
from judgements.models import (
    AccessEvent,
    AccessKind,
    Assessment,
    ChangeAction,
    ChangeRecord,
    Confidence,
    Direction,
    Estimate,
    Indicator,
    Judgement,
    Notice,
    Outcome,
    Resolution,
    Signpost,
    Team,
    Topic,
    Watch,
    diff,
)

CONFLICT_MESSAGE = (
    "This judgement was changed by someone else since you opened it, so your changes are not "
    "saved yet. Their changes, listed below, are now in the form wherever you had left the "
    "field as it was; where you changed the same field, yours is kept. Check it and save again."
)
RESOLVED_MEANWHILE_MESSAGE = (
    "Someone else resolved this judgement a moment ago; reload the page to see it."
)


class EditConflict(ValidationError):
    """An edit read at an older version: ``changes`` are what others changed since, and
    ``version`` is the judgement's version now (a form re-sent with it overwrites them)."""

    def __init__(self, changes: list[ChangeRecord], *, version: int) -> None:
        super().__init__(CONFLICT_MESSAGE, code="conflict")
        self.changes = changes
        self.version = version

    def theirs_to_take(self, typed: dict[str, Any]) -> set[str]:
        """The fields others changed that this edit left as it found them (``typed`` in the
        form of ``edit_snapshot``): a form re-shown after the conflict takes their values
        there, and keeps what was typed wherever both changed the same field."""
        opened: dict[str, Any] = {}
        for change in self.changes:  # oldest first: the first "before" is what was opened
            for name, values in change.changes.items():
                opened.setdefault(name, values.get("before"))
        return {name for name, value in opened.items() if typed.get(name) == value}


def _lock(judgement: Judgement) -> None:
    """Lock the judgement's row until the transaction ends and reload it from the database.

    Every workflow that reads a judgement before writing it starts here, so concurrent
    writers of one judgement queue up and each decides on what the previous one committed.
    (SQLite has no row locks; its writers are serialised by ``BEGIN IMMEDIATE``.)
    """
    judgement.refresh_from_db(
        from_queryset=Judgement.objects.select_for_update(of=("self",)).select_related(
            "owner", "team", "assessment", "current_estimate", "resolution"
        )
    )


def edit_snapshot(
    judgement: Judgement, watchers: Iterable | None = None, topics: Iterable | None = None
) -> dict[str, Any]:
    """What the edit form shows, as the history writes it (so an edit's values can be
    compared with a change record's "before" and "after")."""
    snapshot = _snapshot(judgement)
    if watchers is not None:
        names = sorted(u.get_username() for u in watchers if u.pk != judgement.owner_id)
        snapshot["watchers"] = ", ".join(names) or "nobody"
    if topics is not None:
        snapshot["topics"] = _topic_names(topics)
    return snapshot


def changes_since(judgement: Judgement, version: int) -> list[ChangeRecord]:
    """The changes that moved the judgement past ``version``, oldest first."""
    return list(
        ChangeRecord.objects.filter(judgement=judgement, version__gt=version)
        .select_related("actor")
        .order_by("version", "at", "pk")
    )


def next_reference(year: int) -> str:
    """The next free KJ-YYYY-NNNN for a year (the longest, then highest, number is the last)."""
    prefix = f"KJ-{year}-"
    last = (
        Judgement.objects.filter(reference__regex=rf"^KJ-{year}-[0-9]{{4,}}$")
        .order_by(Length("reference").desc(), "-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.removeprefix(prefix)) if last else 0
    return f"{prefix}{number + 1:04d}"


def _record(
    judgement: Judgement, action: str, *, by, changes=None, note="", at=None, version=None
) -> None:
    ChangeRecord.objects.create(
        judgement=judgement,
        action=action,
        actor=by,
        changes=changes or {},
        note=note,
        at=at or timezone.now(),
        version=version,
    )


def _snapshot(judgement: Judgement) -> dict[str, Any]:
    return {
        "statement": judgement.statement,
        "resolution_criteria": judgement.resolution_criteria,
        "owner": judgement.owner.get_username() if judgement.owner_id else None,
        "team": str(judgement.team) if judgement.team_id else None,
        "assessment": str(judgement.assessment) if judgement.assessment_id else None,
        "window_start": judgement.window_start.isoformat(),
        "window_end": judgement.window_end.isoformat(),
    }


@contextmanager
def _held_to_rules() -> Iterator[None]:
    """A rule's refusal (``rules.RuleBroken``) leaves as a ValidationError on its field."""
    try:
        yield
    except rules.RuleBroken as broken:
        error = {broken.field: broken.message} if broken.field else broken.message
        raise ValidationError(error) from None


# Two integers name PostgreSQL's advisory lock for one year's KJ numbers: ("KJ", year).
_REFERENCE_LOCK = 0x4B4A


def _hold_reference_year(year: int) -> None:
    """Hand out one year's KJ numbers one transaction at a time.

    On PostgreSQL a transaction-level advisory lock on (KJ, year), held until commit, so a
    second create waits for the first to commit and then sees its number. SQLite serialises
    writing transactions (``BEGIN IMMEDIATE``) and needs nothing more.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_REFERENCE_LOCK, year])


def _create_with_free_reference(*, reference: str | None, **fields: Any) -> Judgement:
    """Insert under ``reference``, or under the next free KJ reference of the window's year.

    Numbers are handed out under ``_hold_reference_year``, so two creates at once get
    consecutive numbers. A number taken outside that lock (a reference imported from files)
    makes the insert fail inside a savepoint, and the next number is tried; a refusal is a
    ValidationError, never a database error.
    """
    if reference is not None:
        try:
            with transaction.atomic():
                return Judgement.objects.create(reference=reference, **fields)
        except IntegrityError:
            raise ValidationError({"reference": f"{reference} is already taken."}) from None
    year = fields["window_start"].year
    _hold_reference_year(year)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Judgement.objects.create(reference=next_reference(year), **fields)
        except IntegrityError:
            continue  # taken outside the lock: try the number after it
    raise ValidationError("No free reference could be found just now; please try again.")


def create_judgement(
    *,
    by,
    statement: str,
    team,
    owner,
    probability: Decimal | float,
    confidence: str = Confidence.MODERATE,
    rationale: str = "",
    resolution_criteria: str = "",
    assessment=None,
    window_start: dt.date | None = None,
    window_end: dt.date | None = None,
    watchers: Iterable = (),
    reference: str | None = None,
    signposts: Iterable[DraftSignpost] = (),
    now: dt.datetime | None = None,
    topics: Iterable[Topic] = (),
) -> Judgement:
    """Create a judgement with its first estimate.

    Steps, in one transaction: default the window (today + 12 months); save the judgement
    under the next free reference (``_create_with_free_reference``); its first estimate,
    watchers, own topics and signposts; arm the expiry alerts and the freshness watch; record
    the creation.
    """
    now = now or timezone.now()
    window_start = window_start or timezone.localdate(now)
    signposts = list(signposts)
    with _held_to_rules():
        if reference is not None:
            rules.check_reference(reference)
        rules.check_year(window_start, field="window_start")
        window_end = window_end or rules.default_window_end(window_start)
        rules.check_window(window_start, window_end)
        for draft in signposts:
            _check_signpost(draft, written_on=timezone.localdate(now), window_end=window_end)
    with transaction.atomic():
        judgement = _create_with_free_reference(
            reference=reference,
            statement=statement,
            resolution_criteria=resolution_criteria,
            owner=owner,
            team=team,
            assessment=assessment,
            window_start=window_start,
            window_end=window_end,
            created_by=by,
            created_at=now,
        )
        estimate = Estimate.objects.create(
            judgement=judgement,
            probability=Decimal(str(probability)),
            confidence=confidence,
            rationale=rationale,
            author=by,
            made_at=now,
        )
        judgement.current_estimate = estimate
        judgement.next_alert_at = policy.first_alert_at(judgement)
        judgement.save(update_fields=["current_estimate", "next_alert_at"])
        Watch.objects.bulk_create(
            [Watch(judgement=judgement, user=user) for user in watchers if user != owner]
        )
        topics = list(topics)
        if topics:
            judgement.topics.set(topics)
        created = {k: {"before": None, "after": v} for k, v in _snapshot(judgement).items()}
        if topics:
            created["topics"] = {"before": None, "after": _topic_names(topics)}
        _record(
            judgement,
            ChangeAction.CREATED,
            by=by,
            at=now,
            changes=created,
            version=judgement.version,
        )
        for draft in signposts:
            _create_signpost(judgement, draft, by=by, now=now)
        refresh_look(judgement)
    return judgement


# What ``edit_judgement`` may change; everything else on the row belongs to other workflows.
EDITABLE = ("statement", "resolution_criteria", "assessment", "owner", "window_start", "window_end")


@transaction.atomic
def edit_judgement(
    judgement: Judgement,
    *,
    by,
    version: int | None = None,
    watchers: Iterable | None = None,
    topics: Iterable[Topic] | None = None,
    **fields: Any,
) -> Judgement:
    """Change statement, criteria, assessment, owner, window, watchers or own topics; record
    before and after.

    Steps, in one transaction:
    1. lock the judgement and read it afresh (``_lock``);
    2. if ``version`` is given and the judgement has moved past it, refuse with
       ``EditConflict`` listing the changes made since (nothing is written);
    3. apply the fields; the window must hold (``rules.check_window``) and cannot move once
       the judgement is resolved (``rules.check_window_editable``);
    4. save only the columns that changed, plus ``version``; a moved window re-arms the
       alerts (``policy.rearm``), the one other column it writes;
    5. replace the watchers and the own topics if given (``watchers``, ``topics``);
    6. record the edit, the watcher change and the topic change, each with the new version.
    """
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"edit_judgement cannot change {', '.join(sorted(unknown))}")
    _lock(judgement)
    if version is not None and judgement.version != version:
        raise EditConflict(changes_since(judgement, version), version=judgement.version)
    before = _snapshot(judgement)
    window_before = (judgement.window_start, judgement.window_end)
    attnames = {name: Judgement._meta.get_field(name).attname for name in fields}
    old = {name: getattr(judgement, attname) for name, attname in attnames.items()}
    for name, value in fields.items():
        setattr(judgement, name, value)
    window_moved = (judgement.window_start, judgement.window_end) != window_before
    with _held_to_rules():
        rules.check_window(judgement.window_start, judgement.window_end)
        rules.check_window_editable(
            resolved=judgement.resolution_id is not None, moved=window_moved
        )
    columns = [
        name for name, attname in attnames.items() if getattr(judgement, attname) != old[name]
    ]
    changes = diff(before, _snapshot(judgement))
    if watchers is None and "owner" in columns:
        watchers = list(judgement.watchers.all())  # the new owner stops watching
    watcher_changes = _replace_watchers(judgement, watchers) if watchers is not None else None
    topic_changes = _replace_topics(judgement, topics) if topics is not None else None
    if not changes and not watcher_changes and not topic_changes:
        return judgement
    if window_moved:
        judgement.next_alert_at = policy.rearm(judgement)
        columns.append("next_alert_at")
    judgement.version += 1  # the row is locked: no one else moves it meanwhile
    judgement.save(update_fields=[*columns, "version"])
    if window_moved:
        refresh_look(judgement)
    if changes:
        action = ChangeAction.EDITED
        if set(changes) <= {"window_start", "window_end"}:
            action = ChangeAction.WINDOW_CHANGED
        elif set(changes) == {"owner"}:
            action = ChangeAction.REASSIGNED
        _record(judgement, action, by=by, changes=changes, version=judgement.version)
    if watcher_changes:
        _record(
            judgement,
            ChangeAction.WATCHERS_CHANGED,
            by=by,
            changes=watcher_changes,
            version=judgement.version,
        )
    if topic_changes:
        _record(
            judgement, ChangeAction.EDITED, by=by, changes=topic_changes, version=judgement.version
        )
    return judgement


def set_watchers(judgement: Judgement, *, by, users: Iterable) -> None:
    """Replace the watchers (an edit of nothing else); the history keeps both lists."""
    edit_judgement(judgement, by=by, watchers=users)


def _replace_watchers(judgement: Judgement, users: Iterable) -> dict[str, Any] | None:
    """Make ``users`` (never the owner) the watchers; the change as history, or None."""
    wanted = {user.pk: user for user in users if user.pk != judgement.owner_id}
    current = dict(
        Watch.objects.filter(judgement=judgement).values_list("user_id", "user__username")
    )
    if set(wanted) == set(current):
        return None
    Watch.objects.filter(judgement=judgement).exclude(user_id__in=wanted).delete()
    Watch.objects.bulk_create(
        [Watch(judgement=judgement, user=u) for pk, u in wanted.items() if pk not in current]
    )

    def names(usernames: Iterable[str]) -> str:
        return ", ".join(sorted(usernames)) or "nobody"

    return {
        "watchers": {
            "before": names(current.values()),
            "after": names(u.get_username() for u in wanted.values()),
        }
    }


def toggle_mute(watch: Watch) -> Watch:
    """Mute or unmute a watcher's alerts: the watcher's own setting, not the judgement's
    history, so no ChangeRecord. Flipped in SQL, so two clicks at once cancel out."""
    Watch.objects.filter(pk=watch.pk).update(muted=~F("muted"))
    watch.refresh_from_db(fields=["muted"])
    return watch


def _topic_names(topics: Iterable[Topic]) -> str:
    return ", ".join(sorted((t.name for t in topics), key=str.casefold)) or "none"


def set_topics(judgement: Judgement, *, by, topics: Iterable[Topic]) -> None:
    """Replace the judgement's own topics (its assessment's it inherits regardless), an edit
    of nothing else; the history keeps both lists of names."""
    edit_judgement(judgement, by=by, topics=topics)


def _replace_topics(judgement: Judgement, topics: Iterable[Topic]) -> dict[str, Any] | None:
    """Make ``topics`` the judgement's own topics; the change as history, or None."""
    wanted = {topic.pk: topic for topic in topics}
    current = {topic.pk: topic for topic in judgement.topics.all()}
    if set(wanted) == set(current):
        return None
    judgement.topics.set(wanted.values())
    return {
        "topics": {
            "before": _topic_names(current.values()),
            "after": _topic_names(wanted.values()),
        }
    }


@transaction.atomic
def set_assessment_topics(assessment: Assessment, *, by, topics: Iterable[Topic]) -> None:
    """Replace an assessment's topics; each of its judgements records that what it inherits
    changed (one history entry each, in bulk). The assessment is locked first, so two people
    filing it at once file it one after the other."""
    Assessment.objects.select_for_update().filter(pk=assessment.pk).values_list("pk").get()
    wanted = {topic.pk: topic for topic in topics}
    current = {topic.pk: topic for topic in assessment.topics.all()}
    if set(wanted) == set(current):
        return
    assessment.topics.set(wanted.values())
    now = timezone.now()
    change = {
        "assessment topics": {
            "before": _topic_names(current.values()),
            "after": _topic_names(wanted.values()),
        }
    }
    ChangeRecord.objects.bulk_create(
        ChangeRecord(judgement_id=pk, action=ChangeAction.EDITED, actor=by, at=now, changes=change)
        for pk in assessment.judgements.values_list("pk", flat=True)
    )


def estimate_close(judgement: Judgement) -> dt.datetime:
    """After this moment no estimate counts (``rules.estimate_close``)."""
    resolution = judgement.resolution
    if resolution is None:
        return rules.estimate_close(judgement.window_end)
    return rules.estimate_close(
        judgement.window_end,
        occurred_on=resolution.occurred_on,
        settled_on=resolution.settled_on,
    )


def _later(row, current, *, at: str) -> bool:
    """Whether ``row`` is later than ``current`` by ``at``, on a tie by the order recorded."""
    return current is None or (getattr(row, at), row.pk) > (getattr(current, at), current.pk)


@transaction.atomic
def revise_estimate(
    judgement: Judgement,
    *,
    by,
    probability: Decimal | float,
    confidence: str,
    rationale: str,
    cites: Iterable[Indicator] = (),
    now: dt.datetime | None = None,
    action: str = ChangeAction.ESTIMATE_REVISED,
) -> Estimate:
    """Add an estimate; refused once the window has closed or the judgement is resolved.

    Steps, in one transaction: lock the judgement and read it afresh; refuse if it is resolved
    or the close has passed (hindsight); add the estimate with its citations; point the
    judgement at it if it is the latest; recount the balance (indicators logged before this
    estimate were weighed in it: it starts afresh); record before and after. A new estimate
    ends the stale episode of the one before (docs/design.md §5.12): the freshness watch
    starts afresh from it.
    """
    _lock(judgement)
    now = now or timezone.now()
    if judgement.resolution is not None:
        raise ValidationError("This judgement is resolved; its estimate can no longer change.")
    with _held_to_rules():
        rules.check_not_hindsight(now, close=estimate_close(judgement))
    before = judgement.current_estimate
    estimate = Estimate.objects.create(
        judgement=judgement,
        probability=Decimal(str(probability)),
        confidence=confidence,
        rationale=rationale,
        author=by,
        made_at=now,
    )
    cited = [indicator for indicator in cites if indicator.judgement_id == judgement.pk]
    estimate.cites.set(cited)
    if _later(estimate, before, at="made_at"):
        judgement.current_estimate = estimate
        judgement.nudged = ""  # a new episode: nothing nudged about this estimate yet
        judgement.save(update_fields=["current_estimate", "nudged"])
    _refresh_balance(judgement)
    refresh_look(judgement)
    _record(
        judgement,
        action,
        by=by,
        at=now,
        changes={
            "probability": {
                "before": str(before.probability) if before else None,
                "after": str(estimate.probability),
            },
            "confidence": {"before": before.confidence if before else None, "after": confidence},
        },
        note=rationale,
    )
    return estimate


def _indicator_snapshot(indicator: Indicator) -> dict[str, Any]:
    return {
        "observed_on": indicator.observed_on.isoformat(),
        "summary": indicator.summary,
        "direction": indicator.direction,
        "strength": indicator.strength,
        "source": indicator.source,
        "source_url": indicator.source_url,
        "reliability": indicator.reliability,
        "credibility": indicator.credibility,
    }


def _refresh_balance(judgement: Judgement) -> None:
    """Recount the stored balance (for, against, neutral) from the indicator rows, under the
    lock (the caller's instance keeps the value it read: ``refresh_from_db`` for the new)."""
    Judgement.objects.filter(pk=judgement.pk).refresh_balance()


def _check_indicator(fields: dict[str, Any]) -> None:
    with _held_to_rules():
        if "observed_on" in fields:
            rules.check_observed_on(fields["observed_on"], today=timezone.localdate())
        rules.check_source_url(fields.get("source_url", ""))


def _lock_indicator(indicator: Indicator) -> Judgement:
    """Lock the indicator's judgement, then the indicator, and read both afresh."""
    judgement = indicator.judgement
    _lock(judgement)
    indicator.refresh_from_db(from_queryset=Indicator.objects.select_for_update())
    indicator.judgement = judgement
    return judgement


@transaction.atomic
def log_indicator(
    judgement: Judgement, *, by, signpost: Signpost | None = None, **fields: Any
) -> Indicator:
    """Log an indicator: lock the judgement, add the row (logged now, unless ``logged_at``
    says when), recount the balance, record it, re-arm the freshness watch; with
    ``signpost``, it is what showed that signpost (``see_signpost``)."""
    _check_indicator(fields)
    _lock(judgement)
    fields.setdefault("logged_at", timezone.now())  # taken under the lock: ordered with revisions
    indicator = Indicator.objects.create(judgement=judgement, logged_by=by, **fields)
    _refresh_balance(judgement)
    _record(
        judgement,
        ChangeAction.INDICATOR_LOGGED,
        by=by,
        at=indicator.logged_at,
        changes={f"indicator {indicator.pk}": {"before": None, "after": indicator.summary}},
    )
    if signpost is not None:
        see_signpost(signpost, by=by, indicator=indicator, now=indicator.logged_at)
    else:
        refresh_look(judgement)
    return indicator


@transaction.atomic
def edit_indicator(indicator: Indicator, *, by, **fields: Any) -> Indicator:
    """Change an indicator's fields: lock its judgement and the indicator, refuse a
    retracted one, save only the changed fields, recount the balance, record before and
    after."""
    _check_indicator(fields)
    judgement = _lock_indicator(indicator)
    if indicator.is_retracted:
        raise ValidationError("A retracted indicator cannot be edited.")
    before = _indicator_snapshot(indicator)
    for name, value in fields.items():
        setattr(indicator, name, value)
    changes = diff(before, _indicator_snapshot(indicator))
    if changes:
        indicator.save(update_fields=list(fields))
        if "direction" in changes:
            _refresh_balance(judgement)
        _record(
            judgement,
            ChangeAction.INDICATOR_EDITED,
            by=by,
            changes={f"indicator {indicator.pk} {k}": v for k, v in changes.items()},
        )
    return indicator


@transaction.atomic
def retract_indicator(indicator: Indicator, *, by, reason: str) -> Indicator:
    """Retract an indicator with a reason: lock its judgement and the indicator, refuse one
    already retracted, mark it, recount the balance, record it."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the indicator is retracted."})
    judgement = _lock_indicator(indicator)
    if indicator.is_retracted:
        raise ValidationError("This indicator is already retracted.")
    indicator.retracted_at = timezone.now()
    indicator.retracted_by = by
    indicator.retraction_reason = reason
    indicator.save(update_fields=["retracted_at", "retracted_by", "retraction_reason"])
    _refresh_balance(judgement)
    _record(
        judgement,
        ChangeAction.INDICATOR_RETRACTED,
        by=by,
        changes={f"indicator {indicator.pk}": {"before": "active", "after": "retracted"}},
        note=reason,
    )
    # A retracted indicator is no longer evidence: a signpost it showed is no longer seen.
    for signpost in Signpost.objects.filter(seen_indicator=indicator):
        Signpost.objects.filter(pk=signpost.pk).update(
            seen_on=None, seen_at=None, seen_indicator=None, notified_at=None
        )
        _record(
            indicator.judgement,
            ChangeAction.SIGNPOST_EDITED,
            by=by,
            changes={f"signpost {signpost.pk}": {"before": "seen", "after": "not seen"}},
            note=f"The indicator that showed it was retracted: {reason}",
        )
    refresh_look(indicator.judgement)
    return indicator


class _AsRead:
    """``resolve(seen=AS_READ)``: the resolution the judgement held when it was passed in."""


AS_READ = _AsRead()


@transaction.atomic
def resolve(
    judgement: Judgement,
    *,
    by,
    outcome: str,
    occurred_on: dt.date | None = None,
    settled_on: dt.date | None = None,
    note: str = "",
    source_url: str = "",
    seen: int | _AsRead | None = AS_READ,
    now: dt.datetime | None = None,
) -> Resolution:
    """Resolve (or re-resolve) a judgement.

    Steps: lock the judgement and read it afresh; refuse if someone else resolved it since it
    was read (``seen``: the resolution it was read with, None for unresolved; by default the
    one ``judgement`` holds when called); check the outcome and the source URL against
    ``rules`` on the window as it is now (the day it occurred lies in the window and has
    come; "did not occur" once the window has ended, or earlier with the day it was settled
    and a note saying why); score it from its estimate
    history; add the resolution row (an earlier one stays, no longer current); point the
    judgement at it, clear its alert schedule and move its version on (the window is now
    fixed); cancel the pending alerts; record before and after.
    """
    now = now or timezone.now()
    if isinstance(seen, _AsRead):
        seen = judgement.resolution_id
    if outcome != Outcome.OCCURRED:
        occurred_on = None
    with _held_to_rules():
        rules.check_source_url(source_url)
    _lock(judgement)
    # Of two people resolving at once, the second sees the first's resolution and is told
    # so, instead of silently replacing it.
    if judgement.resolution_id != seen:
        raise ValidationError(RESOLVED_MEANWHILE_MESSAGE)
    with _held_to_rules():
        rules.check_resolution(
            outcome,
            occurred_on=occurred_on,
            window_start=judgement.window_start,
            window_end=judgement.window_end,
            resolved_on=timezone.localdate(now),
            settled_on=settled_on,
            note=note,
        )
    previous = judgement.resolution
    resolution = Resolution(
        judgement=judgement,
        outcome=outcome,
        occurred_on=occurred_on,
        settled_on=settled_on,
        note=note,
        source_url=source_url,
        resolved_by=by,
        resolved_at=now,
        window_start=judgement.window_start,
        window_end=judgement.window_end,
    )
    if previous is not None and now < previous.resolved_at:
        # The current resolution is the latest (docs/design.md §2.7): a new one cannot be
        # dated before it.
        current = f"{previous.resolved_at:%Y-%m-%d %H:%M}"
        raise ValidationError(f"A resolution cannot be dated before the current one ({current}).")
    resolution.score([(e.made_at, float(e.probability)) for e in judgement.estimates.all()])
    Resolution.objects.filter(judgement=judgement, is_current=True).update(is_current=False)
    resolution.save()
    judgement.resolution = resolution
    judgement.next_alert_at = None
    judgement.look_due_at = judgement.next_look_at = None
    judgement.version += 1
    judgement.save(
        update_fields=["resolution", "next_alert_at", "look_due_at", "next_look_at", "version"]
    )
    policy.cancel_pending(judgement, now=now)
    Notice.objects.filter(judgement=judgement).pending().update(cancelled_at=now)

    def describe(r: Resolution | None) -> str | None:
        if r is None:
            return None
        when = f" on {r.occurred_on}" if r.occurred_on else ""
        if r.settled_on:
            when = f", settled on {r.settled_on}"
        return f"{r.get_outcome_display()}{when}"

    _record(
        judgement,
        ChangeAction.RERESOLVED if previous else ChangeAction.RESOLVED,
        by=by,
        at=now,
        changes={"resolution": {"before": describe(previous), "after": describe(resolution)}},
        note=note,
        version=judgement.version,
    )
    return resolution


# --- Many at once ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftIndicator:
    """Evidence a report cites for one of its judgements."""

    summary: str
    source: str = ""
    source_url: str = ""


@dataclass(frozen=True)
class DraftJudgement:
    """A key judgement found in a report, as the analyst accepted it."""

    statement: str
    probability: Decimal
    rationale: str
    window_start: dt.date
    window_end: dt.date
    indicators: list[DraftIndicator] = field(default_factory=list)
    signposts: list[DraftSignpost] = field(default_factory=list)


@transaction.atomic
def import_report(
    *,
    by,
    team,
    title: str,
    summary: str,
    published_on: dt.date,
    source: str,
    judgements: Iterable[DraftJudgement],
) -> Assessment:
    """Track a report: its assessment and each accepted judgement, all or nothing.

    Steps, in one transaction: check the report's size (``rules.check_report_size``); create
    the assessment; for each judgement, create it (owned by ``by``, first estimate and
    history as ``create_judgement``) and log the report's evidence as supporting indicators
    in bulk (``_log_evidence``).
    """
    drafts = list(judgements)
    with _held_to_rules():
        rules.check_report_size([len(draft.indicators) for draft in drafts])
        for draft in drafts:
            for evidence in draft.indicators:
                rules.check_source_url(evidence.source_url)
    assessment = Assessment.objects.create(
        title=title, summary=summary, published_on=published_on, source=source, team=team
    )
    observed_on = min(published_on, timezone.localdate())
    for draft in drafts:
        judgement = create_judgement(
            by=by,
            statement=draft.statement,
            team=team,
            owner=by,
            probability=draft.probability,
            rationale=draft.rationale,
            assessment=assessment,
            window_start=draft.window_start,
            window_end=draft.window_end,
            signposts=draft.signposts,
        )
        _log_evidence(judgement, by=by, observed_on=observed_on, evidence=draft.indicators)
    return assessment


def _log_evidence(
    judgement: Judgement, *, by, observed_on: dt.date, evidence: list[DraftIndicator]
) -> None:
    """A new judgement's evidence from its report, as ``log_indicator`` would log it, in two
    INSERTs: supporting indicators observed on the publication day (or today, if that is
    still ahead), logged with the first estimate since the estimate rests on them, so they
    leave the for/against balance at zero; one history entry each."""
    made_at = judgement.current_estimate.made_at
    indicators = Indicator.objects.bulk_create(
        [
            Indicator(
                judgement=judgement,
                logged_by=by,
                logged_at=made_at,
                observed_on=observed_on,
                summary=item.summary,
                direction=Direction.SUPPORTS,
                source=item.source,
                source_url=item.source_url,
            )
            for item in evidence
        ]
    )
    ChangeRecord.objects.bulk_create(
        [
            ChangeRecord(
                judgement=judgement,
                action=ChangeAction.INDICATOR_LOGGED,
                actor=by,
                at=made_at,
                changes={f"indicator {i.pk}": {"before": None, "after": i.summary}},
            )
            for i in indicators
        ]
    )


BULK_BATCH = 2000


def after_bulk_write(pks: list[int]) -> None:
    """Bring judgements written in bulk (importer, dataset generator) to the state the
    one-at-a-time workflows keep: the same derived values, computed the same way.

    Steps, per batch of judgements:
    1. point each at its latest estimate and resolution (``JudgementQuerySet.point_at_latest``);
    2. recount its for/against balance from the indicator rows (``recount_balance``);
    3. arm the expiry watch of the unresolved ones as ``create_judgement`` does
       (``policy.first_alert_at``); resolved ones have nothing to watch;
    4. arm their freshness watch from the facts, as ``refresh_look`` does one at a time
       (``arm_looks``), so an estimate already 100 days old is caught up by the next scan
       with one nudge.
    """
    for start in range(0, len(pks), BULK_BATCH):
        chunk = Judgement.objects.filter(pk__in=pks[start : start + BULK_BATCH])
        chunk.point_at_latest()
        chunk.recount_balance()
        chunk.filter(resolution__isnull=False).update(next_alert_at=None)
        unresolved = list(chunk.filter(resolution__isnull=True).only("pk", "window_end"))
        for judgement in unresolved:
            judgement.next_alert_at = policy.first_alert_at(judgement)
        Judgement.objects.bulk_update(unresolved, ["next_alert_at"], batch_size=1000)
        arm_looks([j.pk for j in unresolved])


# --- Sign-in (docs/design.md §1.4) -----------------------------------------------------------


@dataclass(frozen=True)
class Origin:
    """Where a sign-in or request came from, as the access audit records it."""

    address: str | None = None
    user_agent: str = ""


def record_access(
    kind: str,
    *,
    user=None,
    username: str = "",
    method: str = "",
    origin: Origin = Origin(),
    detail: str = "",
) -> AccessEvent:
    """Append one row to the access audit (it is never changed afterwards)."""
    return AccessEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        username=(username or (user.get_username() if user is not None else ""))[:150],
        method=method,
        address=origin.address,
        user_agent=origin.user_agent[:300],
        detail=detail[:500],
    )


def _access_snapshot(user, managed_teams: Iterable[str]) -> dict[str, Any]:
    managed = set(managed_teams)
    return {
        "role groups": sorted(
            n for n in user.groups.values_list("name", flat=True) if n in access.ROLE_GROUP_NAMES
        ),
        "admin site": user.is_staff,
        "member of": sorted(user.teams.filter(slug__in=managed).values_list("slug", flat=True)),
        "leads": sorted(user.led_teams.filter(slug__in=managed).values_list("slug", flat=True)),
    }


def apply_directory_access(
    user,
    granted: access.DirectoryAccess,
    *,
    managed_teams: Iterable[str],
    method: str,
    origin: Origin = Origin(),
) -> dict[str, dict[str, Any]]:
    """Make a directory user's roles and teams what the directory says, at a sign-in or a
    recheck; returns what changed (also written to the access audit).

    1. The role groups become exactly ``granted.role_groups`` (other groups are left alone).
    2. Admin-site access follows the role (a superuser keeps it).
    3. For each team the mapping manages (``managed_teams``, created when first granted),
       membership and leadership become exactly what is granted; other teams, set by hand
       in the admin, are left alone. Judgements the user owns are untouched.
    4. A change is recorded as a "roles changed" row of the access audit.
    """
    managed = set(managed_teams) | granted.member_of | granted.leads
    with transaction.atomic():
        before = _access_snapshot(user, managed)
        role_groups = {access.group_for(role) for role in access.Role}
        keep = [g for g in role_groups if g.name in granted.role_groups]
        user.groups.remove(*[g for g in role_groups if g.name not in granted.role_groups])
        user.groups.add(*keep)
        staff = granted.admin_site or user.is_superuser
        if user.is_staff != staff:
            user.is_staff = staff
            user.save(update_fields=["is_staff"])
        teams = {
            slug: Team.objects.get_or_create(
                slug=slug, defaults={"name": slug.replace("-", " ").replace("_", " ").title()}
            )[0]
            for slug in sorted(granted.member_of | granted.leads)
        }
        teams.update({t.slug: t for t in Team.objects.filter(slug__in=managed - set(teams))})
        for slug, team in teams.items():
            (team.members.add if slug in granted.member_of else team.members.remove)(user)
            (team.leads.add if slug in granted.leads else team.leads.remove)(user)
        for name in ("_yardstick_groups", "_yardstick_team_ids", "_yardstick_led_team_ids"):
            user.__dict__.pop(name, None)  # the per-request memo of access.py
        changes = diff(before, _access_snapshot(user, managed))
        if changes:
            summary = "; ".join(
                f"{key}: {_listed(c['before'])} → {_listed(c['after'])}"
                for key, c in changes.items()
            )
            record_access(
                AccessKind.ROLES_CHANGED, user=user, method=method, origin=origin, detail=summary
            )
    return changes


def _listed(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return ", ".join(value) if value else "none"


# --- Fresh estimates (docs/design.md §5.12) -----------------------------------------------------


@transaction.atomic
def reaffirm(
    judgement: Judgement, *, by, rationale: str, now: dt.datetime | None = None
) -> Estimate:
    """ "Still 65%, looked at today": a new estimate with the same number and confidence.

    It is an estimate like any other (the history shows the look, the balance starts afresh,
    the stale episode ends), and scores are unaffected because the number did not move.
    Refused when a revision would be (resolved, or the window has closed).
    """
    rationale = rationale.strip()
    with _held_to_rules():
        rules.check_reaffirmation(rationale)
    current = judgement.current_estimate
    if current is None:
        raise ValidationError("There is no estimate to reaffirm.")
    return revise_estimate(
        judgement,
        by=by,
        probability=current.probability,
        confidence=current.confidence,
        rationale=rationale,
        now=now,
        action=ChangeAction.ESTIMATE_REAFFIRMED,
    )


def _nth_indicator_at(judgement: Judgement, made_at: dt.datetime) -> dt.datetime | None:
    """When the ``YARDSTICK_STALE_INDICATORS``-th active indicator since the estimate was
    logged (None while there are fewer)."""
    n = settings.YARDSTICK_STALE_INDICATORS
    found = (
        Indicator.objects.filter(judgement=judgement, retracted_at=None, logged_at__gt=made_at)
        .order_by("logged_at", "pk")
        .values_list("logged_at", flat=True)[n - 1 : n]
    )
    return next(iter(found), None)


def refresh_look(judgement: Judgement) -> None:
    """Recompute when the current estimate is due for a look (``rules.look_due_at``) and when
    the freshness scan next has news (``rules.next_look_at``), from the facts: the estimate,
    its indicators and the signposts. Called by every workflow that changes one of them.

    The reasons already nudged are not read here: at worst the scan looks once for nothing.
    """
    estimate = judgement.current_estimate
    due = following = None
    if judgement.resolution_id is None and estimate is not None:
        signposts = list(Signpost.objects.filter(judgement=judgement))
        nth = _nth_indicator_at(judgement, estimate.made_at)
        due = rules.look_due_at(made_at=estimate.made_at, nth_indicator_at=nth, signposts=signposts)
        following = rules.next_look_at(
            made_at=estimate.made_at,
            nth_indicator_at=nth,
            signposts=signposts,
            nudged=set(),
            close=estimate_close(judgement),
        )
    Judgement.objects.filter(pk=judgement.pk).update(look_due_at=due, next_look_at=following)
    judgement.look_due_at, judgement.next_look_at = due, following


@dataclass(frozen=True)
class LookFacts:
    """What the freshness watch reads of an open judgement: when its current estimate was
    made, when its Nth active indicator since then was logged, its signposts."""

    made_at: dt.datetime
    nth_indicator_at: dt.datetime | None
    signposts: list[Signpost]


def look_facts(judgements: list[Judgement]) -> dict[int, LookFacts]:
    """``LookFacts`` of unresolved judgements (with ``current_estimate`` loaded), in two
    queries whatever their number."""
    judgements = [j for j in judgements if j.current_estimate_id is not None]
    signposts: dict[int, list[Signpost]] = {j.pk: [] for j in judgements}
    for signpost in Signpost.objects.filter(judgement_id__in=signposts):
        signposts[signpost.judgement_id].append(signpost)
    logged: dict[int, list[dt.datetime]] = {j.pk: [] for j in judgements}
    active = Indicator.objects.filter(judgement_id__in=logged, retracted_at=None)
    for pk, at in active.order_by("logged_at", "pk").values_list("judgement_id", "logged_at"):
        logged[pk].append(at)
    n = settings.YARDSTICK_STALE_INDICATORS
    facts = {}
    for judgement in judgements:
        made_at = judgement.current_estimate.made_at
        since = [at for at in logged[judgement.pk] if at > made_at]
        nth = since[n - 1] if len(since) >= n else None
        facts[judgement.pk] = LookFacts(made_at, nth, signposts[judgement.pk])
    return facts


def arm_looks(pks: list[int]) -> None:
    """``refresh_look`` for many unresolved judgements at once (bulk writers): three queries
    per call, whatever the number of judgements."""
    judgements = list(
        Judgement.objects.filter(pk__in=pks, resolution__isnull=True)
        .select_related("current_estimate")
        .only("pk", "window_end", "resolution_id", "current_estimate__made_at")
    )
    facts = look_facts(judgements)
    judgements = [j for j in judgements if j.pk in facts]  # no estimate: nothing to look at
    for judgement in judgements:
        fact = facts[judgement.pk]
        judgement.look_due_at = rules.look_due_at(
            made_at=fact.made_at, nth_indicator_at=fact.nth_indicator_at, signposts=fact.signposts
        )
        judgement.next_look_at = rules.next_look_at(
            made_at=fact.made_at,
            nth_indicator_at=fact.nth_indicator_at,
            signposts=fact.signposts,
            nudged=set(),
            close=rules.estimate_close(judgement.window_end),
        )
    Judgement.objects.bulk_update(judgements, ["look_due_at", "next_look_at"], batch_size=1000)


# --- Signposts (docs/design.md §2.10) ----------------------------------------------------------


@dataclass(frozen=True)
class DraftSignpost:
    """A signpost as written on the new-judgement form or the Import report review."""

    text: str
    direction: str
    expected_by: dt.date | None = None


def _check_signpost(draft: DraftSignpost, *, written_on: dt.date, window_end: dt.date) -> None:
    rules.check_signpost_text(draft.text)
    rules.check_signpost_direction(draft.direction)
    rules.check_expected_by(draft.expected_by, written_on=written_on, window_end=window_end)


def _describe_signpost(signpost: Signpost | DraftSignpost) -> str:
    way = "supports" if signpost.direction == Direction.SUPPORTS else "undermines"
    by = f", expected by {signpost.expected_by.isoformat()}" if signpost.expected_by else ""
    return f"{signpost.text} ({way}{by})"


def _create_signpost(judgement: Judgement, draft: DraftSignpost, *, by, now) -> Signpost:
    signpost = Signpost.objects.create(
        judgement=judgement,
        text=draft.text.strip(),
        direction=draft.direction,
        expected_by=draft.expected_by,
        created_by=by,
        created_at=now,
    )
    _record(
        judgement,
        ChangeAction.SIGNPOST_ADDED,
        by=by,
        at=now,
        changes={f"signpost {signpost.pk}": {"before": None, "after": _describe_signpost(draft)}},
    )
    return signpost


def _lock_signpost(signpost: Signpost) -> Judgement:
    """Lock the signpost's judgement, then the signpost, and read both afresh."""
    judgement = signpost.judgement
    _lock(judgement)
    signpost.refresh_from_db(from_queryset=Signpost.objects.select_for_update())
    signpost.judgement = judgement
    return judgement


def _refuse_when_resolved(judgement: Judgement) -> None:
    if judgement.resolution_id is not None:
        raise ValidationError("This judgement is resolved; its signposts can no longer change.")


@transaction.atomic
def add_signpost(
    judgement: Judgement,
    *,
    by,
    text: str,
    direction: str,
    expected_by: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Signpost:
    """Write down what would change your mind; re-arm the freshness watch for its day."""
    now = now or timezone.now()
    _lock(judgement)
    _refuse_when_resolved(judgement)
    draft = DraftSignpost(text=text.strip(), direction=direction, expected_by=expected_by)
    with _held_to_rules():
        _check_signpost(draft, written_on=timezone.localdate(now), window_end=judgement.window_end)
    signpost = _create_signpost(judgement, draft, by=by, now=now)
    refresh_look(judgement)
    return signpost


@transaction.atomic
def edit_signpost(
    signpost: Signpost,
    *,
    by,
    text: str,
    direction: str,
    expected_by: dt.date | None,
    now: dt.datetime | None = None,
) -> Signpost:
    """Change a signpost not yet seen nor lapsed; the history keeps before and after (the
    judgement and then the signpost locked and read afresh: the check and the before are of
    what is stored, not of what the page read)."""
    now = now or timezone.now()
    judgement = _lock_signpost(signpost)
    _refuse_when_resolved(judgement)
    draft = DraftSignpost(text=text.strip(), direction=direction, expected_by=expected_by)
    with _held_to_rules():
        rules.check_signpost_changeable(signpost)
        _check_signpost(draft, written_on=timezone.localdate(now), window_end=judgement.window_end)
    before = {"text": signpost.text, "direction": signpost.direction}
    before["expected_by"] = signpost.expected_by.isoformat() if signpost.expected_by else None
    after = {"text": draft.text, "direction": draft.direction}
    after["expected_by"] = expected_by.isoformat() if expected_by else None
    changes = diff(before, after)
    if not changes:
        return signpost
    signpost.text, signpost.direction, signpost.expected_by = draft.text, direction, expected_by
    signpost.save(update_fields=["text", "direction", "expected_by"])
    _record(
        judgement,
        ChangeAction.SIGNPOST_EDITED,
        by=by,
        at=now,
        changes={f"signpost {signpost.pk} {k}": v for k, v in changes.items()},
    )
    refresh_look(judgement)
    return signpost


@transaction.atomic
def withdraw_signpost(signpost: Signpost, *, by, reason: str) -> Signpost:
    """Withdraw a signpost with a reason; it stays on the page, marked withdrawn."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the signpost is withdrawn."})
    now = timezone.now()
    judgement = _lock_signpost(signpost)
    claimed = Signpost.objects.filter(pk=signpost.pk, withdrawn_at=None).update(
        withdrawn_at=now, withdrawn_by=by, withdrawn_reason=reason
    )
    if claimed != 1:
        raise ValidationError("This signpost is already withdrawn.")
    signpost.refresh_from_db()
    signpost.judgement = judgement
    _record(
        judgement,
        ChangeAction.SIGNPOST_WITHDRAWN,
        by=by,
        at=now,
        changes={f"signpost {signpost.pk}": {"before": signpost.text, "after": "withdrawn"}},
        note=reason,
    )
    refresh_look(judgement)
    return signpost


@transaction.atomic
def see_signpost(
    signpost: Signpost, *, by, indicator: Indicator, now: dt.datetime | None = None
) -> Signpost:
    """The signpost was seen, on the day of the indicator that showed it.

    The owner and watchers are told at the next freshness scan (``notified_at`` is cleared
    for it), and the current estimate falls due for a look if it was made before.
    """
    now = now or timezone.now()
    judgement = _lock_signpost(signpost)
    _refuse_when_resolved(judgement)
    with _held_to_rules():
        rules.check_seen_by(signpost, indicator)
    claimed = Signpost.objects.filter(pk=signpost.pk, seen_on=None, withdrawn_at=None).update(
        seen_on=indicator.observed_on, seen_at=now, seen_indicator=indicator, notified_at=None
    )
    if claimed != 1:
        raise ValidationError("Someone else changed this signpost a moment ago; reload the page.")
    signpost.refresh_from_db()
    signpost.judgement = judgement
    _record(
        judgement,
        ChangeAction.SIGNPOST_SEEN,
        by=by,
        at=now,
        changes={
            f"signpost {signpost.pk}": {
                "before": "not seen",
                "after": f"seen on {indicator.observed_on.isoformat()} ({indicator.summary})",
            }
        },
    )
    refresh_look(judgement)
    return signpost


def record_lapses(signposts: list[Signpost], *, now: dt.datetime) -> list[Signpost]:
    """Mark lapsed the signposts whose expected-by day passed unseen (the freshness scan calls
    this inside its transaction, the judgements locked); one history entry each."""
    today = timezone.localdate(now)
    lapsed = [
        s
        for s in signposts
        if s.withdrawn_at is None
        and s.seen_on is None
        and s.lapsed_on is None
        and s.lapses_on is not None
        and s.lapses_on <= today
    ]
    for signpost in lapsed:
        signpost.lapsed_on = signpost.lapses_on
    Signpost.objects.bulk_update(lapsed, ["lapsed_on"])
    ChangeRecord.objects.bulk_create(
        ChangeRecord(
            judgement_id=s.judgement_id,
            action=ChangeAction.SIGNPOST_LAPSED,
            actor=None,
            at=now,
            changes={
                f"signpost {s.pk}": {
                    "before": "not seen",
                    "after": f"lapsed: not seen by {s.expected_by.isoformat()}",
                }
            },
        )
        for s in lapsed
    )
    return lapsed

"""Every value the database stores that can be recomputed from other rows, recomputed and
compared (docs/design.md §2.12): what ``manage.py check_integrity`` runs.

The derived values, and the rows they are recomputed from:

- ``Judgement.current_estimate``: its latest estimate by ``made_at``, on a tie the later
  recorded (``models.latest_estimate``);
- ``Judgement.resolution``: its latest resolution by ``resolved_at``, likewise
  (``models.latest_resolution``), and ``Resolution.is_current`` true on exactly that row;
- ``indicators_for`` / ``indicators_against`` / ``indicators_neutral``: the active
  indicators of each direction logged after the current estimate
  (``models.counted_indicators``);
- ``next_alert_at``: empty once resolved; otherwise the due moment of a threshold of the
  current window end (``expiry.policy``), no later than the first threshold that has no
  alert row yet. An earlier one is allowed: it is a catch-up the next scan makes (after the
  window moved back to a date whose alerts exist), never a missed alert;
- ``look_due_at``: empty once resolved; otherwise when the current estimate is due for a
  look, from its age, its Nth indicator and its signposts (``rules.look_due_at``);
- ``next_look_at``: empty once resolved; otherwise no later than the next news the
  freshness watch has to tell, given the reasons already nudged (``rules.next_look_at``).
  An earlier one is allowed (a workflow re-arms it without reading what was nudged: the
  scan then looks once for nothing), a later one or none would be a missed nudge.

Not checked: resolution scores, which are frozen when the judgement is resolved
(docs/design.md §4.1) rather than derived afterwards.

``find_drift`` reads in batches and changes nothing; ``repair`` locks the judgements that
drifted, recomputes them under the lock and writes the expected values, in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F

from judgements import rules, workflows
from judgements.expiry import policy
from judgements.models import Alert, Judgement, Resolution

BATCH = 2000

# What each drift is about, and how ``repair`` mends it.
POINTERS = ("current_estimate", "resolution", "resolution.is_current")
BALANCE = ("indicators_for", "indicators_against", "indicators_neutral")
SCHEDULE = ("next_alert_at", "look_due_at", "next_look_at")


@dataclass(frozen=True)
class Drift:
    """A stored value that differs from its recomputation."""

    judgement_id: int
    reference: str
    field: str
    stored: Any
    expected: Any

    def __str__(self) -> str:
        stored, expected = _show(self.stored), _show(self.expected)
        return f"{self.reference}: {self.field} is {stored}, should be {expected}"


def _show(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value)


def find_drift(pks: Iterable[int] | None = None, *, batch: int = BATCH) -> list[Drift]:
    """Every drift among the judgements ``pks`` (default: all), in reference order."""
    ids = list(
        Judgement.objects.filter(**({} if pks is None else {"pk__in": list(pks)}))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    found: list[Drift] = []
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        found += _pointers_and_balance(chunk)
        found += _current_flags(chunk)
        found += _schedules(chunk)
        found += _looks(chunk)
    return sorted(found, key=lambda d: (d.reference, d.field))


def _pointers_and_balance(chunk: list[int]) -> list[Drift]:
    rows = (
        Judgement.objects.filter(pk__in=chunk)
        .with_latest()
        .with_counted_balance()
        .values_list(
            "pk",
            "reference",
            "current_estimate_id",
            "latest_estimate_id",
            "resolution_id",
            "latest_resolution_id",
            "indicators_for",
            "counted_for",
            "indicators_against",
            "counted_against",
            "indicators_neutral",
            "counted_neutral",
        )
    )
    found = []
    for pk, reference, *values in rows:
        pairs = zip(values[::2], values[1::2], strict=True)
        names = ("current_estimate", "resolution", *BALANCE)
        for name, (stored, expected) in zip(names, pairs, strict=True):
            if stored != expected:
                found.append(Drift(pk, reference, name, stored, expected))
    return found


def _current_flags(chunk: list[int]) -> list[Drift]:
    """Resolutions marked current that the judgement does not point at, and the other way."""
    pointed = dict(
        Judgement.objects.filter(pk__in=chunk, resolution__isnull=False).values_list(
            "pk", "resolution_id"
        )
    )
    flagged = defaultdict(set)
    for judgement_id, pk in Resolution.objects.filter(
        judgement_id__in=chunk, is_current=True
    ).values_list("judgement_id", "pk"):
        flagged[judgement_id].add(pk)
    references = dict(
        Judgement.objects.filter(pk__in=set(pointed) | set(flagged)).values_list("pk", "reference")
    )
    found = []
    for judgement_id in sorted(set(pointed) | set(flagged)):
        expected = {pointed[judgement_id]} if judgement_id in pointed else set()
        if flagged[judgement_id] != expected:
            found.append(
                Drift(
                    judgement_id,
                    references[judgement_id],
                    "resolution.is_current",
                    ", ".join(map(str, sorted(flagged[judgement_id]))) or None,
                    ", ".join(map(str, sorted(expected))) or None,
                )
            )
    return found


def expected_schedule(window_end: dt.date, offsets_with_rows: set[int]) -> list[dt.datetime]:
    """The moments ``next_alert_at`` may hold for an unresolved judgement: the due moments
    of its window end's thresholds up to and including the first without an alert row (the
    last of the list, which is what ``repair`` sets)."""
    moments = []
    for offset in policy.offsets():
        moments.append(policy.due_at(window_end, offset))
        if offset not in offsets_with_rows:
            return moments
    raise AssertionError("unreachable: the offsets never end")


def _schedules(chunk: list[int]) -> list[Drift]:
    judgements = list(
        Judgement.objects.filter(pk__in=chunk).values_list(
            "pk", "reference", "window_end", "next_alert_at", "resolution_id"
        )
    )
    offsets: dict[int, set[int]] = defaultdict(set)
    unresolved = [pk for pk, _, _, _, resolution in judgements if resolution is None]
    for judgement_id, offset in Alert.objects.filter(
        judgement_id__in=unresolved, window_end=F("judgement__window_end")
    ).values_list("judgement_id", "offset_days"):
        offsets[judgement_id].add(offset)
    found = []
    for pk, reference, window_end, stored, resolution in judgements:
        if resolution is not None:
            if stored is not None:
                found.append(Drift(pk, reference, "next_alert_at", stored, None))
            continue
        allowed = expected_schedule(window_end, offsets[pk])
        if stored not in allowed:
            found.append(Drift(pk, reference, "next_alert_at", stored, allowed[-1]))
    return found


def _looks(chunk: list[int]) -> list[Drift]:
    """The freshness watch's two moments, recomputed as ``workflows.refresh_look`` and the
    scan compute them."""
    judgements = list(Judgement.objects.filter(pk__in=chunk).select_related("current_estimate"))
    facts = workflows.look_facts([j for j in judgements if j.resolution_id is None])
    found = []
    for judgement in judgements:
        pk, reference = judgement.pk, judgement.reference
        fact = facts.get(pk)
        if fact is None:  # resolved, or no estimate: nothing to watch
            for name in ("look_due_at", "next_look_at"):
                if judgement.resolution_id is not None and getattr(judgement, name) is not None:
                    found.append(Drift(pk, reference, name, getattr(judgement, name), None))
            continue
        due = rules.look_due_at(
            made_at=fact.made_at, nth_indicator_at=fact.nth_indicator_at, signposts=fact.signposts
        )
        if judgement.look_due_at != due:
            found.append(Drift(pk, reference, "look_due_at", judgement.look_due_at, due))
        following = rules.next_look_at(
            made_at=fact.made_at,
            nth_indicator_at=fact.nth_indicator_at,
            signposts=fact.signposts,
            nudged={code for code in judgement.nudged.split(",") if code},
            close=rules.estimate_close(judgement.window_end),
        )
        stored = judgement.next_look_at
        if following is not None and (stored is None or stored > following):
            found.append(Drift(pk, reference, "next_look_at", stored, following))
    return found


def repair(drifts: Iterable[Drift]) -> list[Drift]:
    """Write the expected values for the judgements that drifted, in one transaction.

    Steps: lock those judgements (in id order, as the workflows do one at a time); find
    their drift again under the lock (a workflow may have mended it meanwhile); point them
    at their latest estimate and resolution; then recount their balance (it counts from the
    current estimate); then set each schedule and look. Returns what was repaired.
    """
    pks = sorted({drift.judgement_id for drift in drifts})
    if not pks:
        return []
    with transaction.atomic():
        locked = Judgement.objects.select_for_update().filter(pk__in=pks).order_by("pk")
        list(locked.values_list("pk", flat=True))
        found = find_drift(pks)
        fields = defaultdict(set)
        for drift in found:
            fields[drift.judgement_id].add(drift.field)
        pointers = [pk for pk, names in fields.items() if names & set(POINTERS)]
        Judgement.objects.filter(pk__in=pointers).point_at_latest()
        Judgement.objects.filter(pk__in=list(fields)).refresh_balance()
        # After the pointers: a judgement found resolved has no schedule.
        for drift in _schedules(list(fields)) + _looks(list(fields)):
            Judgement.objects.filter(pk=drift.judgement_id).update(**{drift.field: drift.expected})
    return found

"""Export judgement history as the interchange files of docs/design.md §7.

Writes ``judgements.csv``, ``estimates.csv``, ``indicators.csv`` (with the ``signpost`` each
one showed), ``resolutions.csv`` (earlier resolutions of re-resolved judgements) and
``signposts.csv`` with the optional extra columns
``importing`` documents, so that importing the export into an empty database reproduces
every judgement, estimate, indicator and resolution. UTF-8, one header row; times are
ISO 8601 in UTC; probabilities are decimals. Not carried: watchers, the indicators an
estimate cites, alerts, notices and the change history (an import writes its own "imported" entry).

The files are data for ``import_judgements`` and other programs, not a spreadsheet: every
cell is written exactly as stored, so that export → import is lossless. Unlike the
dashboard's CSV for briefings, text a spreadsheet would run as a formula ("=…", "＋…") is
not quoted; open these files in a spreadsheet only by importing every column as text
(docs/design.md §7.8).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db.models import F, QuerySet

from judgements.interchange.columns import (
    ESTIMATE_COLUMNS,
    INDICATOR_COLUMNS,
    INDICATOR_EXTRA,
    INDICATOR_SIGNPOST,
    JUDGEMENT_COLUMNS,
    JUDGEMENT_EXTRA,
    RESOLUTION_COLUMNS,
    SIGNPOST_COLUMNS,
    SIGNPOST_EXTRA,
)
from judgements.models import Estimate, Indicator, Judgement, Resolution, Signpost


@dataclass(frozen=True)
class ExportResult:
    judgements: int
    estimates: int
    indicators: int
    earlier_resolutions: int = 0
    signposts: int = 0

    def __str__(self) -> str:
        return (
            f"Exported {self.judgements} judgements, {self.estimates} revisions, "
            f"{self.indicators} indicators, {self.earlier_resolutions} earlier resolutions "
            f"and {self.signposts} signposts."
        )


def _moment(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).isoformat() if value else ""


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _probability(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _estimates_by_judgement(judgements: QuerySet[Judgement]) -> dict[int, list[dict]]:
    rows = (
        Estimate.objects.filter(judgement__in=judgements)
        .order_by("judgement_id", "made_at", "pk")
        .values(
            "judgement_id", "made_at", "probability", "confidence", "author__username", "rationale"
        )
    )
    grouped: dict[int, list[dict]] = defaultdict(list)
    for row in rows.iterator(chunk_size=5000):
        grouped[row["judgement_id"]].append(row)
    return grouped


def export_judgements(
    directory: Path | str, judgements: QuerySet[Judgement] | None = None
) -> ExportResult:
    """Write the five files (judgements, estimates, indicators, earlier resolutions and
    signposts) into ``directory`` (created if missing, files overwritten)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    judgements = judgements if judgements is not None else Judgement.objects.all()
    estimates = _estimates_by_judgement(judgements)
    selected = (
        judgements.select_related("owner", "team", "assessment", "resolution__resolved_by")
        .prefetch_related("topics")
        .order_by("reference")
    )
    revisions = 0
    with (
        (directory / "judgements.csv").open("w", newline="", encoding="utf-8") as jf,
        (directory / "estimates.csv").open("w", newline="", encoding="utf-8") as ef,
    ):
        jw = csv.writer(jf)
        ew = csv.writer(ef)
        jw.writerow(JUDGEMENT_COLUMNS + JUDGEMENT_EXTRA)
        ew.writerow(ESTIMATE_COLUMNS)
        count = 0
        for judgement in selected.iterator(chunk_size=2000):
            history = estimates.get(judgement.pk, [])
            if not history:
                continue  # a judgement always has a first estimate; nothing to export without
            first, later = history[0], history[1:]
            jw.writerow(_judgement_row(judgement, first))
            count += 1
            for e in later:
                ew.writerow(
                    [
                        judgement.reference,
                        _moment(e["made_at"]),
                        _probability(e["probability"]),
                        e["confidence"],
                        e["author__username"],
                        e["rationale"],
                    ]
                )
            revisions += len(later)
    indicators = _write_indicators(directory / "indicators.csv", judgements)
    earlier = _write_earlier_resolutions(directory / "resolutions.csv", judgements)
    signposts = _write_signposts(directory / "signposts.csv", judgements)
    return ExportResult(count, revisions, indicators, earlier, signposts)


def _judgement_row(judgement: Judgement, first: dict) -> list[str]:
    r = judgement.resolution
    return [
        judgement.reference,
        judgement.statement,
        judgement.resolution_criteria,
        judgement.owner.get_username(),
        judgement.team.name,
        judgement.assessment.title if judgement.assessment else "",
        _day(judgement.window_start),
        _day(judgement.window_end),
        _probability(first["probability"]),
        first["confidence"],
        _moment(first["made_at"]),
        r.outcome if r else "",
        _day(r.occurred_on) if r else "",
        _moment(r.resolved_at) if r else "",
        r.note if r else "",
        first["rationale"],
        first["author__username"],
        r.resolved_by.get_username() if r else "",
        r.source_url if r else "",
        _day(r.settled_on) if r else "",
        "; ".join(sorted((t.name for t in judgement.topics.all()), key=str.casefold)),
    ]


def _write_indicators(path: Path, judgements: QuerySet[Judgement]) -> int:
    rows = (
        Indicator.objects.filter(judgement__in=judgements)
        .select_related("judgement", "logged_by", "retracted_by")
        .order_by("judgement__reference", "logged_at", "pk")
    )
    # The signpost each indicator showed, by its text (one query).
    shown = dict(
        Signpost.objects.filter(judgement__in=judgements, seen_indicator__isnull=False).values_list(
            "seen_indicator_id", "text"
        )
    )
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(INDICATOR_COLUMNS + INDICATOR_EXTRA + INDICATOR_SIGNPOST)
        for i in rows.iterator(chunk_size=2000):
            writer.writerow(
                [
                    i.judgement.reference,
                    _day(i.observed_on),
                    i.direction,
                    i.strength,
                    i.summary,
                    i.source,
                    i.source_url,
                    i.reliability,
                    i.credibility,
                    i.logged_by.get_username(),
                    _moment(i.logged_at),
                    _moment(i.retracted_at),
                    i.retracted_by.get_username() if i.retracted_by else "",
                    i.retraction_reason,
                    shown.get(i.pk, ""),
                ]
            )
            count += 1
    return count


def _write_earlier_resolutions(path: Path, judgements: QuerySet[Judgement]) -> int:
    """Resolutions a re-resolution replaced (the current one is in judgements.csv)."""
    rows = (
        Resolution.objects.filter(judgement__in=judgements)
        .exclude(judgement__resolution=F("pk"))
        .select_related("judgement", "resolved_by")
        .order_by("judgement__reference", "resolved_at", "pk")
    )
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(RESOLUTION_COLUMNS)
        for r in rows.iterator(chunk_size=2000):
            writer.writerow(
                [
                    r.judgement.reference,
                    r.outcome,
                    _day(r.occurred_on),
                    _moment(r.resolved_at),
                    r.resolved_by.get_username(),
                    r.note,
                    r.source_url,
                    _day(r.window_start),
                    _day(r.window_end),
                    _day(r.settled_on),
                ]
            )
            count += 1
    return count


def _write_signposts(path: Path, judgements: QuerySet[Judgement]) -> int:
    """Every signpost, withdrawn ones included, with its state (docs/design.md §7.12)."""
    rows = (
        Signpost.objects.filter(judgement__in=judgements)
        .select_related("judgement", "created_by", "seen_indicator", "withdrawn_by")
        .order_by("judgement__reference", "created_at", "pk")
    )
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(SIGNPOST_COLUMNS + SIGNPOST_EXTRA)
        for s in rows.iterator(chunk_size=2000):
            writer.writerow(
                [
                    s.judgement.reference,
                    s.text,
                    s.direction,
                    _day(s.expected_by),
                    _moment(s.created_at),
                    s.created_by.get_username(),
                    _day(s.seen_on),
                    s.seen_indicator.summary if s.seen_indicator else "",
                    _day(s.lapsed_on),
                    _moment(s.withdrawn_at),
                    s.withdrawn_reason,
                    s.withdrawn_by.get_username() if s.withdrawn_by else "",
                ]
            )
            count += 1
    return count

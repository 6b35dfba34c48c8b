"""Import judgement history from the interchange files of docs/design.md §7.

``judgements.csv`` (required), ``estimates.csv`` and ``indicators.csv`` (optional), UTF-8,
one header row; plus Yardstick's own optional ``resolutions.csv`` with the earlier
resolutions of re-resolved judgements. The import is all or nothing: every row of every file
is checked first and every problem reported as ``file:line: column: message``; only a clean
set of files is written, in one transaction.

Choices of our own (docs/design.md §7 states them as rules):
- Idempotent on ``reference``: a judgement whose reference already exists is left exactly as
  it is, together with its rows in estimates.csv, indicators.csv and resolutions.csv (an
  import adds whole histories; it never edits one).
- ``team`` is a team's slug or name; a missing team is created (name as given, slug from
  it). ``assessment`` is an assessment title; a missing one is created in the team of its
  first judgement, published on the earliest window start among its judgements.
- ``window_end`` may be empty: start + 12 calendar months, as in the app.
- ``probability`` is 0–1 or a percentage (``85%``), rounded to 4 decimals (what is stored).
- Dates are ``YYYY-MM-DD``; times ISO 8601. A time without an offset is in ``TIME_ZONE``.
- Users created by ``--create-users`` have no usable password, join the Analysts group and
  become members of the teams whose judgements they own.
- Optional extra columns that make export → import lossless: judgements.csv ``rationale``,
  ``created_by``, ``resolved_by``, ``resolution_source_url``, ``settled_on`` (did not occur,
  settled before the window ended) and ``topics`` (the judgement's own topics, names separated
  by ";"; missing topics are created); resolutions.csv ``settled_on``; indicators.csv
  ``retracted_at``, ``retracted_by``, ``retraction_reason``. Files without them import fine.
- Signposts (``signposts.csv``, optional): one row each, named within their judgement by
  their text; the indicator that showed one names it in indicators.csv's ``signpost``
  column, and ``seen_on`` is that indicator's day. Events the current estimate already took
  into account (seen or lapsed before it was made) are not emailed about after the import.
- Alerts: resolved judgements get no alert schedule (``next_alert_at`` None); open ones are
  armed like new ones (``expiry.policy.first_alert_at``). A window whose thresholds are already past
  is then caught up by the next scan with the single most urgent alert, the older thresholds
  marked skipped, never a burst.
- Resolutions are scored by ``scoring.score_judgement``, exactly as ``workflows.resolve``.
- Rows are held to the app's rules (``judgements.rules``, the functions the forms and
  workflows call), so an import can hold nothing the web forms would refuse: dates and times
  in years ``dates.MIN_YEAR``..``dates.MAX_YEAR`` (checked before any date arithmetic, which
  therefore cannot overflow); no time after ``today`` (the app stamps rows with now); no
  indicator observed after ``today``; no revision at or after the window's close
  (``rules.check_not_hindsight``); no outcome that ``rules.check_resolution`` would refuse on
  the day of ``resolved_at`` (an annulment may precede the window, as in the app); source URLs
  as ``rules.check_source_url`` accepts them (http/https); references as
  ``rules.check_reference`` accepts them; no NUL characters (PostgreSQL refuses them).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from judgements import rules, workflows
from judgements.access import Role, group_for
from judgements.core import scoring
from judgements.interchange.columns import (
    ESTIMATE_COLUMNS,
    INDICATOR_COLUMNS,
    INDICATOR_EXTRA,
    INDICATOR_SIGNPOST,
    JUDGEMENT_COLUMNS,
    JUDGEMENT_EXTRA,
    LENGTHS,
    REQUIRED,
    RESOLUTION_COLUMNS,
    SIGNPOST_COLUMNS,
    SIGNPOST_EXTRA,
)
from judgements.models import (
    SIGNPOST_DIRECTIONS,
    Assessment,
    ChangeAction,
    ChangeRecord,
    Confidence,
    Credibility,
    Direction,
    Estimate,
    Indicator,
    Judgement,
    Outcome,
    Reliability,
    Resolution,
    Signpost,
    Strength,
    Team,
    Topic,
    free_topic_slug,
)

BATCH = 2000
FOUR_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class RowError:
    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.message}"


class ImportFailed(Exception):
    """The files have problems; nothing was written."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class ImportResult:
    judgements: int = 0
    estimates: int = 0
    indicators: int = 0
    resolutions: int = 0
    signposts: int = 0
    already_present: int = 0
    users_created: list[str] = field(default_factory=list)
    teams_created: list[str] = field(default_factory=list)
    assessments_created: list[str] = field(default_factory=list)
    topics_created: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"Imported {self.judgements} judgements, {self.estimates} estimates "
            f"(first ones included), {self.indicators} indicators, {self.resolutions} "
            f"resolutions, {self.signposts} signposts; {self.already_present} references were "
            f"already present and left unchanged; created {len(self.users_created)} users, "
            f"{len(self.teams_created)} teams, {len(self.assessments_created)} assessments, "
            f"{len(self.topics_created)} topics."
        )


# --- Reading and checking values ---------------------------------------------------------


class _Row:
    """One CSV row with its file and line, collecting errors about its cells."""

    def __init__(self, file: str, line: int, cells: dict[str, str], errors: list[RowError]):
        self.file, self.line, self.cells, self.errors = file, line, cells, errors
        self.ok = True

    def get(self, column: str) -> str:
        return (self.cells.get(column) or "").strip()

    def error(self, column: str, message: str) -> None:
        self.ok = False
        self.errors.append(RowError(self.file, self.line, column, message))

    def required(self, column: str) -> str | None:
        value = self.get(column)
        if not value:
            self.error(column, "is required")
            return None
        return value

    def date(self, column: str, *, required: bool = True) -> dt.date | None:
        value = self.get(column)
        if not value:
            if required:
                self.error(column, "is required (a date like 2026-01-31)")
            return None
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            self.error(column, f"{value!r} is not a date like 2026-01-31")
            return None
        return day if self._in_range(column, value, day) else None

    def _in_range(self, column: str, value: str, day: dt.date) -> bool:
        # Bounded before any arithmetic, so nothing later can overflow on it.
        return self.holds(column, rules.check_year, day, value=value)

    def holds(
        self,
        column: str,
        check: Any,
        *args: Any,
        value: str | None = None,
        context: str = "",
        **kwargs: Any,
    ) -> bool:
        """Run a rule of ``judgements.rules``; a refusal is an error on the column it names
        (else on ``column``) with the app's own message, after the cell ``value`` or the
        ``context`` it concerns. True when the rule held."""
        try:
            check(*args, **kwargs)
        except rules.RuleBroken as broken:
            where = broken.field if broken.field in self.cells else column
            about = repr(value) if value is not None else context
            self.error(where, f"{about}: {broken.message}" if about else broken.message)
            return False
        return True

    def moment(self, column: str, *, today: dt.date, required: bool = False) -> dt.datetime | None:
        """An aware time, in range and not after ``today`` (the app stamps rows with now)."""
        value = self.get(column)
        if not value:
            if required:
                self.error(column, "is required (a time like 2026-01-31T09:30:00+00:00)")
            return None
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            self.error(column, f"{value!r} is not a time like 2026-01-31T09:30:00+00:00")
            return None
        if not self._in_range(column, value, parsed):
            return None
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed, timezone.get_current_timezone())
        # The same instant in UTC: PostgreSQL refuses offsets Python allows (up to ±23:59).
        parsed = parsed.astimezone(dt.UTC)
        if timezone.localdate(parsed) > today:
            self.error(column, f"{value!r} is in the future (today is {today})")
            return None
        return parsed

    def probability(self, column: str = "probability") -> Decimal | None:
        value = self.get(column)
        if not value:
            self.error(column, "is required (0–1, or a percentage like 85%)")
            return None
        text = value[:-1].strip() if value.endswith("%") else value
        try:
            number = Decimal(text)
        except InvalidOperation:
            self.error(column, f"{value!r} is not a probability (0–1, or a percentage like 85%)")
            return None
        if not number.is_finite():
            self.error(column, f"{value!r} is not a probability (0–1, or a percentage like 85%)")
            return None
        if value.endswith("%"):
            number /= 100
        if not 0 <= number <= 1:
            self.error(column, f"{value} lies outside 0–1 (0% to 100%)")
            return None
        return number.quantize(FOUR_PLACES, rounding=ROUND_HALF_EVEN)

    def choice(self, column: str, allowed: list[str], default: str | None = None) -> str | None:
        value = self.get(column)
        if not value and default is not None:
            return default
        normalised = value.lower().replace(" ", "_") if column == "outcome" else value.lower()
        for option in allowed:
            if normalised == option.lower():
                return option
        self.error(column, f"{value!r} is not one of: {', '.join(allowed)}")
        return None

    def at_most(self, column: str, length: int) -> None:
        if len(self.get(column)) > length:
            self.error(column, f"is longer than {length} characters")

    def url(self, column: str) -> str:
        """A source address, held to the app's rule (``rules.check_source_url``)."""
        value = self.get(column)
        self.at_most(column, 500)
        self.holds(column, rules.check_source_url, value, value=value)
        return value


def _decode(path: Path, errors: list[RowError]) -> str | None:
    """The file as text; a byte that is not UTF-8 is reported on its line."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        errors.append(
            RowError(
                path.name, line, "-", f"byte {data[exc.start]:#04x} is not UTF-8; save as UTF-8"
            )
        )
        return None


def _read(path: Path, columns: tuple[str, ...], errors: list[RowError]) -> Iterator[_Row]:
    """Rows of a CSV file, each with the line it starts on (fields may span lines)."""
    name = path.name
    text = _decode(path, errors)
    if text is None:
        return
    reader = csv.DictReader(io.StringIO(text, newline=""))
    start = 1
    try:
        header = reader.fieldnames or []
        missing = [c for c in REQUIRED[name] if c not in header]
        for column in missing:
            errors.append(RowError(name, 1, column, "missing column in the header row"))
        unknown = [c for c in header if c not in columns]
        for column in unknown:
            errors.append(
                RowError(name, 1, column, f"unknown column (expected: {', '.join(columns)})")
            )
        if missing or unknown:
            return
        start = reader.line_num + 1
        for cells in reader:
            row = _Row(name, start, cells, errors)
            if None in cells:
                row.error("-", f"has more cells than the header has columns ({len(header)})")
            for column, value in cells.items():
                # PostgreSQL refuses NUL in text; the web forms strip it as well.
                if column is not None and value and "\x00" in value:
                    row.error(column, "contains a NUL character (0x00)")
            yield row
            start = reader.line_num + 1
    except csv.Error as exc:
        errors.append(RowError(name, start, "-", f"cannot be read as CSV: {exc}"))


# --- The parsed rows ---------------------------------------------------------------------


@dataclass
class _JudgementRow:
    line: int
    reference: str
    statement: str
    criteria: str
    owner: str
    team: str
    assessment: str
    window_start: dt.date
    window_end: dt.date
    probability: Decimal
    confidence: str
    created_at: dt.datetime
    outcome: str
    occurred_on: dt.date | None
    resolved_at: dt.datetime | None
    note: str
    rationale: str
    created_by: str
    resolved_by: str
    source_url: str
    settled_on: dt.date | None = None
    topics: tuple[str, ...] = ()
    estimates: list[dict[str, Any]] = field(default_factory=list)
    indicators: list[dict[str, Any]] = field(default_factory=list)
    earlier: list[dict[str, Any]] = field(default_factory=list)  # earlier resolutions
    signposts: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Plan:
    judgements: dict[str, _JudgementRow]
    usernames: set[str]
    teams: dict[str, Team | None]
    existing_users: dict[str, Any]


def _parse_judgement(row: _Row, today: dt.date) -> _JudgementRow | None:
    reference = row.required("reference")
    if reference:
        row.holds("reference", rules.check_reference, reference, value=reference)
    for column, length in LENGTHS.items():
        row.at_most(column, length)
    statement = row.required("statement")
    owner = row.required("owner")
    team = row.required("team")
    start = row.date("window_start")
    end = row.date("window_end", required=False)
    if start and end is None and not row.get("window_end"):
        end = rules.default_window_end(start)
        context = f"empty, and 12 months after window_start is {end}"
        if not row.holds("window_end", rules.check_year, end, context=context):
            end = None
    if start and end:
        row.holds("window_end", rules.check_window, start, end, context=f"{start} to {end}")
    probability = row.probability()
    confidence = row.choice("confidence", Confidence.values, default=Confidence.MODERATE)
    created_at = row.moment("created_at", today=today)
    outcome = row.choice("outcome", Outcome.values, default="")
    occurred_on = row.date("occurred_on", required=outcome == Outcome.OCCURRED)
    settled_on = row.date("settled_on", required=False)
    resolved_at = row.moment("resolved_at", today=today)
    source_url = row.url("resolution_source_url")
    topics = _topic_names(row)
    if not outcome and (occurred_on or settled_on or resolved_at or row.get("resolution_note")):
        row.error(
            "outcome",
            "is empty, but the row has a resolution (occurred_on, settled_on, resolved_at or note)",
        )
    if outcome and start and end and row.ok:
        _check_resolution(
            row,
            outcome,
            occurred_on,
            start,
            end,
            resolved_at,
            today,
            settled_on=settled_on,
            note=row.get("resolution_note"),
        )
    tz = timezone.get_current_timezone()
    if not row.ok:
        return None
    assert reference and statement and owner and team and start and end and probability is not None
    created_at = created_at or scoring.opening(start, tz)
    if outcome and resolved_at is None:
        closes = scoring.close(end, tz, occurred_on=occurred_on, settled_on=settled_on)
        resolved_at = max(created_at, closes)
    return _JudgementRow(
        line=row.line,
        reference=reference,
        statement=statement,
        criteria=row.get("resolution_criteria"),
        owner=owner,
        team=team,
        assessment=row.get("assessment"),
        window_start=start,
        window_end=end,
        probability=probability,
        confidence=confidence or Confidence.MODERATE,
        created_at=created_at,
        outcome=outcome or "",
        occurred_on=occurred_on,
        resolved_at=resolved_at,
        note=row.get("resolution_note"),
        rationale=row.get("rationale"),
        created_by=row.get("created_by") or owner,
        resolved_by=row.get("resolved_by") or owner,
        source_url=source_url,
        settled_on=settled_on,
        topics=topics,
    )


def _topic_names(row: _Row) -> tuple[str, ...]:
    """The ``topics`` cell: names separated by ";", each at most 80 characters."""
    names = []
    for part in row.get("topics").split(";"):
        name = " ".join(part.split())
        if not name:
            continue
        if len(name) > 80:
            row.error("topics", f"{name[:20]!r}…: a topic name is at most 80 characters")
        elif not slugify(name):
            row.error("topics", f"{name!r}: a topic name needs a letter or digit")
        elif name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    return tuple(names)


def _check_resolution(
    row: _Row,
    outcome: str,
    occurred_on: dt.date | None,
    start: dt.date,
    end: dt.date,
    resolved_at: dt.datetime | None,
    today: dt.date,
    *,
    settled_on: dt.date | None = None,
    note: str = "",
) -> None:
    """``rules.check_resolution`` on the day it was resolved (``resolved_at``, else the
    import's day, as the app resolves "now"): the row holds only what the app would take."""
    resolved_on = timezone.localdate(resolved_at) if resolved_at else today
    row.holds(
        "outcome",
        rules.check_resolution,
        outcome,
        occurred_on=occurred_on,
        window_start=start,
        window_end=end,
        resolved_on=resolved_on,
        settled_on=settled_on,
        note=note,
        context=f"resolved on {resolved_on}" if resolved_at else "",
    )


def _parse_estimate(
    row: _Row, judgements: dict[str, _JudgementRow], known: set[str], today: dt.date
) -> None:
    reference = row.required("reference")
    row.at_most("author", 150)
    made_at = row.moment("made_at", today=today, required=True)
    probability = row.probability()
    confidence = row.choice("confidence", Confidence.values, default=Confidence.MODERATE)
    if reference and reference not in judgements and reference not in known:
        row.error("reference", f"{reference!r} is not in judgements.csv nor in the database")
    parent = judgements.get(reference or "")
    if parent and made_at and made_at < parent.created_at:
        row.error("made_at", f"{made_at} is before the first estimate ({parent.created_at})")
    if parent and made_at:
        close = rules.estimate_close(
            parent.window_end, occurred_on=parent.occurred_on, settled_on=parent.settled_on
        )
        row.holds(
            "made_at", rules.check_not_hindsight, made_at, close=close, value=row.get("made_at")
        )
    if row.ok and parent:
        parent.estimates.append(
            {
                "line": row.line,
                "made_at": made_at,
                "probability": probability,
                "confidence": confidence,
                "author": row.get("author") or parent.owner,
                "rationale": row.get("rationale"),
            }
        )


def _parse_indicator(
    row: _Row, judgements: dict[str, _JudgementRow], known: set[str], today: dt.date
) -> None:
    reference = row.required("reference")
    row.at_most("logged_by", 150)
    row.at_most("retracted_by", 150)
    observed_on = row.date("observed_on")
    if observed_on:
        row.holds(
            "observed_on",
            rules.check_observed_on,
            observed_on,
            today=today,
            value=row.get("observed_on"),
        )
    direction = row.choice("direction", Direction.values)
    strength = row.choice("strength", Strength.values, default=Strength.MODERATE)
    summary = row.required("summary")
    source_url = row.url("source_url")
    reliability = row.get("reliability").upper() or Reliability.F
    if reliability not in Reliability.values:
        row.error("reliability", f"{reliability!r} is not a source reliability A–F")
    credibility_text = row.get("credibility") or str(Credibility.CANNOT_JUDGE.value)
    credibility = int(credibility_text) if credibility_text in list("123456") else None
    if credibility is None:
        row.error("credibility", f"{credibility_text!r} is not an information credibility 1–6")
    logged_at = row.moment("logged_at", today=today)
    retracted_at = row.moment("retracted_at", today=today)
    reason = row.get("retraction_reason")
    if bool(retracted_at) != bool(reason):
        row.error("retraction_reason", "a retraction needs both retracted_at and a reason")
    if reference and reference not in judgements and reference not in known:
        row.error("reference", f"{reference!r} is not in judgements.csv nor in the database")
    parent = judgements.get(reference or "")
    if row.ok and parent:
        assert observed_on is not None
        tz = timezone.get_current_timezone()
        parent.indicators.append(
            {
                "line": row.line,
                "observed_on": observed_on,
                "direction": direction,
                "strength": strength,
                "summary": summary,
                "source": row.get("source"),
                "source_url": source_url,
                "reliability": reliability,
                "credibility": credibility,
                "logged_by": row.get("logged_by") or parent.owner,
                "logged_at": logged_at or scoring.opening(observed_on, tz),
                "retracted_at": retracted_at,
                "retracted_by": (row.get("retracted_by") or parent.owner) if reason else "",
                "retraction_reason": reason,
                "signpost": row.get("signpost"),
            }
        )


def _parse_resolution(
    row: _Row, judgements: dict[str, _JudgementRow], known: set[str], today: dt.date
) -> None:
    """An earlier resolution of a re-resolved judgement (resolutions.csv)."""
    reference = row.required("reference")
    row.at_most("resolved_by", 150)
    outcome = row.choice("outcome", Outcome.values)
    start, end = row.date("window_start"), row.date("window_end")
    if start and end:
        row.holds("window_end", rules.check_window, start, end, context=f"{start} to {end}")
    occurred_on = row.date("occurred_on", required=outcome == Outcome.OCCURRED)
    settled_on = row.date("settled_on", required=False)
    resolved_at = row.moment("resolved_at", today=today, required=True)
    if outcome and start and end and resolved_at and row.ok:
        _check_resolution(
            row,
            outcome,
            occurred_on,
            start,
            end,
            resolved_at,
            today,
            settled_on=settled_on,
            note=row.get("note"),
        )
    source_url = row.url("source_url")
    if reference and reference not in judgements and reference not in known:
        row.error("reference", f"{reference!r} is not in judgements.csv nor in the database")
    parent = judgements.get(reference or "")
    if parent and not parent.outcome:
        row.error("reference", f"{reference!r} has no outcome in judgements.csv")
    elif parent and resolved_at and parent.resolved_at and resolved_at > parent.resolved_at:
        row.error("resolved_at", "is after the resolution in judgements.csv, which is the latest")
    if row.ok and parent:
        parent.earlier.append(
            {
                "line": row.line,
                "outcome": outcome,
                "occurred_on": occurred_on,
                "settled_on": settled_on,
                "resolved_at": resolved_at,
                "resolved_by": row.get("resolved_by") or parent.owner,
                "note": row.get("note"),
                "source_url": source_url,
                "window_start": start,
                "window_end": end,
            }
        )


def _existing_references(references: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(references), BATCH):
        chunk = references[i : i + BATCH]
        found.update(
            Judgement.objects.filter(reference__in=chunk).values_list("reference", flat=True)
        )
    return found


def _check(directory: Path, *, create_users: bool, today: dt.date) -> _Plan:
    """Read and check every row of every file; raise ImportFailed listing every problem."""
    errors: list[RowError] = []
    path = directory / "judgements.csv"
    if not path.exists():
        raise ImportFailed([RowError("judgements.csv", 0, "-", f"not found in {directory}")])
    judgements: dict[str, _JudgementRow] = {}
    seen: dict[str, int] = {}
    for row in _read(path, JUDGEMENT_COLUMNS + JUDGEMENT_EXTRA, errors):
        parsed = _guarded(_parse_judgement, row, today)
        reference = row.get("reference")
        if reference in seen:
            row.error("reference", f"{reference!r} is already on line {seen[reference]}")
        elif reference:
            seen[reference] = row.line
            if parsed is not None:
                judgements[reference] = parsed
    # A reference on a bad row still counts as known: its estimates get no second error.
    known = set(seen) | _existing_references(_other_references(directory))
    for name, columns, parse in (
        ("estimates.csv", ESTIMATE_COLUMNS, _parse_estimate),
        (
            "indicators.csv",
            INDICATOR_COLUMNS + INDICATOR_EXTRA + INDICATOR_SIGNPOST,
            _parse_indicator,
        ),
        ("resolutions.csv", RESOLUTION_COLUMNS, _parse_resolution),
        ("signposts.csv", SIGNPOST_COLUMNS + SIGNPOST_EXTRA, _parse_signpost),
    ):
        if (directory / name).exists():
            for row in _read(directory / name, columns, errors):
                _guarded(parse, row, judgements, known, today)
    for parent in judgements.values():
        _link_signposts(parent, errors)
    usernames = _usernames(judgements)
    existing_users = {
        u.get_username(): u for u in get_user_model().objects.filter(username__in=usernames)
    }
    _report_unknown_users(judgements, existing_users, errors, create_users=create_users)
    if errors:
        raise ImportFailed(sorted(errors, key=lambda e: (e.file, e.line, e.column)))
    teams = {name: _find_team(name) for name in {j.team for j in judgements.values()}}
    return _Plan(judgements, usernames, teams, existing_users)


def _guarded(parse: Any, row: _Row, *args: Any) -> Any:
    """Run one row's checks; a check that breaks on some cell is a row error, not a traceback."""
    try:
        return parse(row, *args)
    except Exception as exc:  # the checks above should make this unreachable
        row.error("-", f"could not be checked ({type(exc).__name__}: {exc}); please report this")
        return None


def _other_references(directory: Path) -> list[str]:
    """References named in the other files (to look up in the database)."""
    names = set()
    for name in ("estimates.csv", "indicators.csv", "resolutions.csv", "signposts.csv"):
        path = directory / name
        if path.exists():
            # A broken file is reported when it is read properly.
            with (
                path.open(newline="", encoding="utf-8-sig", errors="replace") as handle,
                contextlib.suppress(csv.Error),
            ):
                names.update((r.get("reference") or "").strip() for r in csv.DictReader(handle))
    # A reference with NUL is a row error; PostgreSQL would refuse it even in a query.
    return sorted(n for n in names if n and "\x00" not in n)


def _usernames(judgements: dict[str, _JudgementRow]) -> set[str]:
    names: set[str] = set()
    for j in judgements.values():
        names.update({j.owner, j.created_by, j.resolved_by if j.outcome else j.owner})
        names.update(e["author"] for e in j.estimates)
        names.update(r["resolved_by"] for r in j.earlier)
        names.update(s["created_by"] for s in j.signposts)
        names.update(s["withdrawn_by"] for s in j.signposts if s["withdrawn_by"])
        for indicator in j.indicators:
            names.add(indicator["logged_by"])
            if indicator["retracted_by"]:
                names.add(indicator["retracted_by"])
    return names


def _user_cells(judgements: dict[str, _JudgementRow]) -> Iterator[tuple[str, int, str, str]]:
    """Every cell that names a user: (file, line, column, username)."""
    for j in judgements.values():
        yield "judgements.csv", j.line, "owner", j.owner
        if j.created_by != j.owner:
            yield "judgements.csv", j.line, "created_by", j.created_by
        if j.outcome and j.resolved_by != j.owner:
            yield "judgements.csv", j.line, "resolved_by", j.resolved_by
        for e in j.estimates:
            yield "estimates.csv", e["line"], "author", e["author"]
        for r in j.earlier:
            yield "resolutions.csv", r["line"], "resolved_by", r["resolved_by"]
        for s in j.signposts:
            yield "signposts.csv", s["line"], "created_by", s["created_by"]
            if s["withdrawn_by"]:
                yield "signposts.csv", s["line"], "withdrawn_by", s["withdrawn_by"]
        for i in j.indicators:
            yield "indicators.csv", i["line"], "logged_by", i["logged_by"]
            if i["retracted_by"]:
                yield "indicators.csv", i["line"], "retracted_by", i["retracted_by"]


def _report_unknown_users(
    judgements: dict[str, _JudgementRow],
    existing: dict[str, Any],
    errors: list[RowError],
    *,
    create_users: bool,
) -> None:
    """Without ``--create-users`` every named user must exist; with it, the ones to create
    must be usernames Django itself would accept (``rules.check_username``)."""
    for file, line, column, username in _user_cells(judgements):
        if username in existing:
            continue
        if not create_users:
            errors.append(
                RowError(file, line, column, f"no user {username!r} (use --create-users)")
            )
            continue
        try:
            rules.check_username(username)
        except rules.RuleBroken as broken:
            errors.append(RowError(file, line, column, broken.message))


def _find_team(name: str) -> Team | None:
    return (
        Team.objects.filter(slug=name).first()
        or Team.objects.filter(name=name).first()
        or Team.objects.filter(slug=slugify(name)).first()
    )


# --- Writing -----------------------------------------------------------------------------


def import_judgements(
    directory: Path | str, *, create_users: bool = False, today: dt.date | None = None
) -> ImportResult:
    """Import the interchange files of a directory, all or nothing.

    Steps: check every row of every file (raise ImportFailed with every problem, having
    written nothing); then in one transaction: create missing users, teams and assessments;
    bulk-create the new judgements with their alert schedule; their estimates; score and
    bulk-create their resolutions; point each judgement at its latest estimate and
    resolution; bulk-create indicators; recount each judgement's for/against balance;
    record one history entry per judgement.
    """
    directory = Path(directory)
    today = today or timezone.localdate()
    plan = _check(directory, create_users=create_users, today=today)
    result = ImportResult()
    with transaction.atomic():
        present = _existing_references(list(plan.judgements))
        new = [j for ref, j in plan.judgements.items() if ref not in present]
        result.already_present = len(present)
        users = _ensure_users(plan, new, result)
        teams = _ensure_teams(plan, result)
        assessments = _ensure_assessments(new, teams, result)
        created = _create_judgements(new, users, teams, assessments)
        result.judgements = len(created)
        result.estimates = _create_estimates(new, created, users)
        result.resolutions = _create_resolutions(new, created, users)
        indicators = {}
        result.indicators = _create_indicators(new, created, users, indicators)
        result.signposts = _create_signposts(new, created, users, indicators)
        _file_under_topics(new, created, result)
        workflows.after_bulk_write([j.pk for j in created.values()])
        _record_imports(new, created, directory)
    return result


def _ensure_users(plan: _Plan, new: list[_JudgementRow], result: ImportResult) -> dict[str, Any]:
    user_model = get_user_model()
    users = dict(plan.existing_users)
    missing = sorted(plan.usernames - set(users))
    if missing:
        user_model.objects.bulk_create(
            [user_model(username=name, password=make_password(None)) for name in missing],
            batch_size=BATCH,
        )
        fresh = list(user_model.objects.filter(username__in=missing))
        group_for(Role.ANALYST).user_set.add(*fresh)
        users.update({u.get_username(): u for u in fresh})
        result.users_created = missing
    # New users join the teams whose judgements they own.
    for team_name in {j.team for j in new}:
        owners = {j.owner for j in new if j.team == team_name and j.owner in missing}
        if owners:
            plan.teams[team_name] = plan.teams.get(team_name) or _create_team(team_name, result)
            plan.teams[team_name].members.add(*(users[name] for name in owners))
    return users


def _create_team(name: str, result: ImportResult) -> Team:
    team = Team.objects.create(name=name, slug=_free_slug(name))
    result.teams_created.append(name)
    return team


def _free_slug(name: str) -> str:
    base = slugify(name)[:50] or "team"
    slug, n = base, 1
    while Team.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _ensure_teams(plan: _Plan, result: ImportResult) -> dict[str, Team]:
    return {name: team or _create_team(name, result) for name, team in sorted(plan.teams.items())}


def _ensure_assessments(
    new: list[_JudgementRow], teams: dict[str, Team], result: ImportResult
) -> dict[tuple[str, str], Assessment]:
    """Assessments by (title, team): a title is looked up within the row's team only, so a
    judgement never joins another team's assessment; a missing one is created in that team."""
    wanted = sorted({(j.assessment, j.team) for j in new if j.assessment})
    titles = {title for title, _ in wanted}
    existing = Assessment.objects.filter(title__in=titles).order_by("pk")
    found: dict[tuple[str, int], Assessment] = {}
    for assessment in existing:
        found.setdefault((assessment.title, assessment.team_id), assessment)
    result_map = {}
    for title, team_key in wanted:
        team = teams[team_key]
        assessment = found.get((title, team.pk))
        if assessment is None:
            rows = [j for j in new if j.assessment == title and j.team == team_key]
            assessment = Assessment.objects.create(
                title=title, published_on=min(j.window_start for j in rows), team=team
            )
            found[(title, team.pk)] = assessment
            result.assessments_created.append(title)
        result_map[(title, team_key)] = assessment
    return result_map


def _create_judgements(
    new: list[_JudgementRow],
    users: dict[str, Any],
    teams: dict[str, Team],
    assessments: dict[tuple[str, str], Assessment],
) -> dict[str, Judgement]:
    objects = []
    for j in new:
        judgement = Judgement(
            reference=j.reference,
            statement=j.statement,
            resolution_criteria=j.criteria,
            owner=users[j.owner],
            team=teams[j.team],
            assessment=assessments.get((j.assessment, j.team)),
            window_start=j.window_start,
            window_end=j.window_end,
            created_by=users[j.created_by],
            created_at=j.created_at,
        )
        objects.append(judgement)
    Judgement.objects.bulk_create(objects, batch_size=BATCH)
    if any(o.pk is None for o in objects):  # a backend that returns no primary keys
        return _by_reference([j.reference for j in new])
    return {o.reference: o for o in objects}


def _by_reference(references: list[str]) -> dict[str, Judgement]:
    found: dict[str, Judgement] = {}
    for i in range(0, len(references), BATCH):
        chunk = references[i : i + BATCH]
        found.update({j.reference: j for j in Judgement.objects.filter(reference__in=chunk)})
    return found


def _create_estimates(
    new: list[_JudgementRow], created: dict[str, Judgement], users: dict[str, Any]
) -> int:
    def rows() -> Iterator[Estimate]:
        for j in new:
            judgement = created[j.reference]
            yield Estimate(
                judgement=judgement,
                probability=j.probability,
                confidence=j.confidence,
                rationale=j.rationale,
                author=users[j.created_by],
                made_at=j.created_at,
            )
            for e in j.estimates:
                yield Estimate(
                    judgement=judgement,
                    probability=e["probability"],
                    confidence=e["confidence"],
                    rationale=e["rationale"],
                    author=users[e["author"]],
                    made_at=e["made_at"],
                )

    return _bulk(Estimate, rows())


def _history(j: _JudgementRow) -> list[tuple[dt.datetime, float]]:
    """Estimates in the order the database gives them (made_at, then creation order)."""
    pairs = [(j.created_at, float(j.probability))]
    pairs += [(e["made_at"], float(e["probability"])) for e in j.estimates]
    return sorted(pairs, key=lambda pair: pair[0])


def _resolution(
    judgement: Judgement, history: list[tuple[dt.datetime, float]], **fields: Any
) -> Resolution:
    """A resolution row scored as ``workflows.resolve`` scores it (``Resolution.score``)."""
    resolution = Resolution(judgement=judgement, **fields)
    resolution.score(history)
    return resolution


def _create_resolutions(
    new: list[_JudgementRow], created: dict[str, Judgement], users: dict[str, Any]
) -> int:
    def rows() -> Iterator[Resolution]:
        for j in new:
            if not j.outcome:
                continue
            history = _history(j)
            # Earlier ones first: on equal times the latest row (highest pk) is current.
            for r in sorted(j.earlier, key=lambda r: r["resolved_at"]):
                fields = {k: v for k, v in r.items() if k not in ("line", "resolved_by")}
                yield _resolution(
                    created[j.reference],
                    history,
                    resolved_by=users[r["resolved_by"]],
                    is_current=False,  # superseded by the one in judgements.csv
                    **fields,
                )
            yield _resolution(
                created[j.reference],
                history,
                outcome=j.outcome,
                occurred_on=j.occurred_on,
                settled_on=j.settled_on,
                note=j.note,
                source_url=j.source_url,
                resolved_by=users[j.resolved_by],
                resolved_at=j.resolved_at,
                window_start=j.window_start,
                window_end=j.window_end,
            )

    return _bulk(Resolution, rows())


def _create_indicators(
    new: list[_JudgementRow],
    created: dict[str, Judgement],
    users: dict[str, Any],
    by_line: dict[int, Indicator],
) -> int:
    """Bulk-create the indicators; ``by_line`` collects each by its line in indicators.csv
    (the signposts they showed point at them)."""

    def rows() -> Iterator[Indicator]:
        for j in new:
            for i in j.indicators:
                values = {
                    k: v for k, v in i.items() if k not in ("line", "retracted_by", "signpost")
                }
                indicator = Indicator(
                    judgement=created[j.reference],
                    retracted_by=users[i["retracted_by"]] if i["retracted_by"] else None,
                    **{**values, "logged_by": users[i["logged_by"]]},
                )
                by_line[i["line"]] = indicator
                yield indicator

    return _bulk(Indicator, rows())


def _file_under_topics(
    new: list[_JudgementRow], created: dict[str, Judgement], result: ImportResult
) -> None:
    """Each judgement's own topics, by name (case ignored); missing ones are created."""
    wanted = {name.casefold(): name for j in new for name in j.topics}
    if not wanted:
        return
    topics = {t.name.casefold(): t for t in Topic.objects.all()}
    for key, name in sorted(wanted.items()):
        if key not in topics:
            topics[key] = Topic.objects.create(name=name, slug=free_topic_slug(name))
            result.topics_created.append(name)
    link = Judgement.topics.through
    _bulk(
        link,
        (
            link(judgement_id=created[j.reference].pk, topic_id=topics[name.casefold()].pk)
            for j in new
            for name in j.topics
        ),
    )


def _record_imports(
    new: list[_JudgementRow], created: dict[str, Judgement], directory: Path
) -> None:
    now = timezone.now()
    _bulk(
        ChangeRecord,
        (
            ChangeRecord(
                judgement=created[j.reference],
                action=ChangeAction.IMPORTED,
                at=now,
                changes={"reference": {"before": None, "after": j.reference}},
                note=f"Imported from {directory.name}/judgements.csv line {j.line}.",
            )
            for j in new
        ),
    )


def _bulk(model: Any, objects: Iterator[Any]) -> int:
    """bulk_create from a generator in batches, so memory stays flat."""
    count = 0
    batch: list[Any] = []
    for obj in objects:
        batch.append(obj)
        if len(batch) == BATCH:
            model.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    if batch:
        model.objects.bulk_create(batch)
        count += len(batch)
    return count


# --- Signposts (docs/design.md §2.10, §7.12) --------------------------------------------------


def _parse_signpost(
    row: _Row, judgements: dict[str, _JudgementRow], known: set[str], today: dt.date
) -> None:
    """One signpost (signposts.csv), held to the app's signpost rules."""
    reference = row.required("reference")
    row.at_most("created_by", 150)
    row.at_most("withdrawn_by", 150)
    text = row.required("text")
    if text:
        row.holds("text", rules.check_signpost_text, text)
    direction = row.choice("direction", SIGNPOST_DIRECTIONS)
    expected_by = row.date("expected_by", required=False)
    created_at = row.moment("created_at", today=today)
    seen_on = row.date("seen_on", required=False)
    if seen_on:
        row.holds(
            "seen_on", rules.check_observed_on, seen_on, today=today, value=row.get("seen_on")
        )
    lapsed_on = row.date("lapsed_on", required=False)
    if lapsed_on and expected_by is None:
        row.error("lapsed_on", "a signpost lapses only after an expected_by day")
    elif lapsed_on and expected_by and lapsed_on != expected_by + dt.timedelta(days=1):
        day = expected_by + dt.timedelta(days=1)
        row.error("lapsed_on", f"a signpost lapses the day after expected_by ({day})")
    elif lapsed_on and lapsed_on > today:
        row.error("lapsed_on", f"{lapsed_on} is in the future (today is {today})")
    withdrawn_at = row.moment("withdrawn_at", today=today)
    reason = row.get("withdrawn_reason")
    if bool(withdrawn_at) != bool(reason):
        row.error("withdrawn_reason", "a withdrawal needs both withdrawn_at and a reason")
    if reference and reference not in judgements and reference not in known:
        row.error("reference", f"{reference!r} is not in judgements.csv nor in the database")
    parent = judgements.get(reference or "")
    written = created_at
    if parent:
        written = created_at or parent.created_at
        if written < parent.created_at:
            row.error("created_at", f"is before the judgement was made ({parent.created_at})")
        elif expected_by:
            row.holds(
                "expected_by",
                rules.check_expected_by,
                expected_by,
                written_on=timezone.localdate(written),
                window_end=parent.window_end,
                value=row.get("expected_by"),
            )
        twin = next((s for s in parent.signposts if s["text"] == text), None)
        if twin is not None:
            row.error("text", f"the same signpost of {reference} is already on line {twin['line']}")
    if row.ok and parent:
        parent.signposts.append(
            {
                "line": row.line,
                "text": text,
                "direction": direction,
                "expected_by": expected_by,
                "created_at": written,
                "created_by": row.get("created_by") or parent.owner,
                "seen_on": seen_on,
                "seen_indicator": row.get("seen_indicator"),
                "lapsed_on": lapsed_on,
                "withdrawn_at": withdrawn_at,
                "withdrawn_reason": reason,
                "withdrawn_by": (row.get("withdrawn_by") or parent.owner) if reason else "",
                "indicator": None,
            }
        )


def _link_signposts(parent: _JudgementRow, errors: list[RowError]) -> None:
    """Pair each signpost with the indicator that showed it (indicators.csv ``signpost``, or
    signposts.csv ``seen_indicator`` naming its summary); it is seen on that indicator's day."""
    by_text = {s["text"]: s for s in parent.signposts}
    for i in parent.indicators:
        name = i["signpost"]
        if not name:
            continue
        signpost = by_text.get(name)
        if signpost is None:
            message = f"{name!r} is not a signpost of {parent.reference} in signposts.csv"
            errors.append(RowError("indicators.csv", i["line"], "signpost", message))
        elif signpost["indicator"] is not None:
            other = signpost["indicator"]["line"]
            message = f"that signpost is already shown by the indicator on line {other}"
            errors.append(RowError("indicators.csv", i["line"], "signpost", message))
        elif i["retracted_at"]:
            message = "a retracted indicator shows no signpost"
            errors.append(RowError("indicators.csv", i["line"], "signpost", message))
        else:
            signpost["indicator"] = i
    for s in parent.signposts:
        indicator = s["indicator"]
        if indicator is None and s["seen_indicator"]:
            matches = [
                i
                for i in parent.indicators
                if i["summary"] == s["seen_indicator"] and not i["retracted_at"]
            ]
            if len(matches) != 1:
                found = "no active indicator" if not matches else f"{len(matches)} indicators"
                message = (
                    f"names {found} of {parent.reference} in indicators.csv; name the "
                    "signpost in that indicator's signpost column instead"
                )
                errors.append(RowError("signposts.csv", s["line"], "seen_indicator", message))
                continue
            indicator = s["indicator"] = matches[0]
        if indicator is None:
            continue
        if s["seen_indicator"] and s["seen_indicator"] != indicator["summary"]:
            message = f"is not the summary of the indicator on line {indicator['line']}"
            errors.append(RowError("signposts.csv", s["line"], "seen_indicator", message))
        if s["seen_on"] is None:
            s["seen_on"] = indicator["observed_on"]
        elif s["seen_on"] != indicator["observed_on"]:
            message = (
                f"a signpost is seen on the day of the indicator that showed it "
                f"({indicator['observed_on']})"
            )
            errors.append(RowError("signposts.csv", s["line"], "seen_on", message))


def _create_signposts(
    new: list[_JudgementRow],
    created: dict[str, Judgement],
    users: dict[str, Any],
    indicators: dict[int, Indicator],
) -> int:
    """Bulk-create the signposts. News the current estimate already took into account (seen
    or lapsed before it was made) counts as told: the next scan emails only what is new."""
    now = timezone.now()
    tz = timezone.get_current_timezone()

    def rows() -> Iterator[Signpost]:
        for j in new:
            latest = max([j.created_at, *(e["made_at"] for e in j.estimates)])
            for s in j.signposts:
                indicator = indicators[s["indicator"]["line"]] if s["indicator"] else None
                seen_at = None
                if s["seen_on"] is not None:
                    seen_at = (
                        indicator.logged_at if indicator else scoring.opening(s["seen_on"], tz)
                    )
                signpost = Signpost(
                    judgement=created[j.reference],
                    text=s["text"],
                    direction=s["direction"],
                    expected_by=s["expected_by"],
                    created_at=s["created_at"],
                    created_by=users[s["created_by"]],
                    seen_on=s["seen_on"],
                    seen_at=seen_at,
                    seen_indicator=indicator,
                    lapsed_on=s["lapsed_on"],
                    withdrawn_at=s["withdrawn_at"],
                    withdrawn_by=users[s["withdrawn_by"]] if s["withdrawn_by"] else None,
                    withdrawn_reason=s["withdrawn_reason"],
                )
                news = signpost.news_at(timezone.localdate(now))
                if news is not None and news <= latest:
                    signpost.notified_at = now
                yield signpost

    return _bulk(Signpost, rows())

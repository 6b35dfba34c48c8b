"""The leadership dashboard and its CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from judgements import access, display
from judgements.core import scales, scoring
from judgements.dashboard import queries as dashboard
from judgements.dashboard.standing import standing_context
from judgements.freshness import sections as freshness
from judgements.models import Judgement, Resolution, Status, Team, Topic, topic_condition
from judgements.track_records import scorecards
from judgements.track_records.breakdowns import breakdown_context
from judgements.track_records.views import requested_scale, scores_context

FORMULA_STARTS = ("=", "+", "-", "@")


def spreadsheet_safe(value: object) -> object:
    """Text a spreadsheet would run as a formula (=HYPERLINK(…)) is quoted with a leading '.

    A formula starts with = + - or @, also in their full-width and small forms (＝ ＋ － ＠,
    ﹦ ﹢ ﹣ ﹫, and the super- and subscript ones), which spreadsheets fold to ASCII: NFKC
    makes the same fold here. A leading tab or carriage return is quoted too.
    """
    if not isinstance(value, str) or not value:
        return value
    first = value[0]
    if first in "\t\r" or unicodedata.normalize("NFKC", first).startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


@dataclass(frozen=True)
class Scope:
    """What one dashboard request looks at: the visible judgements, narrowed by the filters."""

    judgements: QuerySet[Judgement]
    resolutions: QuerySet[Resolution]  # the current ones of the same judgements
    teams: list[Team]
    team: Team | None
    span: dashboard.Period
    today: dt.date
    topic: Topic | None = None
    topics: tuple[Topic, ...] = ()

    @property
    def narrowing(self) -> dict[str, str]:
        """The team and topic filters as GET parameters."""
        return {
            **({"team": self.team.slug} if self.team else {}),
            **({"topic": self.topic.slug} if self.topic else {}),
        }

    chosen: dashboard.Chosen | None = None

    @property
    def query(self) -> str:
        """The filters as a query string, for links that keep them."""
        return urlencode({"period": self.span.key, **self.narrowing})

    def list_url(self, status: str, *, closed: bool = False) -> str:
        """The judgement list behind a figure: this status, team and topic, closed in the
        period."""
        params = {"status": status, **self.narrowing}
        if closed and self.span.start is not None:
            params |= {"closed_from": self.span.start, "closed_to": self.span.end}
        return f"{reverse('judgement-list')}?{urlencode(params)}"


def _dashboard_scope(request: HttpRequest) -> Scope:
    """Who may read the dashboard is ``access.can_view_dashboard`` (403 otherwise)."""
    if not access.can_view_dashboard(request.user):
        role = access.role_of(request.user)
        raise PermissionDenied(
            "The dashboard is for leadership, admins and team leads; your role is "
            f"{role.label if role else 'none'}."
        )
    teams = list(access.dashboard_teams(request.user))
    team = next((t for t in teams if t.slug == request.GET.get("team")), None)
    judgements = access.visible_judgements(request.user)
    resolutions = access.visible_resolutions(
        request.user, Resolution.objects.filter(is_current=True)
    )
    if team is not None:
        judgements = judgements.filter(team=team)
        resolutions = resolutions.filter(judgement__team=team)
    topics = tuple(Topic.objects.order_by("name"))
    topic = next((t for t in topics if t.slug == request.GET.get("topic")), None)
    if topic is not None:
        judgements = judgements.on_topic(topic)
        resolutions = resolutions.filter(topic_condition(topic, prefix="judgement__"))
    today = timezone.localdate()
    chosen = dashboard.choose_period(resolutions, request.GET.get("period", ""), today=today)
    return Scope(
        judgements, resolutions, teams, team, chosen.span, today, topic, topics, chosen=chosen
    )


@dataclass(frozen=True)
class AnalystRow:
    owner: scorecards.Owner
    card: scoring.Brief
    reading: str


ANALYSTS_SHOWN = 8


@require_GET
def dashboard_page(request: HttpRequest) -> HttpResponse:
    scope = _dashboard_scope(request)
    judgements, span, today = scope.judgements, scope.span, scope.today
    closed = scope.resolutions.filter(dashboard.closed_within(span))
    scale_key = requested_scale(request)
    figure_url = scope.list_url("resolved", closed=True)
    breakdowns = breakdown_context(
        scorecards.topic_summary(closed, names={t.pk: t.name for t in scope.topics}),
        scorecards.horizon_summary(closed),
        scale=scales.get_scale(scale_key),
        figure_url=figure_url,
        topics=scope.topics,
    )
    records, owners = scorecards.summary_by_owner(closed)
    # The rows come per owner; the overall figures need them merged back (as before).
    scores = scores_context(scoring.merged(records), scale_key=scale_key)
    scale = scores["scale"]
    # The analysts with most resolved judgements in the period, each read out in a sentence.
    briefs, owner_count = scoring.briefs_by(records, "owner", scale, most=ANALYSTS_SHOWN)
    analysts = [
        AnalystRow(owners[name], card, display.calibration_sentence(card, owners[name].name))
        for name, card in briefs
    ]
    card = scores["card"]
    context = {
        "scope": scope,
        "teams": scope.teams,
        "team": scope.team,
        "topic": scope.topic,
        "topics": scope.topics,
        "span": span,
        "span_note": scope.chosen.note if scope.chosen else "",
        "periods": dashboard.PERIODS,
        "counts": dashboard.unresolved_counts(judgements, today=today)
        | (scope.chosen.closed if scope.chosen else {}),
        "expiring": dashboard.expiring(judgements, today=today),
        "overdue": dashboard.overdue(judgements, today=today),
        "contested": dashboard.contested(judgements),
        "recent": dashboard.recent_indicators(judgements, span=span),
        "due_panel": freshness.dashboard_panel(
            judgements, now=timezone.now(), team_slug=scope.team.slug if scope.team else None
        ),
        **breakdowns,
        **standing_context(breakdowns["topic_rows"], breakdowns["horizon_rows"]),
        **scores,
        "headline": display.calibration_sentence(card, "we"),
        "misses": [g for g in card.by_term if g.is_firm and g.reading != scoring.Verdict.WITHIN],
        "within": [g for g in card.by_term if g.is_firm and g.reading == scoring.Verdict.WITHIN],
        "unsure": [g for g in card.by_term if not g.is_firm],
        "analysts": analysts,
        "more_analysts": max(owner_count - ANALYSTS_SHOWN, 0),
        "speaker": "we",
        "figure_url": figure_url,
        "annulled_url": scope.list_url("annulled", closed=True),
        "status_urls": {
            status: scope.list_url(status) for status in ("live", "expiring", "awaiting")
        },
    }
    template = "dashboard/dashboard.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#dashboard-body"
    return render(request, template, context)


EXPORT_COLUMNS = [
    "section",
    "reference",
    "statement",
    "owner",
    "team",
    "window_start",
    "window_end",
    "days_left",
    "probability",
    "term",
    "indicators_for",
    "indicators_against",
    # Issue 15: what the judgement is filed under, and for the resolved section how it ended.
    "topics",
    "outcome",
    "closed_on",
    "settled_on",
    "p_final",
    "brier",
    "horizon",
]


def _export_row(section: str, j: Judgement, today: dt.date) -> list[object]:
    estimate, r = j.current_estimate, j.resolution
    topics = "; ".join(topic.name for topic in j.all_topics())
    resolved = [""] * 6
    if r is not None:
        resolved = [
            r.outcome,
            r.closed_on.isoformat(),
            r.settled_on.isoformat() if r.settled_on else "",
            "" if r.p_final is None else f"{r.p_final:.4f}",
            "" if r.brier is None else f"{r.brier:.6f}",
            r.horizon_label,
        ]
    return [
        section,
        j.reference,
        j.statement,
        # Read the same as the page: names, days and estimates (display.py).
        display.person(j.owner),
        j.team.name,
        display.day(j.window_start),
        display.day(j.window_end),
        j.days_left(today) if r is None else "",
        display.percent(estimate.probability) if estimate else "",
        j.placement().label if estimate else "",
        j.indicators_for,
        j.indicators_against,
        topics,
        *resolved,
    ]


@require_GET
def dashboard_export(request: HttpRequest) -> StreamingHttpResponse:
    """Every expiring, overdue and contested judgement (not just the first page), and every
    judgement resolved or annulled in the period (the ones behind the accuracy figures), as
    CSV with topics, outcome, day of close, settled-on date and horizon."""
    scope = _dashboard_scope(request)
    judgements, today = scope.judgements, scope.today
    closed = scope.resolutions.filter(dashboard.closed_within(scope.span))
    sections = [
        ("expiring", judgements.with_status(Status.EXPIRING, today=today)),
        ("overdue", judgements.with_status(Status.AWAITING, today=today)),
        ("contested", judgements.contested()),
        ("resolved", Judgement.objects.filter(resolution__in=closed)),
    ]

    def rows():
        yield EXPORT_COLUMNS
        for section, queryset in sections:
            listed = (
                queryset.select_related(
                    "owner", "team", "assessment", "current_estimate", "resolution"
                )
                .prefetch_related("topics", "assessment__topics")
                .order_by("window_end", "pk")
            )
            for j in listed.iterator(chunk_size=2000):
                yield _export_row(section, j, today)

    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow([spreadsheet_safe(cell) for cell in row]) for row in rows()),
        content_type="text/csv; charset=utf-8",
    )
    name = f"yardstick-dashboard-{scope.team.slug if scope.team else 'all'}-{today}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

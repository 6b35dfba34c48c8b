"""The leadership dashboard and its CSV export."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from judgements import access
from judgements.dashboard import queries as dashboard
from judgements.freshness import sections as freshness
from judgements.models import Judgement, Resolution, Status, Team
from judgements.track_records import scorecards
from judgements.track_records.views import requested_scale, scores_context

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """Text a spreadsheet would run as a formula (=HYPERLINK(…)) is quoted with a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
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

    @property
    def query(self) -> str:
        """The filters as a query string, for links that keep them."""
        params = {"period": self.span.key, **({"team": self.team.slug} if self.team else {})}
        return urlencode(params)

    def list_url(self, status: str, *, closed: bool = False) -> str:
        """The judgement list behind a figure: this status, this team, closed in the period."""
        params = {"status": status, **({"team": self.team.slug} if self.team else {})}
        if closed and self.span.start is not None:
            params |= {"closed_from": self.span.start, "closed_to": self.span.end}
        return f"{reverse('judgement-list')}?{urlencode(params)}"


def _dashboard_scope(request: HttpRequest) -> Scope:
    """Who may read the dashboard is ``access.can_view_dashboard`` (403 otherwise)."""
    if not access.can_view_dashboard(request.user):
        raise PermissionDenied("The dashboard is for leadership and team leads.")
    teams = list(access.dashboard_teams(request.user))
    team = next((t for t in teams if t.slug == request.GET.get("team")), None)
    judgements = access.visible_judgements(request.user)
    resolutions = access.visible_resolutions(
        request.user, Resolution.objects.filter(is_current=True)
    )
    if team is not None:
        judgements = judgements.filter(team=team)
        resolutions = resolutions.filter(judgement__team=team)
    today = timezone.localdate()
    span = dashboard.period(request.GET.get("period", ""), today=today)
    return Scope(judgements, resolutions, teams, team, span, today)


@require_GET
def dashboard_page(request: HttpRequest) -> HttpResponse:
    scope = _dashboard_scope(request)
    judgements, span, today = scope.judgements, scope.span, scope.today
    context = {
        "scope": scope,
        "teams": scope.teams,
        "team": scope.team,
        "span": span,
        "periods": dashboard.PERIODS,
        "counts": dashboard.counts(judgements, scope.resolutions, today=today, span=span),
        "expiring": dashboard.expiring(judgements, today=today),
        "overdue": dashboard.overdue(judgements, today=today),
        "contested": dashboard.contested(judgements),
        "recent": dashboard.recent_indicators(judgements, span=span),
        "due_panel": freshness.dashboard_panel(
            judgements, now=timezone.now(), team_slug=scope.team.slug if scope.team else None
        ),
        **scores_context(
            scorecards.summary(scope.resolutions.filter(dashboard.closed_within(span))),
            scale_key=requested_scale(request),
        ),
        "speaker": "we",
        "figure_url": scope.list_url("resolved", closed=True),
        "annulled_url": scope.list_url("annulled", closed=True),
        "status_urls": {
            status: scope.list_url(status) for status in ("open", "expiring", "awaiting")
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
]


@require_GET
def dashboard_export(request: HttpRequest) -> StreamingHttpResponse:
    """Every expiring, overdue and contested judgement (not just the first page) as CSV."""
    scope = _dashboard_scope(request)
    judgements, today = scope.judgements, scope.today
    sections = [
        ("expiring", judgements.with_status(Status.EXPIRING, today=today)),
        ("overdue", judgements.with_status(Status.AWAITING, today=today)),
        ("contested", judgements.contested()),
    ]

    def rows():
        yield EXPORT_COLUMNS
        for section, queryset in sections:
            listed = queryset.select_related("owner", "team", "current_estimate").order_by(
                "window_end", "pk"
            )
            for j in listed.iterator(chunk_size=2000):
                estimate = j.current_estimate
                yield [
                    section,
                    j.reference,
                    j.statement,
                    j.owner.get_username(),
                    j.team.name,
                    j.window_start.isoformat(),
                    j.window_end.isoformat(),
                    j.days_left(today),
                    f"{estimate.probability:.4f}" if estimate else "",
                    j.placement().label if estimate else "",
                    j.indicators_for,
                    j.indicators_against,
                ]

    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow([spreadsheet_safe(cell) for cell in row]) for row in rows()),
        content_type="text/csv; charset=utf-8",
    )
    name = f"yardstick-dashboard-{scope.team.slug if scope.team else 'all'}-{today}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

"""Track record pages: the scores of docs/design.md §4 for one person or one team.

The dashboard reuses ``scores_context`` and the chart and table partials of these pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from judgements import access, display
from judgements.core import scales, scoring
from judgements.models import Judgement, Team, Topic
from judgements.track_records import scorecards
from judgements.track_records.breakdowns import breakdown_context, discrimination_context
from judgements.track_records.charts import calibration_chart, trend_chart


def requested_scale(request: HttpRequest) -> str:
    """The scale asked for in ?scale=, or the organisation's default for anything else."""
    key = request.GET.get("scale", "")
    return key if key in scales.SCALES else settings.YARDSTICK_SCALE


def track_record_context(
    judgements: QuerySet[Judgement],
    *,
    scale_key: str,
    by_owner: bool = False,
    figure_url: str = "",
) -> dict[str, Any]:
    """Everything the track record shows, from a fixed few queries."""
    scale = scales.get_scale(scale_key)
    if by_owner:
        # Per-owner rows need one record per judgement; topics and horizons come with them.
        full = scorecards.records(judgements)
        context = scores_context(full, scale_key=scale_key, by_owner=True)
        context.update(breakdown_context(full, full, scale=scale, figure_url=figure_url))
        return context
    resolutions = scorecards.current_resolutions(judgements)
    context = scores_context(scorecards.summary(resolutions), scale_key=scale_key)
    context.update(
        breakdown_context(
            scorecards.topic_summary(resolutions),
            scorecards.horizon_summary(resolutions),
            scale=scale,
            figure_url=figure_url,
        )
    )
    return context


def scores_context(
    records: list[scoring.Record], *, scale_key: str, by_owner: bool = False
) -> dict[str, Any]:
    """Scorecard, calibration chart, trend by quarter (and per owner) of some records."""
    scale = scales.get_scale(scale_key)
    card = scoring.Scorecard.build(records, scale)
    quarters = scoring.scorecards_by(records, "quarter", scale)
    return {
        "card": card,
        "chart": calibration_chart(card.calibration),
        **discrimination_context(card),
        "trend": trend_chart([(q, c.brier, c.brier_time_averaged) for q, c in quarters]),
        "scale": scale,
        "scale_choices": scales.SCALE_CHOICES,
        "quarters": quarters,
        "owners": scoring.scorecards_by(records, "owner", scale) if by_owner else [],
    }


def requested_topic(request: HttpRequest) -> Topic | None:
    """The topic asked for in ?topic= (a slug); anything else means every topic."""
    slug = request.GET.get("topic", "")
    return Topic.objects.filter(slug=slug).first() if slug else None


def topic_choices() -> list[Topic]:
    """The topics a filter offers: every one, retired ones too (history is filed there)."""
    return list(Topic.objects.order_by("name"))


def figure_links(base: dict[str, str]) -> dict[str, str]:
    """Links from the figures to the judgement list behind them (resolved and annulled)."""
    url = reverse("judgement-list")
    return {
        "figure_url": f"{url}?{urlencode({'status': 'resolved', **base})}",
        "annulled_url": f"{url}?{urlencode({'status': 'annulled', **base})}",
    }


def _person_for_viewer(request: HttpRequest, username: str) -> Any:
    person = get_object_or_404(get_user_model(), username=username)
    if not access.can_view_track_record(request.user, person):
        raise PermissionDenied(
            "A track record is for the person themselves, the leads of their teams, leadership "
            "and admins (and needs a role: Analyst, Team lead, Leadership or Admin)."
        )
    return person


def _team_for_viewer(request: HttpRequest, slug: str) -> Team:
    team = get_object_or_404(Team, slug=slug)
    if not access.can_view_team_track_record(request.user, team):
        raise PermissionDenied(
            f"The {team} team's track record is for its members and leads (with a role), "
            "leadership and admins."
        )
    return team


@dataclass(frozen=True)
class RecordRow:
    """One team or person on the People page: their scorecard and a one-line read-out."""

    name: str
    url: str
    card: scoring.Scorecard
    reading: str
    detail: str = ""  # the person's teams, or the team's size


def people_rows(records: list[scoring.Record], people, scale: scales.Scale) -> list[RecordRow]:
    """One row per person, with their scorecard (empty when nothing of theirs resolved)."""
    cards = dict(scoring.scorecards_by(records, "owner", scale))
    empty = scoring.Scorecard.build([], scale)
    rows = []
    for person in people:
        card = cards.get(person.get_username(), empty)
        name = display.person(person)
        teams = ", ".join(sorted(t.name for t in person.teams.all()))
        rows.append(
            RecordRow(
                name=name,
                url=reverse("track-record-user", args=[person.get_username()]),
                card=card,
                reading=display.calibration_sentence(card, name),
                detail=teams,
            )
        )
    return sorted(rows, key=lambda row: (-row.card.resolved, row.name))


@require_GET
def people(request: HttpRequest) -> HttpResponse:
    """Teams and people whose track records the viewer may read, each with resolved count,
    Brier, time-averaged Brier and a calibration read-out in one sentence."""
    user = request.user
    if access.role_of(user) is None:
        raise PermissionDenied("Track records are for analysts, team leads and leadership.")
    scale = scales.get_scale(requested_scale(request))
    visible = access.visible_judgements(user)
    records = scorecards.records(visible)
    teams = [t for t in Team.objects.all() if access.may_read_team_record(user, t.pk)]
    team_cards = dict(scoring.scorecards_by(records, "team", scale))
    empty = scoring.Scorecard.build([], scale)
    team_rows = [
        RecordRow(
            name=team.name,
            url=reverse("track-record-team", args=[team.slug]),
            card=team_cards.get(team.name, empty),
            reading=display.calibration_sentence(team_cards.get(team.name, empty), "the team"),
        )
        for team in teams
    ]
    allowed = access.record_people(user)
    candidates = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(owned_judgements__in=visible) | Q(teams__in=[t.pk for t in teams]))
    )
    if allowed is not access.EVERYONE:
        candidates = candidates.filter(pk__in=allowed)
    candidates = candidates.distinct().prefetch_related("teams")
    context = {
        "team_rows": team_rows,
        "people_rows": people_rows(records, candidates, scale),
        "scale": scale,
        "scale_choices": scales.SCALE_CHOICES,
    }
    return render(request, "track_records/people.html", context)


@require_GET
def person_track_record(request: HttpRequest, username: str) -> HttpResponse:
    person = _person_for_viewer(request, username)
    judgements = Judgement.objects.filter(owner=person)
    if person.pk != request.user.pk:
        # A lead sees a member's judgements in the teams they can see, nothing beyond.
        judgements = access.visible_judgements(request.user, judgements)
    topic = requested_topic(request)
    base = {"owner": person.get_username(), **({"topic": topic.slug} if topic else {})}
    if topic is not None:
        judgements = judgements.on_topic(topic)
    links = figure_links(base)
    context = track_record_context(
        judgements, scale_key=requested_scale(request), figure_url=links["figure_url"]
    )
    context.update(links, topic=topic, topics=topic_choices())
    context.update(
        subject=display.person(person),
        speaker="you" if person.pk == request.user.pk else display.person(person),
        person=person,
    )
    return render(request, "track_records/track_record.html", context)


@require_GET
def team_track_record(request: HttpRequest, slug: str) -> HttpResponse:
    team = _team_for_viewer(request, slug)
    topic = requested_topic(request)
    judgements = Judgement.objects.filter(team=team)
    if topic is not None:
        judgements = judgements.on_topic(topic)
    links = figure_links({"team": team.slug, **({"topic": topic.slug} if topic else {})})
    context = track_record_context(
        judgements,
        scale_key=requested_scale(request),
        by_owner=True,
        figure_url=links["figure_url"],
    )
    context.update(topic=topic, topics=topic_choices())
    # Per-person rows are for those who may see each person's record: leads and leadership.
    user = request.user
    if not access.can_view_member_rows(user, team):
        context["owners"] = [row for row in context["owners"] if row[0] == user.get_username()]
    users = get_user_model().objects.filter(username__in=[owner for owner, _ in context["owners"]])
    names = {u.get_username(): display.person(u) for u in users}
    context["owners"] = [
        (
            owner,
            names.get(owner, owner),
            card,
            display.calibration_sentence(card, names.get(owner, owner)),
        )
        for owner, card in context["owners"]
    ]
    context.update(links)
    context.update(subject=f"{team.name} team", speaker="the team", team=team)
    return render(request, "track_records/track_record.html", context)

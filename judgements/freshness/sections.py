"""The context of each section this feature adds to other pages.

Each function builds one section's context in a fixed number of queries; its template is a
partial under ``templates/freshness/`` that the page includes with one line. A page that is
redesigned moves the include and calls the same function.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone

from judgements import access, rules
from judgements.display import percent
from judgements.freshness import reasons
from judgements.freshness.forms import ReaffirmForm, SignpostForm
from judgements.models import Judgement, Signpost, SignpostState
from judgements.workspace import charts

PANEL_LIMIT = 15
# Signpost diamonds sit outside the indicator lanes of the timeline (its for_y, against_y),
# so a signpost and the indicator that showed it do not cover each other.
ABOVE_FOR, BELOW_AGAINST = 13, 14


@dataclass(frozen=True)
class SignpostRow:
    """A signpost as the judgement page shows it: its state as of the page's today."""

    signpost: Signpost
    state: SignpostState


def judgement_sections(user, judgement: Judgement, *, now: dt.datetime) -> dict:
    """The judgement page's first-screen "look" line and its signposts section (one query
    for the signposts), as ``look`` and ``signposts``."""
    today = timezone.localdate(now)
    signposts = list(
        Signpost.objects.filter(judgement=judgement).select_related(
            "created_by", "withdrawn_by", "seen_indicator"
        )
    )
    rows = [SignpostRow(signpost, signpost.state(today)) for signpost in signposts]
    standing = [s for s in signposts if s.withdrawn_at is None]
    estimate = judgement.current_estimate
    due = judgement.is_due_for_a_look(now)
    found = []
    if due and estimate is not None:
        found = rules.stale_reasons(
            made_at=estimate.made_at,
            now=now,
            counts=(
                judgement.indicators_for,
                judgement.indicators_against,
                judgement.indicators_neutral,
            ),
            nth_indicator_at=None,
            signposts=standing,
        )
    unresolved = judgement.resolution_id is None
    closed = now >= rules.estimate_close(judgement.window_end)
    may_reaffirm = access.can_reaffirm(user, judgement) and unresolved and not closed
    may_change = access.can_change_signposts(user, judgement) and unresolved
    return {
        "look": {
            "watched": unresolved and not closed and estimate is not None,
            "due": due,
            "reasons": found,
            "due_at": judgement.look_due_at,
            "number": percent(estimate.probability) if estimate else "",
            "reaffirm_form": ReaffirmForm(prefix="reaffirm") if may_reaffirm else None,
            "stale_days": settings.YARDSTICK_STALE_DAYS,
            "stale_indicators": settings.YARDSTICK_STALE_INDICATORS,
        },
        "signposts": {
            "rows": rows,
            "all": signposts,
            "standing": standing,
            "can_change": may_change,
            "add_form": (
                SignpostForm(prefix="signpost", window_end=judgement.window_end)
                if may_change
                else None
            ),
        },
    }


@dataclass(frozen=True)
class SignpostMark:
    """A signpost on the timeline: a diamond above (for) or below (against) the plot, at the
    day it was seen, else at its expected-by day; a dashed line marks an expected-by day."""

    x: float
    y: float
    state: str
    direction: str
    label: str
    dashed: bool

    @property
    def points(self) -> str:
        x, y = self.x, self.y
        return f"{x:g},{y - 6:g} {x + 6:g},{y:g} {x:g},{y + 6:g} {x - 6:g},{y:g}"


def timeline_marks(
    judgement: Judgement, signposts: list[Signpost], today: dt.date, chart: charts.Timeline
) -> list:
    """Where the standing signposts with a day go on one size of the judgement's timeline."""
    marks = []
    start, end = judgement.window_start, judgement.window_end
    for signpost in signposts:
        state = signpost.state(today)
        if state == SignpostState.WITHDRAWN:
            continue
        day = signpost.seen_on if state == SignpostState.SEEN else signpost.expected_by
        if day is None or not start <= day <= end:
            continue
        supports = signpost.direction == "supports"
        marks.append(
            SignpostMark(
                x=chart.x_of(day),
                y=chart.for_y - ABOVE_FOR if supports else chart.against_y + BELOW_AGAINST,
                state=str(state),
                direction=signpost.direction,
                label=f"Signpost {state.label.lower()} ({day:%-d %b %Y}): {signpost.text}",
                dashed=state != SignpostState.SEEN,
            )
        )
    return marks


def list_reasons(judgements: list[Judgement], *, now: dt.datetime) -> dict[int, str]:
    """Why each judgement of a list page that is due for a look is due, as one line, by pk
    (the others are left out); one query, whatever the number of rows."""
    found = reasons.reasons_for(judgements, now=now)
    return {pk: reasons.sentence(found_reasons) for pk, found_reasons in found.items()}


def dashboard_panel(
    judgements: QuerySet[Judgement], *, now: dt.datetime, team_slug: str | None
) -> dict:
    """ "Due for a look" on the dashboard: how many, per team, and the longest due first, with
    their reasons. Four queries, whatever the number of judgements."""
    due = judgements.due_for_a_look(now)
    by_team = list(due.values("team__name").annotate(n=Count("pk")).order_by("team__name"))
    oldest = list(
        due.select_related("owner", "team", "current_estimate").order_by("look_due_at", "pk")[
            :PANEL_LIMIT
        ]
    )
    found = reasons.reasons_for(oldest, now=now)
    params = {"look": "due", **({"team": team_slug} if team_slug else {})}
    return {
        "count": sum(row["n"] for row in by_team),
        "by_team": by_team,
        "rows": [(j, reasons.sentence(found.get(j.pk, []))) for j in oldest],
        "list_url": f"{reverse('judgement-list')}?{urlencode(params)}",
        "today": timezone.localdate(now),
        "stale_days": settings.YARDSTICK_STALE_DAYS,
        "stale_indicators": settings.YARDSTICK_STALE_INDICATORS,
    }

"""What the judgement page shows, gathered in a fixed number of queries: the estimates,
indicators, history and alerts, what this user may do, the evidence an estimate rests on and
the news since, the chart at both sizes, and the forms on offer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils import timezone

from judgements import access, display, workflows
from judgements.freshness import sections as freshness
from judgements.models import (
    ChangeRecord,
    Estimate,
    Indicator,
    Judgement,
    Resolution,
    Topic,
    Watch,
    site_scale,
)
from judgements.reports.extraction import wording_disagrees
from judgements.workspace import charts
from judgements.workspace.forms import IndicatorForm, ResolveForm, ReviseEstimateForm

LOG_PAGE = 50  # indicators and history entries shown before "Show all"


@dataclass(frozen=True)
class IndicatorRow:
    """An indicator as the log shows it: whether this user may edit or retract it."""

    indicator: Indicator
    changeable: bool


@dataclass(frozen=True)
class Evidence:
    """How the evidence stands against the current estimate: its basis (active indicators
    logged up to when it was made, and how many of them it cites) and the news since (the
    stored balance: active indicators logged after it)."""

    basis_for: int
    basis_against: int
    cited: int
    news_for: int
    news_against: int

    @property
    def has_basis(self) -> bool:
        return bool(self.basis_for or self.basis_against)

    @property
    def has_news(self) -> bool:
        return bool(self.news_for or self.news_against)


def evidence(judgement: Judgement, estimates: list[Estimate], indicators) -> Evidence:
    current = next((e for e in estimates if e.pk == judgement.current_estimate_id), None)
    made_at = current.made_at if current is not None else None
    basis = [
        i
        for i in indicators
        if not i.is_retracted and made_at is not None and i.logged_at <= made_at
    ]
    return Evidence(
        basis_for=sum(1 for i in basis if i.direction == "supports"),
        basis_against=sum(1 for i in basis if i.direction == "undermines"),
        cited=len(current.cites.all()) if current is not None else 0,
        news_for=judgement.indicators_for,
        news_against=judgement.indicators_against,
    )


def history_people(changes: list[ChangeRecord]) -> dict[str, str]:
    """Names for the usernames the history stores (owner, watchers): one query, or none."""
    usernames = display.history_usernames([c.changes for c in changes])
    if not usernames:
        return {}
    users = get_user_model().objects.filter(username__in=usernames)
    return {
        u.get_username(): display.person(u)
        for u in users.only("username", "first_name", "last_name")
    }


def revise_form_for(judgement: Judgement, indicators, data=None, cited=()) -> ReviseEstimateForm:
    """The revise form, offering the indicators as they are now (``cited``: keep these
    ticked, as the user left them before an indicator change swapped the list)."""
    initial = {"cites": [str(pk) for pk in cited]}
    return ReviseEstimateForm(
        data, indicators=indicators, statement=judgement.statement, initial=initial
    )


def workspace_context(request: HttpRequest, judgement: Judgement, **forms: Any) -> dict:
    """Everything the judgement page shows, in a fixed number of queries.

    Steps: fetch estimates (with authors and citations), indicators, the change history (and
    the names of the people it mentions), resolutions and alerts, each in one query; work
    out what this user may do; build the chart at both sizes; create the empty forms the
    page offers to this user (bound ones passed in win).
    """
    user, now = request.user, timezone.now()
    today = timezone.localdate(now)
    # Long logs show their newest LOG_PAGE rows; "Show all" links ask for the rest.
    show_all = {name: request.GET.get(name) == "all" for name in ("indicators", "history")}
    changes = list(ChangeRecord.objects.filter(judgement=judgement).select_related("actor"))
    estimates = list(
        Estimate.objects.filter(judgement=judgement)
        .select_related("author")
        .prefetch_related(Prefetch("cites", queryset=Indicator.objects.only("pk", "summary")))
    )
    current = next((e for e in estimates if e.pk == judgement.current_estimate_id), None)
    if current is not None:
        judgement.current_estimate = current  # with its author, already fetched
    indicators = list(
        Indicator.objects.filter(judgement=judgement).select_related("logged_by", "retracted_by")
    )
    may_edit = access.can_edit(user, judgement)
    may_log = access.can_log_indicator(user, judgement)
    for indicator in indicators:
        indicator.judgement = judgement  # already fetched: the access rule needs its team
    shown = indicators if show_all["indicators"] else indicators[:LOG_PAGE]
    resolved = judgement.resolution is not None
    close = workflows.estimate_close(judgement)
    can_revise = may_edit and not resolved and timezone.now() < close
    can_resolve = access.can_resolve(user, judgement)
    status = judgement.status(today)
    # Signposts and freshness (judgements/freshness): the first screen's "look" line and the
    # signposts section, each a partial of its own.
    sections = freshness.judgement_sections(user, judgement, now=now)
    signposts = sections["signposts"]["all"]
    drawn = _charts(judgement, estimates, indicators, today)
    context = {
        "judgement": judgement,
        "today": today,
        "status": status,
        "days_left": judgement.days_left(today),
        "progress": round(judgement.window_progress(today) * 100),
        "placement": judgement.placement(),
        "estimates": estimates,
        "indicators": indicators,
        "active_count": sum(1 for i in indicators if not i.is_retracted),
        # The user's roles and teams are cached per request: no query per row.
        "indicator_rows": [IndicatorRow(i, access.can_change_indicator(user, i)) for i in shown],
        "evidence": evidence(judgement, estimates, indicators),
        "watch": Watch.objects.filter(judgement=judgement, user=user).first(),
        "changes": changes if show_all["history"] else changes[:LOG_PAGE],
        "more_changes": 0 if show_all["history"] else max(len(changes) - LOG_PAGE, 0),
        "people": history_people(changes),
        "show_all": show_all,
        "resolutions": Resolution.objects.filter(judgement=judgement)
        .select_related("resolved_by")
        .order_by("-resolved_at", "-pk"),
        "alerts": judgement.alerts.all(),
        "topics": topic_links(judgement),
        "charts": drawn,
        "signpost_marks": {
            size: freshness.timeline_marks(judgement, signposts, today, chart)
            for size, chart in drawn.items()
        },
        "can_edit": may_edit,
        "can_log": may_log,
        "can_revise": can_revise,
        "can_resolve": can_resolve,
        "is_member": may_log,  # team members are told who may act where they may not
        "window_closed": not resolved and timezone.now() >= close,
        "awaiting": status == "awaiting",
        "final_placement": (
            site_scale().place(judgement.resolution.p_final)
            if resolved and judgement.resolution.p_final is not None
            else None
        ),
        "wording": (
            wording_disagrees(judgement.statement, current.probability, site_scale())
            if current is not None and may_edit
            else None
        ),
        "indicator_form": (
            IndicatorForm(prefix="indicator", signposts=signposts if not resolved else None)
            if may_log
            else None
        ),
        **sections,
        "revise_form": (
            revise_form_for(judgement, indicators, cited=_carried_cites(request))
            if can_revise
            else None
        ),
        "resolve_form": ResolveForm(prefix="resolve", judgement=judgement) if can_resolve else None,
    }
    context.update(forms)
    return context


def topic_links(judgement: Judgement) -> list[tuple[Topic, bool]]:
    """The judgement's topics, each with whether it comes from the assessment only."""
    own = list(judgement.topics.all())
    inherited = list(judgement.assessment.topics.all()) if judgement.assessment_id else []
    mine = {topic.pk for topic in own}
    found = [(t, False) for t in own] + [(t, True) for t in inherited if t.pk not in mine]
    return sorted(found, key=lambda pair: pair[0].name.casefold())


def _carried_cites(request: HttpRequest) -> list[str]:
    """The indicators ticked in the revise form when an indicator change swapped it: the
    log, edit and retract forms send them along so the refreshed list keeps them ticked."""
    match = request.resolver_match
    if request.method != "POST" or match is None or not match.url_name.startswith("indicator"):
        return []
    return [pk for pk in request.POST.getlist("cites") if pk.isdigit()]


def _charts(judgement: Judgement, estimates, indicators, today) -> dict[str, charts.Timeline]:
    """The timeline at both sizes: wide for desktops, compact for phones."""
    resolution = judgement.resolution
    until = None
    if resolution is not None:
        until = resolution.occurred_on or min(resolution.resolved_at.date(), judgement.window_end)
    common = {
        "start": judgement.window_start,
        "end": judgement.window_end,
        "today": today,
        "estimates": [(timezone.localtime(e.made_at), float(e.probability)) for e in estimates],
        "indicators": [
            (i.observed_on, i.direction, i.strength, i.summary)
            for i in indicators
            if not i.is_retracted
        ],
        "until": until,
        "scale": site_scale(),
    }
    return {
        "wide": charts.timeline(**common, size=charts.WIDE),
        "compact": charts.timeline(**common, size=charts.COMPACT),
    }

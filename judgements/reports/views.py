"""Import report: paste or upload a report, review its key judgements, track them.

Step 1 (``extract_report``) reads the report and proposes candidates; step 2
(``extract_create``) creates the assessment, its judgements, first estimates and
indicators in one transaction. The candidates travel in the review page's own fields, so
nothing is kept on the server between the steps.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from judgements import access, rules, workflows
from judgements.core.placement import in_step, placement_text
from judgements.core.scales import SCALES, get_scale
from judgements.models import Assessment, Judgement, Team, site_scale
from judgements.reports import extraction
from judgements.reports.forms import (
    AssessmentForm,
    CandidateForm,
    CandidateFormSet,
    ReportForm,
    initial_for,
)

PREFIX_ASSESSMENT = "assessment"
PREFIX_CANDIDATES = "kj"
# One review page, one request's work (and eleven fields a candidate, signposts included,
# stay under DATA_UPLOAD_MAX_NUMBER_FIELDS, 1000).
MAX_CANDIDATES = rules.MAX_REPORT_JUDGEMENTS


def _creatable_teams(request: HttpRequest) -> QuerySet[Team]:
    """Teams the user may create judgements in; 403 when there are none (leadership)."""
    if access.is_read_only(request.user):
        role = access.role_of(request.user)
        raise PermissionDenied(
            f"Your role ({role.label if role else 'none'}) only reads judgements; importing a "
            "report needs the Analyst or Team lead role in a team."
        )
    if not access.can_import_report(request.user):
        raise PermissionDenied(
            "Importing a report creates judgements, so it needs a team: you are in none. "
            "An admin adds you to one."
        )
    teams = Team.objects.filter(pk__in=access.creatable_team_ids(request.user)).order_by("name")
    chosen = request.POST.get("team") or request.POST.get(f"{PREFIX_ASSESSMENT}-team")
    if chosen and chosen.isdigit() and not access.can_create_in(request.user, int(chosen)):
        raise PermissionDenied(
            "You can import a report only into a team you are a member or lead of."
        )
    return teams


def _page(request: HttpRequest, context: dict, *, status: int = 200) -> HttpResponse:
    if request.htmx:
        # htmx swaps only 2xx responses; the form with its errors is the answer either way.
        return render(request, "reports/extract.html#workspace", context)
    return render(request, "reports/extract.html", context, status=status)


@require_http_methods(["GET", "POST"])
def extract_report(request: HttpRequest) -> HttpResponse:
    teams = _creatable_teams(request)
    if request.method == "GET":
        initial = {"published_on": timezone.localdate(), "team": teams.first()}
        return _page(request, {"report_form": ReportForm(teams=teams, initial=initial)})
    form = ReportForm(request.POST, request.FILES, teams=teams)
    if not form.is_valid():
        return _page(request, {"report_form": form}, status=400)
    data = form.cleaned_data
    found = extraction.extract(
        data["report_text"],
        published=data["published_on"],
        scale=data["scale"] or None,
        default_scale=site_scale().key,
        limit=MAX_CANDIDATES,
        max_indicators=rules.MAX_INDICATORS_PER_JUDGEMENT,
    )
    candidates = found.candidates
    if found.found > MAX_CANDIDATES:
        messages.warning(
            request,
            f"The report has {found.found} candidates; the first {MAX_CANDIDATES} are shown "
            "(one report creates at most that many judgements). Import the rest as a "
            "separate report.",
        )
    assessment_form = AssessmentForm(
        prefix=PREFIX_ASSESSMENT,
        teams=teams,
        initial={
            "team": data["team"],
            "title": data["title"] or found.title or "Untitled report",
            "summary": found.summary,
            "published_on": data["published_on"],
            "source": data["source"] or (data["upload"].name if data["upload"] else ""),
            "scale": found.scale,
        },
    )
    # Statements already tracked are proposed as skipped: importing a report twice must not
    # track its judgements twice unless the analyst says so.
    tracked = already_tracked(request.user, [c.statement for c in candidates])
    initial = [initial_for(candidate) for candidate in candidates]
    for row in initial:
        if normalised(row["statement"]) in tracked:
            row["decision"] = "reject"
    formset = CandidateFormSet(
        prefix=PREFIX_CANDIDATES, initial=initial, form_kwargs={"scale": found.scale}
    )
    context = _review_context(
        assessment_form, formset, found.scale, data["published_on"], user=request.user
    )
    context["scale_reason"] = found.scale_reason
    context["marked"] = found.marked
    return _page(request, context)


@require_GET
def extract_placement(request: HttpRequest) -> HttpResponse:
    """Live text for one candidate's term and number, the other field kept in step.

    The workspace's rule on the candidate's scale: picking a term fills in its midpoint,
    typing a number selects its term. The other field comes back as an out-of-band swap.
    """
    prefix = request.GET.get("prefix", "")
    if not re.fullmatch(rf"{PREFIX_CANDIDATES}-\d{{1,3}}", prefix):
        return render(request, "workspace/_placement.html", {"text": ""}, status=400)
    scale = SCALES.get(request.GET.get("scale", "")) or site_scale()
    changed = request.GET.get("changed", "percent")
    term, percent, text = in_step(
        scale,
        changed=changed,
        label=request.GET.get(f"{prefix}-term", ""),
        number=request.GET.get(f"{prefix}-probability", ""),
    )
    if percent is None and text:
        return render(request, "workspace/_placement.html", {"text": text})
    form = CandidateForm(
        prefix=prefix,
        scale=scale.key,
        initial={"term": term.label if term else "", "probability": percent},
    )
    other = form["probability"] if changed == "term" else form["term"]
    other.field.widget.attrs["hx-swap-oob"] = "true"
    return render(request, "workspace/_placement.html", {"text": text, "other": other})


@require_POST
def extract_create(request: HttpRequest) -> HttpResponse:
    teams = _creatable_teams(request)
    scale = request.POST.get(f"{PREFIX_ASSESSMENT}-scale")
    scale = scale if scale in SCALES else site_scale().key
    assessment_form = AssessmentForm(request.POST, prefix=PREFIX_ASSESSMENT, teams=teams)
    formset = CandidateFormSet(request.POST, prefix=PREFIX_CANDIDATES, form_kwargs={"scale": scale})
    valid = assessment_form.is_valid() & formset.is_valid()
    accepted = [f for f in formset.forms if f.is_valid() and f.cleaned_data["decision"] == "accept"]
    if valid and not accepted:
        messages.error(request, "Accept at least one judgement, or leave this page.")
    if not valid or not accepted:
        published = assessment_form.cleaned_data.get("published_on") if valid else None
        context = _review_context(assessment_form, formset, scale, published, user=request.user)
        return _page(request, context, status=400)
    try:
        assessment = _create(request, assessment_form.cleaned_data, accepted)
    except ValidationError as error:
        # A rule the review did not catch (the report's size, a reference): nothing was
        # created; the review stays as it was, with the reason.
        for message in error.messages:
            messages.error(request, message)
        published = assessment_form.cleaned_data.get("published_on")
        context = _review_context(assessment_form, formset, scale, published)
        return _page(request, context, status=400)
    count = len(accepted)
    noun = "judgement" if count == 1 else "judgements"
    messages.success(request, f"Created the assessment and {count} tracked {noun}.")
    return redirect("assessment-detail", pk=assessment.pk)


def _create(request: HttpRequest, data: dict, accepted: list) -> Assessment:
    """The review's accepted candidates, tracked by ``workflows.import_report``."""
    scale = get_scale(data["scale"])
    drafts = [
        workflows.DraftJudgement(
            statement=form.cleaned_data["statement"].strip(),
            probability=form.chosen_probability,
            rationale=_rationale(data["title"], form.cleaned_data, scale.name),
            window_start=form.cleaned_data["window_start"],
            window_end=form.cleaned_data["window_end"],
            indicators=[
                workflows.DraftIndicator(
                    summary=draft.summary, source=draft.source, source_url=_first_url(draft.source)
                )
                for draft in form.indicator_drafts
            ],
            signposts=form.signpost_drafts,
        )
        for form in accepted
    ]
    return workflows.import_report(
        by=request.user,
        team=data["team"],
        title=data["title"],
        summary=data["summary"],
        published_on=data["published_on"],
        source=data["source"],
        judgements=drafts,
    )


def _rationale(title: str, candidate: dict, scale_name: str) -> str:
    where = f"{candidate['label']} of " if candidate.get("label") else ""
    term = f" ({candidate['term']} on the {scale_name})" if candidate.get("term") else ""
    return f"{where}'{title}': \u201c{candidate['sentence']}\u201d{term}"


def _first_url(source: str) -> str:
    """The first citation that is a source URL the app accepts (``rules.check_source_url``)."""
    for part in source.split("; "):
        if part.startswith(("http://", "https://")) and len(part) <= 500:
            try:
                rules.check_source_url(part)
            except rules.RuleBroken:
                continue
            return part
    return ""


def normalised(statement: str) -> str:
    """A statement as compared for duplicates: case, spacing and end punctuation aside."""
    return " ".join(statement.lower().split()).rstrip(" .!?")


def already_tracked(user, statements: list[str]) -> dict[str, list[Judgement]]:
    """Judgements the user can see whose statement matches one of ``statements`` (keyed by
    the normalised statement): one query for a whole review page."""
    wanted = {normalised(s) for s in statements if s and s.strip()}
    if not wanted:
        return {}
    condition = Q()
    for statement in wanted:
        condition |= Q(statement__iexact=statement) | Q(statement__iexact=f"{statement}.")
    found: dict[str, list[Judgement]] = {}
    matches = access.visible_judgements(user).filter(condition).select_related("team")
    for judgement in matches.order_by("reference")[:200]:
        key = normalised(judgement.statement)
        if key in wanted:
            found.setdefault(key, []).append(judgement)
    return found


def same_title(user, title: str) -> list[Assessment]:
    """Assessments the user can see with this title (case aside): a report imported before."""
    if not title.strip():
        return []
    assessments = Assessment.objects.filter(title__iexact=title.strip()).select_related("team")
    return [a for a in assessments[:5] if access.can_view_assessment(user, a)]


def _review_context(assessment_form, formset, scale: str, published, *, user) -> dict:
    """The review page's candidates, each with its sentence cut for ``<mark>`` and the
    judgements already tracked with the same statement; the assessments already imported
    under the same title."""
    if published is None:
        published = timezone.localdate()
    statements = [form["statement"].value() or "" for form in formset.forms]
    tracked = already_tracked(user, statements)
    rows = []
    for form, statement in zip(formset.forms, statements, strict=True):
        sentence = form["sentence"].value() or ""
        reasons = form["reasons"].value() or ""
        rows.append(
            {
                "form": form,
                "segments": extraction.mark_segments(sentence, published=published),
                "reasons": [reason for reason in reasons.split("\n") if reason.strip()],
                "placement": _placement(form["probability"].value(), get_scale(scale)),
                "tracked": tracked.get(normalised(statement), []),
            }
        )
    return {
        "assessment_form": assessment_form,
        "formset": formset,
        "rows": rows,
        "scale": get_scale(scale),
        "same_title": same_title(user, assessment_form["title"].value() or ""),
        "duplicates": sum(1 for row in rows if row["tracked"]),
    }


def _placement(value, scale) -> str:
    """Where the candidate's number falls on the scale, if it is a number from 0 to 100."""
    try:
        percent = Decimal(str(value).strip()) if value not in (None, "") else None
    except InvalidOperation:
        return ""
    if percent is None or not (percent.is_finite() and 0 <= percent <= 100):
        return ""
    return placement_text(percent / 100, scale)

"""The analyst workspace: list, create, edit, and the judgement page with its htmx fragments.

Every view starts with one access helper that returns the object or raises 404/403, so a
fragment requested on its own is checked like the page. Changes go through ``workflows``.
Each form works without JavaScript (post, redirect, full page); with htmx the same endpoint
answers with the ``workspace`` partial of the judgement page, swapped in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import retarget

from judgements import access, workflows
from judgements.core.placement import in_step, placement_text
from judgements.display import person
from judgements.fields import posted_value
from judgements.freshness import forms as freshness_forms
from judgements.freshness import sections as freshness
from judgements.models import (
    Assessment,
    Indicator,
    Judgement,
    Watch,
    site_scale,
)
from judgements.reports.extraction import wording_disagrees
from judgements.topics.forms import AssessmentTopicsForm
from judgements.workspace.filters import ListFilterForm, assessment_choices, owner_choices
from judgements.workspace.forms import (
    EstimateEntryForm,
    IndicatorForm,
    JudgementEditForm,
    JudgementForm,
    ResolveForm,
    RetractForm,
)
from judgements.workspace.page import (
    IndicatorRow,
    revise_form_for,
    workspace_context,
)

PAGE_SIZE = 25


# --- access helpers ---------------------------------------------------------------------------


def _judgement(reference: str) -> Judgement:
    return get_object_or_404(
        Judgement.objects.select_related(
            "owner", "team", "assessment", "current_estimate", "resolution", "created_by"
        ),
        reference=reference,
    )


def _judgement_for_viewer(request: HttpRequest, reference: str) -> Judgement:
    judgement = _judgement(reference)
    if not access.can_view(request.user, judgement):
        raise PermissionDenied(
            f"This judgement belongs to the {judgement.team} team: only its members and leads, "
            "leadership and admins can see it."
        )
    return judgement


def _judgement_for_editor(request: HttpRequest, reference: str) -> Judgement:
    judgement = _judgement_for_viewer(request, reference)
    if not access.can_edit(request.user, judgement):
        raise PermissionDenied(
            f"Only its owner ({person(judgement.owner)}) or a lead of {judgement.team} can "
            f"change this judgement{_read_only_note(request.user)}."
        )
    return judgement


def _judgement_for_logger(request: HttpRequest, reference: str) -> Judgement:
    judgement = _judgement_for_viewer(request, reference)
    if not access.can_log_indicator(request.user, judgement):
        raise PermissionDenied(
            f"Only members and leads of {judgement.team} can log indicators on its "
            f"judgements{_read_only_note(request.user)}."
        )
    return judgement


def _indicator_for_changer(request: HttpRequest, reference: str, pk: int) -> Indicator:
    judgement = _judgement_for_viewer(request, reference)
    indicator = get_object_or_404(
        Indicator.objects.select_related("logged_by", "retracted_by"), pk=pk, judgement=judgement
    )
    indicator.judgement = judgement
    if not access.can_change_indicator(request.user, indicator):
        raise PermissionDenied(
            f"Only whoever logged this indicator ({person(indicator.logged_by)}) or a lead of "
            f"{judgement.team} can change it{_read_only_note(request.user)}."
        )
    return indicator


def _read_only_note(user) -> str:
    """Why a read-only role is refused, for the 403 message: "; your role (Leadership) only
    reads"."""
    if access.is_read_only(user):
        role = access.role_of(user)
        return f"; your role ({role.label if role else 'none'}) only reads"
    return ""


def _add_errors(form, error: ValidationError) -> None:
    """Put a workflow's refusal on the field it names, or on the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- list -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListRow:
    """A judgement as the list shows it: its status and days left as of the page's today."""

    judgement: Judgement
    status: str
    days_left: int
    look: str = ""  # why it is due for a look (freshness.sections.list_reasons), else ""


def listed_judgements(user, form: ListFilterForm, *, today) -> Any:
    """One query for the rows; the for/against balance is stored on each judgement."""
    judgements = access.visible_judgements(user).select_related(
        "owner", "team", "current_estimate", "resolution"
    )
    return form.filter(judgements, today=today)


@require_GET
def judgement_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = ListFilterForm(request.GET or None, user=request.user)
    paginator = Paginator(listed_judgements(request.user, form, today=today), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    looks = freshness.list_reasons(list(page.object_list), now=timezone.now())
    rows = [
        ListRow(j, j.status(today), j.days_left(today), looks.get(j.pk, ""))
        for j in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    figure_filters = [
        (name, request.GET[name]) for name in form.FIGURE_FILTERS if request.GET.get(name)
    ]
    for name in ("owner_search", "assessment_search"):
        query.pop(name, None)
    clear = {}
    for name in ("owner", "assessment"):
        without = query.copy()
        without.pop(name, None)
        clear[name] = without.urlencode()
    data = form.data_or_empty
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "can_create": access.can_create_anywhere(request.user),
        "figure_filters": figure_filters,
        "figure_description": form.figure_description() if figure_filters else "",
        "chosen": form.chosen(),
        "clear": clear,
        "in_use": sum(
            1 for name in ("q", "status", "team", "owner", "assessment", "term") if data.get(name)
        ),
        # Without JavaScript, "Apply" with a name typed shows the matches to pick from.
        "owner_choices": owner_choices(request.user, data.get("owner_search") or ""),
        "assessment_choices": assessment_choices(request.user, data.get("assessment_search") or ""),
    }
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        return render(request, "workspace/list.html#results", context)
    return render(request, "workspace/list.html", context)


@require_GET
def judgement_choices(request: HttpRequest, kind: str) -> HttpResponse:
    """The owners or assessments matching what was typed in a chooser of the list's filters,
    among those of the judgements the user may see (htmx fragment)."""
    typed = request.GET.get(f"{kind}_search", "")
    if kind == "owner":
        found = owner_choices(request.user, typed)
    elif kind == "assessment":
        found = assessment_choices(request.user, typed)
    else:
        raise Http404("No such chooser.")
    context = {"name": kind, "choices": found, "typed": bool(typed.strip())}
    return render(request, "workspace/_choices.html", context)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands where its work is (``access.home_url``)."""
    return redirect(access.home_url(request.user))


# --- create and edit --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def judgement_new(request: HttpRequest) -> HttpResponse:
    if not access.can_create_anywhere(request.user):
        raise PermissionDenied(
            "Creating judgements needs the Analyst or Team lead role and a team to create "
            f"them in{_read_only_note(request.user)}."
        )
    form = JudgementForm(request.POST or None, user=request.user)
    signpost_rows = freshness_forms.new_signpost_forms(request.POST or None)
    valid = request.method == "POST" and form.is_valid() and not form.undecided
    signposts = None
    if request.method == "POST":
        data = form.cleaned_data if form.is_valid() else {}
        signposts = freshness_forms.clean_new_signposts(
            signpost_rows,
            window_start=data.get("window_start"),
            window_end=data.get("window_end"),
        )
    if valid and signposts is not None:
        data = form.cleaned_data
        try:
            judgement = workflows.create_judgement(
                by=request.user,
                statement=data["statement"],
                resolution_criteria=data["resolution_criteria"],
                team=data["team"],
                owner=data["owner"],
                assessment=data["assessment"],
                watchers=data["watchers"],
                topics=data["topics"],
                window_start=data["window_start"],
                window_end=data["window_end"],
                probability=data["probability"],
                confidence=data["confidence"],
                rationale=data["rationale"],
                signposts=signposts,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Created {judgement.reference}.")
            return redirect(judgement)
    probability = form.cleaned_data.get("probability") if form.is_bound else None
    placement = placement_text(probability, site_scale())
    context = {"form": form, "placement": placement, "signpost_rows": signpost_rows}
    return render(request, "workspace/new.html", context)


@require_http_methods(["GET", "POST"])
def judgement_edit(request: HttpRequest, reference: str) -> HttpResponse:
    judgement = _judgement_for_editor(request, reference)
    form = JudgementEditForm(request.POST or None, judgement=judgement, user=request.user)
    conflict = None
    if request.method == "POST" and form.is_valid() and not form.undecided:
        # What the edit changes; disabled fields (the owner for analysts, the window once
        # resolved) are not this form's to change: never written back from it.
        editable = (*workflows.EDITABLE, "watchers", "topics", "version")
        data = {
            k: v
            for k, v in form.cleaned_data.items()
            if k in editable and not form.fields[k].disabled
        }
        try:
            workflows.edit_judgement(judgement, by=request.user, **data)
        except workflows.EditConflict as error:
            conflict = error.changes
            form.add_error(None, error)
            form.data = _merged(form, judgement, error)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Saved {judgement.reference}.")
            return redirect(judgement)
    context = {"judgement": judgement, "form": form, "conflict": conflict}
    return render(request, "workspace/edit.html", context, status=409 if conflict else 200)


def _merged(form: JudgementEditForm, judgement: Judgement, conflict) -> Any:
    """The form's data after a refused edit: at the version it now shows, with the changes
    others made brought in wherever this user left the field as it was when opened (what
    they changed stays theirs), so saving again loses no one's change by accident."""
    data = form.data.copy()
    data["version"] = str(conflict.version)
    fields = {"owner": judgement.owner, "assessment": judgement.assessment}
    fields |= {k: v for k, v in form.cleaned_data.items() if k in workflows.EDITABLE}
    typed = workflows.edit_snapshot(
        Judgement(team=judgement.team, **fields),
        watchers=form.cleaned_data.get("watchers", []),
        topics=form.cleaned_data.get("topics", []),
    )
    for name in conflict.theirs_to_take(typed):
        if name not in form.fields or form.fields[name].disabled:
            continue
        if name in ("watchers", "topics"):  # many of them: the ids now stored
            ids = getattr(judgement, name).values_list("pk", flat=True)
            data.setlist(name, [str(pk) for pk in ids])
        else:
            data[name] = posted_value(judgement, name)
    return data


@require_GET
def estimate_placement(request: HttpRequest) -> HttpResponse:
    """Live text for the term-or-number entry, with the other field kept in step.

    Typing a number selects its term (or none, in a gap of the scale); picking a term fills
    in its midpoint. The other field comes back as an out-of-band swap.
    """
    changed = request.GET.get("changed", "percent")
    term, percent, text = in_step(
        site_scale(),
        changed=changed,
        label=request.GET.get("term", ""),
        number=request.GET.get("percent", ""),
    )
    # The statement's own words against the new number (the create, edit and revise forms
    # send the statement along); answered as an out-of-band swap of the warning.
    statement = request.GET.get("statement")
    wording = None
    if statement is not None and percent is not None:
        wording = wording_disagrees(statement, percent / 100, site_scale())
    context: dict[str, Any] = {
        "text": text,
        "wording_check": statement is not None,
        "wording": wording,
        "revising": request.GET.get("revising") == "1",
    }
    if (percent is None and text) or changed == "statement":
        return render(request, "workspace/_placement.html", context)
    form = EstimateEntryForm(
        initial={"term": term.label if term else "", "percent": percent}, auto_id="id_%s"
    )
    other = form["percent"] if changed == "term" else form["term"]
    other.field.widget.attrs["hx-swap-oob"] = "true"
    context["other"] = other
    return render(request, "workspace/_placement.html", context)


# --- the judgement page -----------------------------------------------------------------------


def _workspace(request: HttpRequest, judgement: Judgement, **forms: Any) -> HttpResponse:
    """The page after a change: the workspace partial for htmx, the whole page otherwise."""
    context = workspace_context(request, judgement, **forms)
    template = "workspace/detail.html"
    if getattr(request, "htmx", None):
        template += "#workspace"
    return render(request, template, context)


def _done(request: HttpRequest, judgement: Judgement, message: str, focus: str) -> HttpResponse:
    """A change succeeded: redirect (no JS) or swap the workspace and focus ``focus``."""
    if getattr(request, "htmx", None):
        judgement = _judgement(judgement.reference)  # fresh pointers after the change
        # After logging an indicator its form stays open, empty, for the next one.
        logged = request.resolver_match.url_name == "indicator-add"
        return _workspace(request, judgement, status_message=message, focus=focus, log_open=logged)
    messages.success(request, message)
    return redirect(f"{judgement.get_absolute_url()}#{focus}")


@require_GET
def judgement_detail(request: HttpRequest, reference: str) -> HttpResponse:
    judgement = _judgement_for_viewer(request, reference)
    return render(request, "workspace/detail.html", workspace_context(request, judgement))


# --- indicators -------------------------------------------------------------------------------


@require_POST
def indicator_add(request: HttpRequest, reference: str) -> HttpResponse:
    judgement = _judgement_for_logger(request, reference)
    # Once resolved, no signpost is seen any more (docs/design.md §2.10).
    signposts = list(judgement.signposts.all()) if judgement.resolution_id is None else None
    form = IndicatorForm(request.POST, prefix="indicator", signposts=signposts)
    if form.is_valid():
        try:
            indicator = workflows.log_indicator(judgement, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _done(request, judgement, "Indicator logged.", f"indicator-{indicator.pk}")
    return _workspace(request, judgement, indicator_form=form, focus="add-indicator-errors")


@require_GET
def indicator_row(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """One indicator as shown in the log (what "Cancel" on an inline form brings back)."""
    judgement = _judgement_for_viewer(request, reference)
    indicator = get_object_or_404(
        Indicator.objects.select_related("logged_by", "retracted_by"), pk=pk, judgement=judgement
    )
    if not getattr(request, "htmx", None):
        return redirect(f"{judgement.get_absolute_url()}#indicator-{pk}")
    indicator.judgement = judgement
    row = IndicatorRow(indicator, access.can_change_indicator(request.user, indicator))
    context = {"judgement": judgement, "row": row, "row_focus": f"indicator-{pk}"}
    return render(request, "workspace/detail.html#indicator", context)


@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    indicator = _indicator_for_changer(request, reference, pk)
    judgement = indicator.judgement
    if indicator.is_retracted:
        raise PermissionDenied("A retracted indicator cannot be edited.")
    # Unbound from the instance: validating must not change the indicator before the
    # workflow compares before and after.
    initial = model_to_dict(indicator, fields=IndicatorForm._meta.fields)
    form = IndicatorForm(request.POST or None, initial=initial, prefix=f"edit-{pk}")
    if request.method == "POST" and form.is_valid():
        try:
            workflows.edit_indicator(indicator, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _done(request, judgement, "Indicator saved.", f"indicator-{pk}")
    return _indicator_form(request, judgement, indicator, form, "edit")


@require_http_methods(["GET", "POST"])
def indicator_retract(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    indicator = _indicator_for_changer(request, reference, pk)
    judgement = indicator.judgement
    form = RetractForm(request.POST or None, prefix=f"retract-{pk}")
    if request.method == "POST" and form.is_valid():
        try:
            workflows.retract_indicator(indicator, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _done(request, judgement, "Indicator retracted.", f"indicator-{pk}")
    return _indicator_form(request, judgement, indicator, form, "retract")


def _indicator_form(request, judgement, indicator, form, mode: str) -> HttpResponse:
    """The inline form in place of the row (htmx), or a page of its own (no JS)."""
    context = {
        "judgement": judgement,
        "indicator": indicator,
        "indicator_id": str(indicator.pk),
        "form": form,
        "mode": mode,
    }
    if getattr(request, "htmx", None):
        response = render(request, "workspace/indicator_form.html#inline", context)
        # The form posts to the workspace; while it has errors it stays in its own row.
        return retarget(response, f"#indicator-{indicator.pk}") if form.is_bound else response
    return render(request, "workspace/indicator_form.html", context)


# --- estimate and resolution ------------------------------------------------------------------


@require_POST
def estimate_revise(request: HttpRequest, reference: str) -> HttpResponse:
    judgement = _judgement_for_editor(request, reference)
    indicators = list(Indicator.objects.filter(judgement=judgement))
    form = revise_form_for(judgement, indicators, data=request.POST)
    if form.is_valid() and not form.undecided:
        data = form.cleaned_data
        try:
            workflows.revise_estimate(
                judgement,
                by=request.user,
                probability=data["probability"],
                confidence=data["confidence"],
                rationale=data["rationale"],
                cites=data["cites"],
            )
            if form.reworded:
                # The analyst chose the bare proposition: the statement loses its own
                # estimative words, recorded in the history like any edit.
                workflows.edit_judgement(judgement, by=request.user, statement=form.reworded)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            message = "Estimate revised." + (" Statement reworded." if form.reworded else "")
            return _done(request, judgement, message, "current-estimate")
    return _workspace(request, judgement, revise_form=form, focus="revise-errors")


@require_POST
def judgement_resolve(request: HttpRequest, reference: str) -> HttpResponse:
    judgement = _judgement_for_viewer(request, reference)
    if not access.can_resolve(request.user, judgement):
        if judgement.resolution is not None and access.can_edit(request.user, judgement):
            raise PermissionDenied(
                f"{workflows.RESOLVED_MEANWHILE_MESSAGE} Only a lead of {judgement.team} "
                "can re-resolve it."
            )
        if judgement.resolution is not None:
            raise PermissionDenied(f"Only a lead of {judgement.team} can re-resolve it.")
        raise PermissionDenied(
            f"Only its owner ({person(judgement.owner)}) or a lead of {judgement.team} can "
            "resolve this judgement."
        )
    form = ResolveForm(request.POST, prefix="resolve", judgement=judgement)
    if form.is_valid():
        try:
            workflows.resolve(judgement, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            # The outcome now leads the page: focus goes there.
            return _done(request, judgement, "Resolution recorded.", "current-estimate")
    return _workspace(request, judgement, resolve_form=form, focus="resolve-errors")


# --- assessments ------------------------------------------------------------------------------


@require_GET
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_object_or_404(Assessment.objects.select_related("team"), pk=pk)
    if not access.can_view_assessment(request.user, assessment):
        raise PermissionDenied(
            f"This assessment belongs to the {assessment.team} team: only its members and "
            "leads, leadership and admins can see it."
        )
    # Only the judgements this viewer may see, whatever team the assessment belongs to.
    judgements = (
        access.visible_judgements(request.user, assessment.judgements.all())
        .select_related("current_estimate", "owner")
        .order_by("reference")
    )
    can_file = access.can_file_assessment(request.user, assessment)
    topics = [(topic, False) for topic in assessment.topics.all()]
    context = {
        "assessment": assessment,
        "judgements": judgements,
        "topics": topics,
        "topics_form": AssessmentTopicsForm(assessment=assessment) if can_file else None,
    }
    return render(request, "workspace/assessment.html", context)


# --- alerts ------------------------------------------------------------------------------------


def _watch_of(request: HttpRequest, reference: str) -> Watch:
    """The user's own watch of the judgement; 404 for no judgement, 403 for a non-watcher.

    Any watcher may mute their own alerts, even one who no longer sees the judgement.
    """
    judgement = get_object_or_404(Judgement, reference=reference)
    watch = Watch.objects.filter(judgement=judgement, user=request.user).first()
    if not access.can_mute(request.user, watch):
        raise PermissionDenied(
            "Only the watchers of this judgement can mute its alerts (its owner always gets them)."
        )
    return watch


@require_POST
def toggle_mute(request: HttpRequest, reference: str) -> HttpResponse:
    """Mute or unmute the alerts of a judgement the user watches (owners cannot mute)."""
    watch = workflows.toggle_mute(_watch_of(request, reference))
    if request.htmx:
        context = {"judgement": watch.judgement, "watch": watch}
        return render(request, "workspace/_watch_toggle.html", context)
    return redirect(watch.judgement)

"""Signposts and reaffirming, from the judgement page.

Every view starts with one access helper (404 for an unknown judgement or signpost, 403 for
someone who may not change it) and writes through ``workflows``. The forms post normally and
redirect back to the section; a form with errors comes back on a page of its own.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from judgements import access, workflows
from judgements.freshness.forms import (
    ReaffirmForm,
    SeeSignpostForm,
    SignpostForm,
    WithdrawSignpostForm,
)
from judgements.models import Judgement, Signpost


def _judgement(request: HttpRequest, reference: str) -> Judgement:
    judgement = get_object_or_404(
        Judgement.objects.select_related("owner", "team", "current_estimate", "resolution"),
        reference=reference,
    )
    if not access.can_view(request.user, judgement):
        raise PermissionDenied("This judgement belongs to a team you are not in.")
    return judgement


def _judgement_for_signposts(request: HttpRequest, reference: str) -> Judgement:
    judgement = _judgement(request, reference)
    if not access.can_change_signposts(request.user, judgement):
        raise PermissionDenied("Only the owner or a team lead can change its signposts.")
    return judgement


def _signpost(request: HttpRequest, reference: str, pk: int) -> Signpost:
    judgement = _judgement_for_signposts(request, reference)
    signpost = get_object_or_404(Signpost, pk=pk, judgement=judgement)
    signpost.judgement = judgement
    return signpost


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _back(request: HttpRequest, judgement: Judgement, message: str, anchor: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(f"{judgement.get_absolute_url()}#{anchor}")


def _page(request, judgement, form, mode: str, signpost=None) -> HttpResponse:
    context = {"judgement": judgement, "form": form, "mode": mode, "signpost": signpost}
    return render(request, "freshness/signpost_form.html", context)


@require_POST
def signpost_add(request: HttpRequest, reference: str) -> HttpResponse:
    judgement = _judgement_for_signposts(request, reference)
    form = SignpostForm(request.POST, prefix="signpost", window_end=judgement.window_end)
    if form.is_valid():
        draft = form.draft()
        try:
            signpost = workflows.add_signpost(
                judgement,
                by=request.user,
                text=draft.text,
                direction=draft.direction,
                expected_by=draft.expected_by,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _back(request, judgement, "Signpost added.", f"signpost-{signpost.pk}")
    return _page(request, judgement, form, "add")


@require_http_methods(["GET", "POST"])
def signpost_edit(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    signpost = _signpost(request, reference, pk)
    judgement = signpost.judgement
    initial = {
        "text": signpost.text,
        "direction": signpost.direction,
        "expected_by": signpost.expected_by,
    }
    form = SignpostForm(
        request.POST or None,
        initial=initial,
        prefix=f"signpost-{pk}",
        window_end=judgement.window_end,
    )
    if request.method == "POST" and form.is_valid():
        draft = form.draft()
        try:
            workflows.edit_signpost(
                signpost,
                by=request.user,
                text=draft.text,
                direction=draft.direction,
                expected_by=draft.expected_by,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _back(request, judgement, "Signpost saved.", f"signpost-{pk}")
    return _page(request, judgement, form, "edit", signpost)


@require_http_methods(["GET", "POST"])
def signpost_withdraw(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    signpost = _signpost(request, reference, pk)
    judgement = signpost.judgement
    form = WithdrawSignpostForm(request.POST or None, prefix=f"withdraw-{pk}")
    if request.method == "POST" and form.is_valid():
        try:
            workflows.withdraw_signpost(signpost, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _back(request, judgement, "Signpost withdrawn.", f"signpost-{pk}")
    return _page(request, judgement, form, "withdraw", signpost)


@require_http_methods(["GET", "POST"])
def signpost_see(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    signpost = _signpost(request, reference, pk)
    judgement = signpost.judgement
    form = SeeSignpostForm(request.POST or None, prefix=f"see-{pk}", signpost=signpost)
    if request.method == "POST" and form.is_valid():
        try:
            workflows.see_signpost(signpost, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _back(request, judgement, "Signpost marked seen.", f"signpost-{pk}")
    return _page(request, judgement, form, "see", signpost)


@require_POST
def estimate_reaffirm(request: HttpRequest, reference: str) -> HttpResponse:
    judgement = _judgement(request, reference)
    if not access.can_reaffirm(request.user, judgement):
        raise PermissionDenied("Only the owner or a team lead can reaffirm its estimate.")
    form = ReaffirmForm(request.POST, prefix="reaffirm")
    if form.is_valid():
        try:
            workflows.reaffirm(judgement, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _back(request, judgement, "Estimate reaffirmed.", "current-estimate")
    context = {"judgement": judgement, "form": form, "mode": "reaffirm", "signpost": None}
    return render(request, "freshness/signpost_form.html", context)

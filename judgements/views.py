from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from . import roles
from .models import Judgement


def _judgement_for_viewer(request: HttpRequest, reference: str) -> Judgement:
    judgement = get_object_or_404(
        Judgement.objects.select_related(
            "owner", "team", "assessment", "current_estimate", "resolution"
        ),
        reference=reference,
    )
    if not roles.can_view(request.user, judgement):
        raise PermissionDenied("This judgement belongs to a team you are not in.")
    return judgement


@require_GET
def judgement_list(request: HttpRequest) -> HttpResponse:
    judgements = (
        Judgement.objects.visible_to(request.user)
        .select_related("owner", "team", "current_estimate", "resolution")
        .order_by("window_end", "reference")[:50]
    )
    return render(request, "judgements/list.html", {"judgements": judgements})


@require_GET
def judgement_detail(request: HttpRequest, reference: str) -> HttpResponse:
    judgement = _judgement_for_viewer(request, reference)
    return render(request, "judgements/detail.html", {"judgement": judgement})

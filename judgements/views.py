from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from . import roles
from .models import Judgement, Watch


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


def _watch_of(request: HttpRequest, reference: str) -> Watch:
    """The user's own watch of the judgement; 404 for no judgement, 403 for a non-watcher.

    Any watcher may mute their own alerts, even one who no longer sees the judgement.
    """
    judgement = get_object_or_404(Judgement, reference=reference)
    watch = Watch.objects.filter(judgement=judgement, user=request.user).first()
    if watch is None:
        raise PermissionDenied("Only watchers can mute a judgement's alerts.")
    return watch


@require_POST
def toggle_mute(request: HttpRequest, reference: str) -> HttpResponse:
    """Mute or unmute the alerts of a judgement the user watches (owners cannot mute)."""
    watch = _watch_of(request, reference)
    watch.muted = not watch.muted
    watch.save(update_fields=["muted"])
    if request.htmx:
        context = {"judgement": watch.judgement, "watch": watch}
        return render(request, "judgements/_watch_toggle.html", context)
    return redirect(watch.judgement)

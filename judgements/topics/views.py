"""Topics (docs/design.md §2.11 and §6.8): the vocabulary, each topic's page with the scores
of the judgements filed under it, and filing an assessment under topics.

Who manages the vocabulary is ``access.can_manage_topics`` (team leads and admins, here in the
app; admins also in the Django admin); who files an assessment is
``access.can_file_assessment`` (leads of its team); a judgement's own topics are set on its
edit form by whoever may edit it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from judgements import access, workflows
from judgements.models import Assessment, Topic, TopicKind
from judgements.topics.forms import AssessmentTopicsForm, TopicForm
from judgements.track_records.views import figure_links, requested_scale, track_record_context


def _manager(request: HttpRequest) -> None:
    if not access.can_manage_topics(request.user):
        raise PermissionDenied("Topics are managed by team leads and admins.")


@require_GET
def topic_index(request: HttpRequest) -> HttpResponse:
    topics = list(Topic.objects.order_by("retired", "name"))
    context = {
        "groups": [
            (label, [t for t in topics if t.kind == kind]) for kind, label in TopicKind.choices
        ],
        "can_manage": access.can_manage_topics(request.user),
    }
    return render(request, "topics/index.html", context)


@require_GET
def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A topic's page: what it is, the judgements on it the viewer may see, and their scores
    (for anyone with a role, as on a track record)."""
    topic = get_object_or_404(Topic, slug=slug)
    judgements = access.visible_judgements(request.user).on_topic(topic)
    links = figure_links({"topic": topic.slug})
    context = {
        "topic": topic,
        "judgement_count": judgements.count(),
        "list_url": f"{reverse('judgement-list')}?topic={topic.slug}",
        "can_manage": access.can_manage_topics(request.user),
        "show_scores": access.can_view_topic_scores(request.user),
        "speaker": "we",
        **links,
    }
    if context["show_scores"]:
        context.update(
            track_record_context(
                judgements, scale_key=requested_scale(request), figure_url=links["figure_url"]
            )
        )
    return render(request, "topics/detail.html", context)


@require_http_methods(["GET", "POST"])
def topic_new(request: HttpRequest) -> HttpResponse:
    _manager(request)
    form = TopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        topic = form.save()
        messages.success(request, f"Added the topic {topic.name}.")
        return redirect(topic)
    return render(request, "topics/form.html", {"form": form, "topic": None})


@require_http_methods(["GET", "POST"])
def topic_edit(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    _manager(request)
    form = TopicForm(request.POST or None, instance=topic)
    if request.method == "POST" and form.is_valid():
        topic = form.save()
        messages.success(request, f"Saved the topic {topic.name}.")
        return redirect(topic)
    return render(request, "topics/form.html", {"form": form, "topic": topic})


@require_POST
def assessment_topics(request: HttpRequest, pk: int) -> HttpResponse:
    """File an assessment (and so every judgement of it) under topics."""
    assessment = get_object_or_404(Assessment, pk=pk)
    if not access.can_view_assessment(request.user, assessment):
        raise PermissionDenied("This assessment belongs to a team you are not in.")
    if not access.can_file_assessment(request.user, assessment):
        raise PermissionDenied("Only a lead of the assessment's team can change its topics.")
    form = AssessmentTopicsForm(request.POST, assessment=assessment)
    if form.is_valid():
        workflows.set_assessment_topics(
            assessment, by=request.user, topics=form.cleaned_data["topics"]
        )
        messages.success(request, "Saved the assessment's topics.")
        return redirect("assessment-detail", pk=assessment.pk)
    messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
    return redirect("assessment-detail", pk=assessment.pk)

"""The judgement list's filters: the form, its sorts, and the choosers for owner and
assessment that search as you type (the page never lists every person or assessment)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone

from judgements import access
from judgements.core import scales
from judgements.core.scoring import HORIZON_LABELS
from judgements.display import person
from judgements.fields import BoundedDateField, Plain
from judgements.models import LIVE, Assessment, Status, Team, Topic, site_scale

User = get_user_model()

# "attention" (the default): what is still unresolved, soonest window end first (overdue ones
# lead), then what is resolved, most recent first.
UNRESOLVED_FIRST = (
    Case(When(resolution__isnull=True, then=Value(0)), default=Value(1)).asc(),
    Case(When(resolution__isnull=True, then=F("window_end"))).asc(nulls_last=True),
    F("window_end").desc(),
    F("reference").asc(),
)
SORTS = {
    "attention": UNRESOLVED_FIRST,
    "end": (F("window_end").asc(), F("reference").asc()),
    "-end": (F("window_end").desc(), F("reference").asc()),
}
STATUS_CHOICES = [
    ("", "Any status"),
    (LIVE, "Live"),
    (Status.EXPIRING, "Expiring (30 days)"),
    (Status.AWAITING, "Awaiting resolution"),
    (Status.RESOLVED, "Resolved"),
    (Status.ANNULLED, "Annulled"),
]
CHOICES_SHOWN = 8  # a chooser lists at most this many matches


class ListFilterForm(Plain, forms.Form):
    group_classes = {"q": "filter-search"}
    q = forms.CharField(required=False, label="Search", help_text="Statement or reference")
    status = forms.ChoiceField(required=False, choices=STATUS_CHOICES)
    team = forms.ModelChoiceField(
        queryset=Team.objects.all(), required=False, empty_label="Any team", to_field_name="slug"
    )
    # Owner and assessment are chosen by typing: the page never lists every person or
    # assessment, so it weighs the same at 50 or 5,000 of them (``choices``).
    owner = forms.CharField(required=False)
    owner_search = forms.CharField(required=False, label="Owner")
    assessment = forms.IntegerField(required=False, min_value=1)
    assessment_search = forms.CharField(required=False, label="Assessment")
    term = forms.ChoiceField(required=False, label="Term")
    topic = forms.ModelChoiceField(
        queryset=Topic.objects.all(),
        required=False,
        empty_label="Any topic",
        to_field_name="slug",
        help_text="Its own or its assessment's",
    )
    look = forms.ChoiceField(
        required=False,
        label="Freshness",
        choices=[("", "Any"), ("due", "Due for a look")],
    )
    sort = forms.ChoiceField(
        required=False,
        label="Sort",
        choices=[
            ("", "Unresolved first"),
            ("end", "Soonest end"),
            ("-end", "Latest end"),
        ],
    )
    # Filters the dashboard and track records link to ("the judgements behind a figure"):
    # resolved judgements by day of close, and by their final estimate's bin or term.
    closed_from = BoundedDateField(required=False, label="Closed from")
    closed_to = BoundedDateField(required=False, label="Closed until")
    final_bin = forms.IntegerField(required=False, min_value=0, max_value=9, label="Final bin")
    final_term = forms.CharField(required=False, label="Final term")
    scale = forms.ChoiceField(required=False, choices=[("", ""), *scales.SCALE_CHOICES])
    horizon = forms.IntegerField(
        required=False, min_value=0, max_value=len(HORIZON_LABELS) - 1, label="Horizon"
    )
    FIGURE_FILTERS = ("closed_from", "closed_to", "final_bin", "final_term", "scale", "horizon")

    def __init__(self, data=None, *args: Any, user, **kwargs: Any) -> None:
        if data is not None and data.get("status") == Status.OPEN:
            # "open" in an old bookmark meant what "live" says: the window is still open.
            data = data.copy()
            data["status"] = LIVE
        super().__init__(data, *args, **kwargs)
        self.user = user
        visible = access.visible_judgements(user)
        self.fields["team"].queryset = Team.objects.filter(pk__in=visible.values("team_id"))
        self.fields["term"].choices = [("", "Any term")] + [
            (t.label, t.display) for t in site_scale().terms
        ]
        self.fields["owner_search"].widget.attrs.update(
            chooser("owner", "Type a name", reverse("judgement-choices", args=["owner"]))
        )
        self.fields["assessment_search"].widget.attrs.update(
            chooser("assessment", "Type a title", reverse("judgement-choices", args=["assessment"]))
        )

    @property
    def data_or_empty(self) -> dict[str, Any]:
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data

    def filter(self, judgements: QuerySet, *, today: dt.date) -> QuerySet:
        # A bad value in one filter (a stale bookmark) drops that filter, not the others.
        data = self.data_or_empty
        if data.get("q"):
            q = data["q"].strip()
            judgements = judgements.filter(Q(statement__icontains=q) | Q(reference__icontains=q))
        if data.get("status"):
            judgements = judgements.with_status(data["status"], today=today)
        if data.get("team"):
            judgements = judgements.filter(team=data["team"])
        if data.get("owner"):
            judgements = judgements.filter(owner__username=data["owner"])
        if data.get("assessment"):
            judgements = judgements.filter(assessment_id=data["assessment"])
        if data.get("term"):
            judgements = judgements.filter(term_filter(site_scale().term(data["term"])))
        if data.get("look") == "due":
            judgements = judgements.due_for_a_look(timezone.now())
        if data.get("topic"):
            judgements = judgements.on_topic(data["topic"])
        judgements = judgements.filter(self.figure_condition(data))
        return judgements.order_by(*SORTS.get(data.get("sort") or "attention", UNRESOLVED_FIRST))

    def clean_owner(self) -> str:
        """A username nobody has (a stale bookmark) drops the owner filter only."""
        username = self.cleaned_data.get("owner") or ""
        self.owner_user = User.objects.filter(username=username).first() if username else None
        if username and self.owner_user is None:
            raise forms.ValidationError("Nobody has that username.")
        return username

    def chosen(self) -> dict[str, str]:
        """The chosen owner and assessment by name, for the chips that show and clear them
        (one small query for an assessment, only when chosen)."""
        data, found = self.data_or_empty, {}
        if data.get("owner") and getattr(self, "owner_user", None) is not None:
            found["owner"] = person_label(self.owner_user)
        if data.get("assessment"):
            title = (
                Assessment.objects.filter(pk=data["assessment"])
                .values_list("title", flat=True)
                .first()
            )
            found["assessment"] = title or f"Assessment {data['assessment']}"
        return found

    def figure_condition(self, data: dict[str, Any]) -> Q:
        """The resolved judgements behind a dashboard figure: closed in a date range, with a
        final estimate in a calibration bin or in a term's band. Unknown terms are ignored."""
        condition = Q()
        if data.get("closed_from"):
            condition &= Q(resolution__closed_on__gte=data["closed_from"])
        if data.get("closed_to"):
            condition &= Q(resolution__closed_on__lte=data["closed_to"])
        if data.get("final_bin") is not None:
            lo, hi = data["final_bin"] / 10, (data["final_bin"] + 1) / 10
            upper = "lte" if data["final_bin"] == 9 else "lt"  # the last bin is closed
            condition &= Q(resolution__p_final__gte=lo, **{f"resolution__p_final__{upper}": hi})
        scale = scales.get_scale(data.get("scale") or settings.YARDSTICK_SCALE)
        term = scale.find_term(data.get("final_term") or "")
        if term is not None:
            condition &= term_filter(term, field="resolution__p_final")
        if data.get("horizon") is not None:
            condition &= Q(resolution__horizon=data["horizon"])
        return condition

    def figure_description(self) -> str:
        """Words for the figure filters in use, shown above the results."""
        data = self.data_or_empty
        parts = []
        if data.get("closed_from") or data.get("closed_to"):
            start = data.get("closed_from") or "the start"
            parts.append(f"closed {start} to {data.get('closed_to') or 'today'}")
        if data.get("final_bin") is not None:
            k = data["final_bin"]
            parts.append(f"final estimate {k * 10}–{'100' if k == 9 else f'<{k * 10 + 10}'}%")
        scale = scales.get_scale(data.get("scale") or settings.YARDSTICK_SCALE)
        term = scale.find_term(data.get("final_term") or "")
        if term is not None:
            parts.append(f"final estimate {term.label} ({term.band_text}, {scale.name})")
        if data.get("horizon") is not None:
            parts.append(f"horizon {HORIZON_LABELS[data['horizon']]}")
        return "; ".join(parts)


def term_filter(term: scales.Term, *, field: str = "current_estimate__probability") -> Q:
    """Judgements whose estimate lies in the term's band (bounds as the scale says)."""
    lo, hi = term.lo / 100, term.hi / 100
    lower = "gte" if term.lo_closed else "gt"
    upper = "lte" if term.hi_closed else "lt"
    return Q(**{f"{field}__{lower}": lo, f"{field}__{upper}": hi})


def chooser(name: str, placeholder: str, url: str) -> dict[str, str]:
    """A text input that lists matching choices as you type (htmx), as submit buttons of
    the filter form; without JavaScript "Apply" shows the same list."""
    return {
        "type": "search",
        "placeholder": placeholder,
        "autocomplete": "off",
        "data-chooser": name,
        "hx-get": url,
        "hx-trigger": "input changed delay:250ms, search",
        "hx-target": f"#{name}-choices",
        "hx-swap": "innerHTML",
        "hx-sync": "this:replace",
        "aria-controls": f"{name}-choices",
    }


def person_label(user) -> str:
    return person(user)


def owner_choices(user, text: str) -> list[tuple[str, str]]:
    """Owners of judgements ``user`` may see whose name or username contains ``text``."""
    text = text.strip()
    if not text:
        return []
    visible = access.visible_judgements(user)
    people = (
        User.objects.filter(pk__in=visible.values("owner_id"))
        .filter(
            Q(username__icontains=text)
            | Q(first_name__icontains=text)
            | Q(last_name__icontains=text)
        )
        .order_by("first_name", "username")[:CHOICES_SHOWN]
    )
    return [(p.get_username(), person(p)) for p in people]


def assessment_choices(user, text: str) -> list[tuple[str, str]]:
    """Assessments with judgements ``user`` may see whose title contains ``text``."""
    text = text.strip()
    if not text:
        return []
    visible = access.visible_judgements(user)
    found = (
        Assessment.objects.filter(pk__in=visible.values("assessment_id"), title__icontains=text)
        .order_by("-published_on", "title")
        .values_list("pk", "title")[:CHOICES_SHOWN]
    )
    return [(str(pk), title) for pk, title in found]

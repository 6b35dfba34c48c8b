"""Forms of the analyst workspace. They validate input; the views call ``workflows`` to save.

Estimates are entered as a term on the site scale **or** a number (docs/design.md §2): a term
fills in its band's midpoint; a number is primary and is what gets scored. When both are given
they must agree, so a browser without JavaScript cannot silently score the wrong one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from judgements import access, rules
from judgements.core import scales
from judgements.core.placement import Disagreement, entered_probability
from judgements.core.scoring import HORIZON_LABELS
from judgements.display import person
from judgements.fields import (
    DATE_INPUT,
    BoundedDateField,
    PeopleChoiceField,
    PersonChoiceField,
    Plain,
    SourceURLField,
    TopicsField,
    held_to,
)
from judgements.freshness.forms import signpost_field
from judgements.models import (
    Assessment,
    Confidence,
    Credibility,
    Direction,
    Indicator,
    Judgement,
    Outcome,
    Reliability,
    Status,
    Strength,
    Team,
    Topic,
    site_scale,
)

User = get_user_model()


class EstimateEntryForm(Plain, forms.Form):
    """A probability as a term on the site scale or a number, with confidence."""

    term = forms.ChoiceField(required=False, label="Term")
    percent = forms.DecimalField(
        required=False,
        label="Number (%)",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        widget=forms.NumberInput(attrs={"step": "any", "min": "0", "max": "100"}),
    )
    confidence = forms.ChoiceField(
        choices=Confidence.choices,
        initial=Confidence.MODERATE,
        help_text="How sound the evidence and reasoning are; separate from the probability.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scale = site_scale()
        self.fields["term"].choices = [("", "— pick a term —")] + [
            (term.label, f"{term.display} ({term.band_text})") for term in scale.terms
        ]
        self.fields["term"].help_text = f"On the {scale.name}; fills in the band's midpoint."
        self.fields["percent"].help_text = "0 to 100; the number is what gets scored."
        live = {
            "hx-get": reverse("estimate-placement"),
            "hx-target": "#placement",
            "hx-swap": "innerHTML",  # not the enclosing form's swap
            "hx-include": "closest .estimate-entry",
        }
        self.fields["term"].widget.attrs.update(
            live, **{"hx-trigger": "change", "hx-vals": '{"changed": "term"}'}
        )
        self.fields["percent"].widget.attrs.update(
            live,
            **{
                "hx-trigger": "input changed delay:250ms, change",
                "hx-vals": '{"changed": "percent"}',
            },
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        label, percent = data.get("term"), data.get("percent")
        if "percent" in self.errors:
            return data
        scale = site_scale()
        try:
            probability = entered_probability(scale, scale.find_term(label or ""), percent)
        except Disagreement as error:
            self.add_error(None, str(error))
            return data
        if probability is None:
            self.add_error(None, "Pick a term or type a number.")
            return data
        data["probability"] = probability
        return data


class RationaleMixin(forms.Form):
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why this number: the evidence and reasoning behind it.",
    )


class JudgementForm(EstimateEntryForm):
    """Create a judgement with its first estimate."""

    field_order = [
        "statement",
        "resolution_criteria",
        "team",
        "assessment",
        "owner",
        "watchers",
        "topics",
        "window_start",
        "window_end",
        "term",
        "percent",
        "confidence",
        "rationale",
    ]
    statement = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One resolvable proposition: this is what gets scored.",
    )
    resolution_criteria = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What counts as “it happened”.",
    )
    team = forms.ModelChoiceField(queryset=Team.objects.none())
    assessment = forms.ModelChoiceField(
        queryset=Assessment.objects.none(), required=False, empty_label="— none —"
    )
    owner = PersonChoiceField(queryset=User.objects.none())
    watchers = PeopleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
        help_text="They also get this judgement's alerts. Ctrl-click (⌘-click) to pick several.",
    )
    topics = TopicsField(
        help_text="Its own topics; it also carries its assessment's. Ctrl-click (⌘-click) to "
        "pick several."
    )
    window_start = BoundedDateField()
    window_end = BoundedDateField(
        required=False, help_text="Leave empty for 12 months after the start."
    )
    rationale = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why this number: the evidence and reasoning behind it.",
    )

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        teams = access.creatable_team_ids(user)
        self.fields["team"].queryset = Team.objects.filter(pk__in=teams)
        self.fields["assessment"].queryset = Assessment.objects.filter(team_id__in=teams)
        people = team_people(teams)
        self.fields["owner"].queryset = people
        self.fields["watchers"].queryset = watcher_candidates(teams)
        self.fields["owner"].help_text = "Analysts own what they create; a team lead can pick."
        self.initial.setdefault("window_start", timezone.localdate())
        self.initial.setdefault("owner", user.pk)
        if len(teams) == 1:
            self.initial.setdefault("team", teams[0])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        team, owner, assessment = data.get("team"), data.get("owner"), data.get("assessment")
        start, end = data.get("window_start"), data.get("window_end")
        if team and owner:
            if owner.pk != self.user.pk and not access.may_own_for_others(self.user, team):
                self.add_error("owner", "Only a team lead can make someone else the owner.")
            elif owner.pk not in team_people([team.pk]).values_list("pk", flat=True):
                self.add_error("owner", f"{person(owner)} is not in {team}.")
        if team:
            allowed = set(watcher_candidates([team.pk]).values_list("pk", flat=True))
            outsiders = [person(w) for w in data.get("watchers", []) if w.pk not in allowed]
            if outsiders:
                self.add_error(
                    "watchers", f"{', '.join(outsiders)} cannot see {team}'s judgements."
                )
        if team and assessment and assessment.team_id != team.pk:
            self.add_error(
                "assessment", f"That assessment belongs to {assessment.team}, not {team}."
            )
        if start and end:
            held_to(self, rules.check_window, start, end)
        return data


def watcher_candidates(team_ids) -> QuerySet:
    """Who may watch a team's judgements: whoever can see them (members, leads, leadership)."""
    return (
        User.objects.filter(access.viewers_of(team_ids), is_active=True)
        .distinct()
        .order_by("first_name", "username")
    )


def team_people(team_ids) -> QuerySet:
    return (
        User.objects.filter(Q(teams__in=team_ids) | Q(led_teams__in=team_ids), is_active=True)
        .distinct()
        .order_by("first_name", "username")
    )


class JudgementEditForm(Plain, forms.Form):
    """What may change after creation: text, assessment, window, watchers; owner by a lead.

    The team never changes (its people own the history); estimates are revised, not edited.
    """

    statement = JudgementForm.base_fields["statement"]
    resolution_criteria = JudgementForm.base_fields["resolution_criteria"]
    assessment = forms.ModelChoiceField(
        queryset=Assessment.objects.none(), required=False, empty_label="— none —"
    )
    owner = PersonChoiceField(queryset=User.objects.none())
    watchers = JudgementForm.base_fields["watchers"]
    topics = TopicsField(
        help_text="Its own topics; it also carries its assessment's. Ctrl-click (⌘-click) to "
        "pick several."
    )
    window_start = BoundedDateField()
    window_end = BoundedDateField()

    def __init__(self, *args: Any, judgement: Judgement, user, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "statement": judgement.statement,
                "resolution_criteria": judgement.resolution_criteria,
                "assessment": judgement.assessment_id,
                "owner": judgement.owner_id,
                "watchers": [w.pk for w in judgement.watchers.all()],
                "topics": [t.pk for t in judgement.topics.all()],
                "window_start": judgement.window_start,
                "window_end": judgement.window_end,
            },
        )
        super().__init__(*args, **kwargs)
        self.judgement = judgement
        self.fields["assessment"].queryset = Assessment.objects.filter(team_id=judgement.team_id)
        self.fields["owner"].queryset = team_people([judgement.team_id])
        self.fields["watchers"].queryset = watcher_candidates([judgement.team_id])
        self.fields["topics"].keep(judgement.topics.all())
        if not access.can_reassign(user, judgement):
            self.fields["owner"].disabled = True
            self.fields["owner"].help_text = "Only a team lead can reassign a judgement."
        if judgement.resolution_id is not None:
            for name in ("window_start", "window_end"):
                self.fields[name].disabled = True
                self.fields[name].help_text = "The window of a resolved judgement is fixed."

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("window_start"), data.get("window_end")
        if start and end:
            held_to(self, rules.check_window, start, end)
        return data


class IndicatorForm(Plain, forms.ModelForm):
    observed_on = BoundedDateField(
        label="Observed on", help_text="When it happened, not when you typed it."
    )
    source_url = SourceURLField(required=False, label="Source URL", max_length=500)

    class Meta:
        model = Indicator
        fields = [
            "observed_on",
            "direction",
            "strength",
            "summary",
            "source",
            "source_url",
            "reliability",
            "credibility",
        ]
        labels = {
            "observed_on": "Observed on",
            "source": "Source",
            "reliability": "Source reliability",
            "credibility": "Information credibility",
        }
        help_texts = {
            "observed_on": "When it happened, not when you typed it.",
            "source": "Citation: report, article, cable.",
            "reliability": "Admiralty grading of the source, A to F.",
            "credibility": "Admiralty grading of the information, 1 to 6.",
        }
        widgets = {
            "observed_on": DATE_INPUT,
            "summary": forms.Textarea(attrs={"rows": 2}),
            "source": forms.TextInput(),
        }

    def __init__(self, *args: Any, signposts: list | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "Shows a signpost" (docs/design.md §2.10), when the judgement has one waiting.
        if signposts and (field := signpost_field(signposts)) is not None:
            self.fields["signpost"] = field
        self.fields["direction"].choices = [
            (Direction.SUPPORTS, "For (supports it)"),
            (Direction.UNDERMINES, "Against (undermines it)"),
            (Direction.NEUTRAL, "Neutral"),
        ]
        self.fields["reliability"].choices = Reliability.choices
        self.fields["credibility"].choices = Credibility.choices
        self.fields["strength"].choices = Strength.choices
        if not self.is_bound and self.instance.pk is None:
            self.initial.setdefault("observed_on", timezone.localdate())

    def validate_constraints(self) -> None:
        # The fields' choices already enforce the model's check constraints (and the database
        # backs them); checking them again here costs a query and a savepoint each.
        pass

    def clean_observed_on(self) -> dt.date:
        day = self.cleaned_data["observed_on"]
        try:
            rules.check_observed_on(day, today=timezone.localdate())
        except rules.RuleBroken as broken:
            raise forms.ValidationError(broken.message) from None
        return day


class RetractForm(Plain, forms.Form):
    reason = forms.CharField(
        label="Reason for retracting",
        widget=forms.TextInput(),
        help_text="It stays visible as retracted, with this reason.",
    )


class CitedIndicatorField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        # Avoid str(obj): it reads obj.judgement, a query per row.
        summary = obj.summary if len(obj.summary) <= 80 else obj.summary[:79] + "…"
        return f"{obj.observed_on:%-d %b %Y} · {obj.get_direction_display()} · {summary}"


CITE_CHOICES = 30


class ReviseEstimateForm(EstimateEntryForm):
    group_classes = {"cites": "cites"}  # a scrolling list of checkboxes
    rationale = RationaleMixin.base_fields["rationale"]
    cites = CitedIndicatorField(
        queryset=Indicator.objects.none(),
        required=False,
        label="Indicators that prompted it",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, indicators: list[Indicator] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["cites"]
        active = [i for i in (indicators or []) if not i.is_retracted]
        # Choices come from the list the page already fetched: no extra query to render.
        # Any active indicator may be cited; the form offers the most recently logged ones,
        # which are what usually prompts a revision (and keeps a busy page light).
        field.queryset = Indicator.objects.filter(pk__in=[i.pk for i in active])
        recent = sorted(active, key=lambda i: (i.logged_at, i.pk), reverse=True)[:CITE_CHOICES]
        field.choices = [(i.pk, field.label_from_instance(i)) for i in recent]
        if len(active) > CITE_CHOICES:
            field.help_text = f"The {CITE_CHOICES} most recently logged indicators."


class ResolveForm(Plain, forms.Form):
    group_classes = {"outcome": "outcome"}
    outcome = forms.ChoiceField(choices=Outcome.choices, widget=forms.RadioSelect)
    occurred_on = BoundedDateField(
        required=False,
        label="Occurred on",
        help_text="Required when it occurred; must lie inside the window.",
    )
    settled_on = BoundedDateField(
        required=False,
        label="Settled on",
        help_text=(
            "Did not occur, before the window ends: the day it became certain that it would "
            "not happen (inside the window, not in the future). Say why in the note."
        ),
    )
    # Required (below, in clean) after the rule has had its say: settled early, the rule's
    # own words ask for it.
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "The evidence: what happened, why it can no longer happen (settled early), or why "
            "the question broke (annulled)."
        ),
    )
    source_url = SourceURLField(required=False, label="Source URL", max_length=500)

    def __init__(self, *args: Any, judgement: Judgement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.judgement = judgement

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # A date left in the field of another choice is dropped.
        if data.get("outcome") != Outcome.OCCURRED:
            data["occurred_on"] = None
        if data.get("outcome") != Outcome.DID_NOT_OCCUR:
            data["settled_on"] = None
        dates_ok = not {"occurred_on", "settled_on"} & set(self.errors)
        if data.get("outcome") and dates_ok:
            held_to(
                self,
                rules.check_resolution,
                data["outcome"],
                occurred_on=data["occurred_on"],
                settled_on=data["settled_on"],
                note=data.get("note", ""),
                window_start=self.judgement.window_start,
                window_end=self.judgement.window_end,
                resolved_on=timezone.localdate(),
            )
        if not data.get("note") and "note" not in self.errors:
            self.add_error("note", forms.Field.default_error_messages["required"])
        return data


SORTS = {"end": ("window_end", "reference"), "-end": ("-window_end", "reference")}


class ListFilterForm(Plain, forms.Form):
    group_classes = {"q": "filter-search"}  # the search box spans the filter grid
    q = forms.CharField(required=False, label="Search", help_text="Statement or reference")
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Status.choices])
    team = forms.ModelChoiceField(
        queryset=Team.objects.all(), required=False, empty_label="Any team", to_field_name="slug"
    )
    owner = PersonChoiceField(
        queryset=User.objects.none(), required=False, empty_label="Anyone", to_field_name="username"
    )
    assessment = forms.ModelChoiceField(
        queryset=Assessment.objects.all(), required=False, empty_label="Any assessment"
    )
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
        choices=[("", "Window end, soonest first"), ("-end", "Window end, latest first")],
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

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        visible = access.visible_judgements(user)
        self.fields["team"].queryset = Team.objects.filter(pk__in=visible.values("team_id"))
        self.fields["owner"].queryset = User.objects.filter(
            pk__in=visible.values("owner_id")
        ).order_by("first_name", "username")
        self.fields["assessment"].queryset = Assessment.objects.filter(
            pk__in=visible.values("assessment_id")
        )
        self.fields["term"].choices = [("", "Any term")] + [
            (t.label, t.display) for t in site_scale().terms
        ]

    def filter(self, judgements: QuerySet, *, today: dt.date) -> QuerySet:
        # A bad value in one filter (a stale bookmark) drops that filter, not the others.
        if not self.is_bound:
            data: dict[str, Any] = {}
        else:
            self.is_valid()
            data = self.cleaned_data
        if data.get("q"):
            q = data["q"].strip()
            judgements = judgements.filter(Q(statement__icontains=q) | Q(reference__icontains=q))
        if data.get("status"):
            judgements = judgements.with_status(data["status"], today=today)
        for name in ("team", "owner", "assessment"):
            if data.get(name):
                judgements = judgements.filter(**{name: data[name]})
        if data.get("term"):
            judgements = judgements.filter(term_filter(site_scale().term(data["term"])))
        if data.get("look") == "due":
            judgements = judgements.due_for_a_look(timezone.now())
        if data.get("topic"):
            judgements = judgements.on_topic(data["topic"])
        judgements = judgements.filter(self.figure_condition(data))
        return judgements.order_by(*SORTS.get(data.get("sort") or "end", SORTS["end"]))

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
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
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

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
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from judgements import access, rules
from judgements.core.placement import Disagreement, entered_probability
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
    Strength,
    Team,
    site_scale,
)
from judgements.reports.extraction import Wording, wording_disagrees

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
            # One answer at a time per form, the latest winning: a slow answer about a typo
            # must not land after the term picked since (its midpoint would be undone).
            "hx-sync": "closest form:replace",
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


def live_wording(field: forms.Field, include: str) -> None:
    """Typing a statement asks the placement answer for the wording warning (out of band)."""
    field.widget.attrs.update(
        {
            "hx-get": reverse("estimate-placement"),
            "hx-trigger": "input changed delay:600ms, change",
            "hx-include": include,
            "hx-vals": '{"changed": "statement"}',
            "hx-swap": "none",
            "hx-sync": "closest form:replace",
        }
    )


class WordingCheck(forms.Form):
    """A warning when the statement's own estimative words disagree with the estimate
    (``extraction.wording_disagrees``), with the bare proposition offered.

    The form posts ``wording=bare`` (use the bare proposition) or ``wording=keep`` (keep the
    words as written) from the warning's buttons. Until one is chosen, ``undecided`` holds
    the warning and the view shows it instead of saving, so it works without JavaScript.
    """

    wording = forms.ChoiceField(
        required=False, choices=[("", ""), ("bare", "bare"), ("keep", "keep")]
    )
    wording_warning: Wording | None = None
    decision = ""

    def clean_wording(self) -> str:
        self.decision = self.cleaned_data.get("wording") or ""
        return self.decision

    def check_wording(self, statement: str, probability) -> Wording | None:
        self.wording_warning = wording_disagrees(statement, probability, site_scale())
        return self.wording_warning

    @property
    def undecided(self) -> Wording | None:
        """The warning, while the user has chosen neither button."""
        if self.decision in ("bare", "keep"):
            return None
        return self.wording_warning

    @property
    def reworded(self) -> str | None:
        """The bare proposition, when the user chose it."""
        if self.wording_warning and self.decision == "bare":
            return self.wording_warning.bare
        return None


class RationaleMixin(forms.Form):
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why this number: the evidence and reasoning behind it.",
    )


class JudgementForm(WordingCheck, EstimateEntryForm):
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
        live_wording(self.fields["statement"], "closest .estimate-entry")
        self.fields["statement"].widget.attrs["hx-include"] = "#id_term, #id_percent"
        for name in ("term", "percent"):
            self.fields[name].widget.attrs["hx-include"] = "closest .estimate-entry, #id_statement"
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
        if data.get("statement") and data.get("probability") is not None:
            self.check_wording(data["statement"], data["probability"])
            if self.reworded:
                data["statement"] = self.reworded
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


class JudgementEditForm(WordingCheck, Plain, forms.Form):
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
    # The version the form was read at (``Judgement.version``): saving over a newer one is
    # refused with what changed, instead of overwriting it.
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, judgement: Judgement, user, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "version": judgement.version,
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
        live_wording(self.fields["statement"], "#current-percent")
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
        estimate = self.judgement.current_estimate
        if data.get("statement") and estimate is not None:
            self.check_wording(data["statement"], estimate.probability)
            if self.reworded:
                data["statement"] = self.reworded
        data.pop("wording", None)
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


class ReviseEstimateForm(WordingCheck, EstimateEntryForm):
    group_classes = {"cites": "cites"}  # a scrolling list of checkboxes
    rationale = RationaleMixin.base_fields["rationale"]
    cites = CitedIndicatorField(
        queryset=Indicator.objects.none(),
        required=False,
        label="Indicators that prompted it",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        indicators: list[Indicator] | None = None,
        statement: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.statement = statement
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

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.statement and data.get("probability") is not None:
            self.check_wording(self.statement, data["probability"])
        return data


OPEN = "open"  # what ResolveForm.seen says for a judgement read while unresolved


class ResolveForm(Plain, forms.Form):
    # The resolution the page was read with (its id, or "open"): resolving over another one
    # someone made meanwhile is refused instead of silently replacing it.
    seen = forms.CharField(required=False, widget=forms.HiddenInput)
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
        self.fields["seen"].initial = judgement.resolution_id or OPEN

    def clean_seen(self) -> int | None:
        """The resolution id read with the page; a form without it means "as it is now"."""
        value = self.cleaned_data.get("seen") or ""
        if value == OPEN:
            return None
        if value.isdigit():
            return int(value)
        return self.judgement.resolution_id

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

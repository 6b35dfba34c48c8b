"""Forms of the "Import report" workflow: the report, then one form per candidate.

The candidates live in the page's own fields (a formset), not in a server session, so the
review survives a reload and works without JavaScript.
"""

from __future__ import annotations

import json
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from judgements import rules
from judgements.core.placement import Disagreement, entered_probability
from judgements.core.scales import SCALE_CHOICES, get_scale
from judgements.fields import BoundedDateField, Plain, held_to
from judgements.freshness.forms import SIGNPOST_LINE_HELP, parse_signpost_lines
from judgements.models import Team
from judgements.reports import documents
from judgements.reports.extraction import Candidate, IndicatorDraft, draft_indicator


class ReportForm(Plain, forms.Form):
    """Step 1: the report, its team, title and publication date."""

    team = forms.ModelChoiceField(queryset=Team.objects.none(), empty_label=None)
    title = forms.CharField(
        max_length=300, required=False, help_text="Leave empty to use the report's first line."
    )
    published_on = BoundedDateField(
        label="Publication date",
        help_text="Windows such as 'in the next 12 months' count from this date.",
    )
    source = forms.CharField(
        max_length=500, required=False, help_text="URL or document reference of the report."
    )
    scale = forms.ChoiceField(
        choices=[("", "Detect from the report's words"), *SCALE_CHOICES], required=False
    )
    text = forms.CharField(
        label="Paste the report", widget=forms.Textarea(attrs={"rows": 12}), required=False
    )
    upload = forms.FileField(
        label="…or upload it",
        required=False,
        help_text=".txt, .md, .html, .docx or a PDF with a text layer; at most "
        f"{documents.human_size(settings.YARDSTICK_IMPORT_MAX_BYTES)}.",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(documents.EXTENSIONS)}),
    )

    def __init__(self, *args, teams, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams

    def clean(self) -> dict:
        data = super().clean()
        upload, text = data.get("upload"), (data.get("text") or "").strip()
        limit = settings.YARDSTICK_IMPORT_MAX_BYTES
        try:
            if upload:
                if upload.size > limit:
                    raise documents.DocumentError(_too_big(upload.size, limit))
                data["report_text"] = documents.text_from_upload(
                    upload.name, upload.read(), max_bytes=limit
                )
            elif text:
                documents.check_text_size(text, max_bytes=limit)
                data["report_text"] = documents.tidy(text)
            else:
                raise ValidationError("Paste the report's text or choose a file to upload.")
        except documents.DocumentError as error:
            field = "upload" if upload else "text"
            self.add_error(field, str(error))
        return data


def _too_big(size: int, limit: int) -> str:
    return (
        f"The file is {documents.human_size(size)}; the limit is {documents.human_size(limit)}. "
        "Upload a smaller file or paste the key judgements as text."
    )


class AssessmentForm(Plain, forms.Form):
    """Step 2: the assessment the accepted candidates will belong to (carried in the page)."""

    team = forms.ModelChoiceField(queryset=Team.objects.none(), empty_label=None)
    title = forms.CharField(max_length=300)
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    published_on = BoundedDateField(
        label="Publication date",
    )
    source = forms.CharField(max_length=500, required=False)
    scale = forms.ChoiceField(choices=SCALE_CHOICES)

    def __init__(self, *args, teams, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class CandidateForm(Plain, forms.Form):
    """One proposed judgement, every part editable; ``decision`` accepts or rejects it."""

    decision = forms.ChoiceField(
        choices=[("accept", "Accept"), ("reject", "Reject")],
        initial="accept",
        widget=forms.RadioSelect,
    )
    label = forms.CharField(required=False, widget=forms.HiddenInput)
    sentence = forms.CharField(required=False, widget=forms.HiddenInput)
    statement = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    term = forms.CharField(required=False, widget=forms.Select)
    probability = forms.DecimalField(
        label="Number (%)",
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs={"step": "any", "min": "0", "max": "100"}),
        help_text="The number is what gets scored; empty takes the term's midpoint.",
    )
    window_start = BoundedDateField(required=False)
    window_end = BoundedDateField(required=False)
    indicators = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="One indicator per line; citations in [brackets], (Author, 2024) or URLs "
        "are kept as its source.",
    )
    signposts = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Signposts",
        help_text=SIGNPOST_LINE_HELP,
    )
    reasons = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, scale: str = "phia", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.scale = get_scale(scale)
        choices = [("", "— choose —")] + [(t.label, t.display) for t in self.scale.terms]
        self.fields["term"].widget.choices = choices
        self._keep_in_step()

    def _keep_in_step(self) -> None:
        """With htmx, changing the term or the number updates the other, as in the workspace."""
        live = {
            "hx-get": reverse("extract-placement"),
            "hx-target": f"#{self.prefix}-placement",
            "hx-swap": "innerHTML",
            "hx-include": f"#{self['term'].auto_id}, #{self['probability'].auto_id}",
            # The latest change of this candidate wins (a slow answer about a typo must not
            # land after the term picked since), as in the workspace.
            "hx-sync": "closest article:replace",
        }
        for name, changed, trigger in (
            ("term", "term", "change"),
            ("probability", "percent", "input changed delay:250ms, change"),
        ):
            vals = {"changed": changed, "prefix": self.prefix or "", "scale": self.scale.key}
            attrs = {**live, "hx-trigger": trigger, "hx-vals": json.dumps(vals)}
            self.fields[name].widget.attrs.update(attrs)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") != "accept":
            return data
        if not (data.get("statement") or "").strip():
            self.add_error("statement", "Write the statement that will be scored.")
        self._clean_estimate(data)
        start, end = data.get("window_start"), data.get("window_end")
        for name, value in (("window_start", start), ("window_end", end)):
            if value is None and name not in self.errors:
                self.add_error(name, "Give the date (YYYY-MM-DD).")
        if start and end:
            held_to(self, rules.check_window, start, end)
        drafts, problems = parse_signpost_lines(
            data.get("signposts") or "", written_on=timezone.localdate(), window_end=end
        )
        for problem in problems:
            self.add_error("signposts", problem)
        data["signpost_drafts"] = drafts
        held_to(self, rules.check_indicator_count, len(self.indicator_drafts))
        return data

    def _clean_estimate(self, data: dict) -> None:
        """The workspace's term-or-number rule; a number alone names its term."""
        label, percent = data.get("term"), data.get("probability")
        term = self.scale.find_term(label) if label else None
        if label and term is None:
            self.add_error("term", f"'{label}' is not a term on the {self.scale.name}.")
            return
        if "probability" in self.errors:
            return
        try:
            chosen = entered_probability(self.scale, term, percent)
        except Disagreement as error:
            self.add_error(None, str(error))
            return
        if chosen is None:
            self.add_error("probability", "Give a number or choose a term, or reject it.")
            return
        data["chosen_probability"] = chosen
        if term is None:
            placed = self.scale.place(chosen).term
            data["term"] = placed.label if placed else ""

    @property
    def chosen_probability(self) -> Decimal:
        """The number entered, or the chosen term's midpoint (set by ``clean``)."""
        return self.cleaned_data["chosen_probability"]

    @property
    def signpost_drafts(self) -> list:
        """The signposts written on the candidate (``freshness.forms.parse_signpost_lines``)."""
        return self.cleaned_data.get("signpost_drafts", [])

    @property
    def indicator_drafts(self) -> list[IndicatorDraft]:
        lines = (self.cleaned_data.get("indicators") or "").splitlines()
        return [draft_indicator(line) for line in lines if line.strip()]


CandidateFormSet = forms.formset_factory(
    CandidateForm,
    extra=0,
    max_num=rules.MAX_REPORT_JUDGEMENTS,
    absolute_max=rules.MAX_REPORT_JUDGEMENTS,
    validate_max=True,
)


def initial_for(candidate: Candidate) -> dict:
    percent = None if candidate.probability is None else candidate.probability * 100
    indicators, reasons = candidate.indicators, list(candidate.review_reasons)
    limit = rules.MAX_INDICATORS_PER_JUDGEMENT
    found = max(candidate.indicators_found, len(indicators))
    if found > limit:
        reasons.append(
            f"the report gives {found} indicators for it; the first {limit} are proposed "
            f"(at most {limit} per judgement)"
        )
        indicators = indicators[:limit]
    return {
        "decision": "accept",
        "label": candidate.label,
        "sentence": candidate.sentence,
        "statement": candidate.statement,
        "term": candidate.term or "",
        "probability": None if percent is None else f"{percent.normalize():f}",
        "window_start": candidate.window_start,
        "window_end": candidate.window_end,
        "indicators": "\n".join(indicator.text for indicator in indicators),
        "reasons": "\n".join(reasons),
    }

"""Forms for signposts and reaffirming. They validate input; the views call ``workflows``."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils import timezone

from judgements import rules, workflows
from judgements.fields import BoundedDateField, Plain, held_to
from judgements.models import Direction, Indicator, Signpost

DIRECTION_CHOICES = [
    (Direction.SUPPORTS, "Supports it: I'd expect to see this if the judgement is right"),
    (Direction.UNDERMINES, "Undermines it: I'd expect to see this if it is going wrong"),
]


class SignpostForm(Plain, forms.Form):
    """Text, which way it points if seen, and optionally the day it is expected by."""

    text = forms.CharField(
        label="Signpost",
        max_length=rules.SIGNPOST_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What you would expect to see if the judgement is going right or wrong.",
    )
    direction = forms.ChoiceField(label="If seen, it", choices=DIRECTION_CHOICES)
    expected_by = BoundedDateField(
        required=False,
        label="Expected by",
        help_text="Optional. Not seen by then, it lapses: that is evidence too.",
    )

    def __init__(self, *args: Any, window_end: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.window_end = window_end

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.window_end and "expected_by" not in self.errors:
            held_to(
                self,
                rules.check_expected_by,
                data.get("expected_by"),
                written_on=timezone.localdate(),
                window_end=self.window_end,
            )
        return data

    def draft(self) -> workflows.DraftSignpost:
        data = self.cleaned_data
        return workflows.DraftSignpost(
            text=data["text"].strip(), direction=data["direction"], expected_by=data["expected_by"]
        )


class NewSignpostForm(SignpostForm):
    """One optional row of the new-judgement form: empty text means no signpost."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].required = False
        self.fields["direction"].required = False  # only with text: see clean_new_signposts
        self.fields["text"].widget.attrs["rows"] = 1
        self.fields["direction"].choices = [
            (Direction.SUPPORTS, "Supports it"),
            (Direction.UNDERMINES, "Undermines it"),
        ]

    @property
    def filled(self) -> bool:
        return bool((self.cleaned_data.get("text") or "").strip())


NEW_SIGNPOST_ROWS = 3


def new_signpost_forms(data=None) -> list[NewSignpostForm]:
    """The new-judgement form's signpost rows (no JavaScript needed: a fixed number)."""
    rows = [NewSignpostForm(data, prefix=f"signpost-{n}") for n in range(NEW_SIGNPOST_ROWS)]
    for number, row in enumerate(rows, start=1):
        row.fields["text"].label = f"Signpost {number}"
    return rows


def clean_new_signposts(
    rows: list[NewSignpostForm], *, window_start: dt.date | None, window_end: dt.date | None
) -> list[workflows.DraftSignpost] | None:
    """The filled rows as drafts, held to the signpost rules; None if any row is wrong."""
    ok = all(row.is_valid() for row in rows)
    drafts = []
    for row in rows:
        if not row.is_valid() or not row.filled:
            if row.is_valid() and row.cleaned_data.get("expected_by"):
                row.add_error("text", "Say what you would expect to see, or clear the date.")
                ok = False
            continue
        if not row.cleaned_data.get("direction"):
            row.add_error("direction", "Say whether seeing it supports or undermines it.")
            ok = False
            continue
        end = window_end or (window_start and rules.default_window_end(window_start))
        draft = row.draft()
        if end and not held_to(
            row,
            rules.check_expected_by,
            draft.expected_by,
            written_on=timezone.localdate(),
            window_end=end,
        ):
            ok = False
            continue
        drafts.append(draft)
    return drafts if ok else None


class WithdrawSignpostForm(Plain, forms.Form):
    reason = forms.CharField(
        label="Reason for withdrawing",
        widget=forms.TextInput(),
        help_text="It stays on the page, marked withdrawn, with this reason.",
    )


class IndicatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        summary = obj.summary if len(obj.summary) <= 80 else obj.summary[:79] + "…"
        return f"{obj.observed_on:%-d %b %Y} · {obj.get_direction_display()} · {summary}"


class SeeSignpostForm(Plain, forms.Form):
    """Mark a signpost seen through an indicator already logged."""

    indicator = IndicatorChoiceField(
        queryset=Indicator.objects.none(),
        label="The indicator that showed it",
        empty_label="— pick an indicator —",
        help_text="It is seen on that indicator's day. Log the indicator first if it is new.",
    )

    def __init__(self, *args: Any, signpost: Signpost, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.active().filter(
            judgement_id=signpost.judgement_id
        )


class SignpostChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        way = "for" if obj.direction == Direction.SUPPORTS else "against"
        text = obj.text if len(obj.text) <= 90 else obj.text[:89] + "…"
        return f"{text} ({way})"


def signpost_field(signposts: list[Signpost]) -> SignpostChoiceField | None:
    """The "shows a signpost" field of the indicator form: the judgement's signposts still
    waiting to be seen (not withdrawn, not seen); None when there are none."""
    waiting = [s for s in signposts if s.withdrawn_at is None and s.seen_on is None]
    if not waiting:
        return None
    field = SignpostChoiceField(
        queryset=Signpost.objects.filter(pk__in=[s.pk for s in waiting]),
        required=False,
        label="Shows a signpost",
        empty_label="— none —",
        help_text="If this indicator is one of the signposts written down in advance.",
    )
    field.choices = [("", "— none —")] + [(s.pk, field.label_from_instance(s)) for s in waiting]
    return field


class ReaffirmForm(Plain, forms.Form):
    rationale = forms.CharField(
        label="Why it still stands",
        max_length=500,
        widget=forms.TextInput(),
        help_text="A few words: it is recorded as an estimate with the same number.",
    )


SIGNPOST_LINE_HELP = (
    "Optional. One signpost per line: start with + if seeing it would support the judgement, "
    "− if it would undermine it; end with “by 2026-09-30” for an expected-by day."
)
_BY_DAY = re.compile(r"\s+by\s+(\d{4}-\d{2}-\d{2})\s*$", re.IGNORECASE)


def parse_signpost_lines(
    text: str, *, written_on: dt.date, window_end: dt.date | None
) -> tuple[list[workflows.DraftSignpost], list[str]]:
    """Signposts written one per line ("+ text by 2026-09-30", "- text"), as drafts held to the
    signpost rules, and the problems found (each naming its line)."""
    drafts, problems = [], []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        sign, rest = line[0], line[1:].strip()
        direction = {"+": Direction.SUPPORTS, "-": Direction.UNDERMINES, "−": Direction.UNDERMINES}
        if sign not in direction:
            problems.append(f"Line {number}: start with + (supports) or − (undermines).")
            continue
        expected_by = None
        if match := _BY_DAY.search(rest):
            try:
                expected_by = dt.date.fromisoformat(match.group(1))
            except ValueError:
                problems.append(f"Line {number}: {match.group(1)} is not a date.")
                continue
            rest = rest[: match.start()].strip()
        draft = workflows.DraftSignpost(
            text=rest, direction=direction[sign], expected_by=expected_by
        )
        try:
            rules.check_signpost_text(draft.text)
            if window_end is not None:
                rules.check_expected_by(expected_by, written_on=written_on, window_end=window_end)
            else:
                rules.check_year(expected_by, field="expected_by")
        except rules.RuleBroken as broken:
            problems.append(f"Line {number}: {broken.message}")
            continue
        drafts.append(draft)
    return drafts, problems

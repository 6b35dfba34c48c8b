"""Form fields and helpers shared by the features' forms (workspace, reports).

Each field holds values to a rule of ``judgements.rules``; ``held_to`` turns a rule's
refusal into an error on the field it names, so a form says exactly what the workflow and
the importer would say. ``FormRenderer`` (settings.FORM_RENDERER) draws every field the
same way: templates write ``{{ form.statement.as_field_group }}``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.validators import URLValidator
from django.db.models import Q
from django.forms.renderers import TemplatesSetting

from judgements import rules
from judgements.core.dates import MAX_DATE, MIN_DATE
from judgements.display import person
from judgements.models import Topic

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def held_to(form: forms.Form, check: Any, *args: Any, **kwargs: Any) -> bool:
    """Run ``check`` (a function of ``rules``); a refusal becomes an error on the field it
    names (or on the form). True when the rule held."""
    try:
        check(*args, **kwargs)
    except rules.RuleBroken as broken:
        field = broken.field if broken.field in form.fields else None
        if field is None or field not in form.errors:
            form.add_error(field, broken.message)
        return False
    return True


def posted_value(instance: Any, name: str) -> str:
    """A model field's value as a form posts it: an id, an ISO date, the text."""
    value = getattr(instance, type(instance)._meta.get_field(name).attname)
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


class FieldGroup(forms.BoundField):
    """A field as templates/shared/_field.html draws it: label, widget, help text, errors."""

    @property
    def group_class(self) -> str:
        """An extra class on the field's wrapper, for the stylesheet: the form's
        ``group_classes`` names them by field ({"q": "filter-search"})."""
        return getattr(self.form, "group_classes", {}).get(self.name, "")


class FormRenderer(TemplatesSetting):
    """The project's one field template, for every ``field.as_field_group``.

    Django links the widget to its help text and errors (aria-describedby, aria-invalid);
    the template keeps the label, classes and order the stylesheet expects.
    """

    field_template_name = "shared/_field.html"
    bound_field_class = FieldGroup


class Plain:
    """Labels without Django's trailing colon (the design's labels read as headings)."""

    group_classes: dict[str, str] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]


class BoundedDateField(forms.DateField):
    """A date in the years Yardstick supports (``rules.check_year``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", DATE_INPUT)
        super().__init__(*args, **kwargs)

    def validate(self, value: dt.date | None) -> None:
        super().validate(value)
        try:
            rules.check_year(value)
        except rules.RuleBroken as broken:
            raise forms.ValidationError(broken.message, code="out_of_range") from None

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {
            **super().widget_attrs(widget),
            "min": MIN_DATE.isoformat(),
            "max": MAX_DATE.isoformat(),
        }


class SourceURLField(forms.URLField):
    """A source address, held to ``rules.check_source_url`` (then Django's URL syntax)."""

    default_validators = [URLValidator(schemes=["http", "https"], message=rules.URL_MESSAGE)]

    def to_python(self, value: Any) -> str:
        # Django's URLField adds "https://" to a bare word; for a source we'd rather say so.
        value = (value or "").strip()
        try:
            rules.check_source_url(value)
        except rules.RuleBroken as broken:
            raise forms.ValidationError(broken.message, code="invalid") from None
        return super().to_python(value)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return person(obj)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return person(obj)


class TopicsField(forms.ModelMultipleChoiceField):
    """Topics of the controlled vocabulary (docs/design.md §2.11): the ones in use, plus any
    retired ones the object already carries (so saving a form never drops them)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Topic.objects.filter(retired=False))
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.SelectMultiple(attrs={"size": 6}))
        super().__init__(*args, **kwargs)

    def keep(self, current: Any) -> None:
        """Offer the topics in use and those already given (``current``: pks or topics)."""
        pks = [getattr(item, "pk", item) for item in current]
        self.queryset = Topic.objects.filter(Q(retired=False) | Q(pk__in=pks))

    def label_from_instance(self, obj: Topic) -> str:
        return f"{obj.name} ({obj.get_kind_display().lower()})"

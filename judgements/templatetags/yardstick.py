"""Small display filters for the workspace templates."""

from __future__ import annotations

from decimal import Decimal

from django import template

from judgements.core import scales
from judgements.models import site_scale

register = template.Library()


@register.filter
def percent(probability: Decimal | float | None) -> str:
    """0.525 -> '52.5%'; 0.85 -> '85%'."""
    if probability is None or probability == "":
        return "—"
    value = scales.to_percent(probability).quantize(Decimal("0.01")).normalize()
    return f"{value:f}%"


@register.filter
def person(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


@register.filter
def placed(probability: Decimal | float) -> str:
    """The term (or gap) of a probability on the site scale."""
    return site_scale().place(probability).label


@register.filter
def change_items(changes: dict) -> list[tuple[str, object, object]]:
    """A ChangeRecord's {"field": {"before", "after"}} as rows for a template."""
    rows = []
    for field, values in (changes or {}).items():
        if not isinstance(values, dict):
            continue
        before, after = values.get("before"), values.get("after")
        if field == "probability":  # stored as "0.7000"; read as 70%
            before = percent(before) if before is not None else None
            after = percent(after) if after is not None else None
        rows.append((field.replace("_", " "), before, after))
    return rows

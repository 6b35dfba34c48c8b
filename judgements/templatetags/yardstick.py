"""The one template-tag library: how numbers, people and time read on pages and in emails.

Each filter is a thin wrapper over ``judgements.display``, where the formats live, so a
page, an email and a Python caller print the same figure the same way.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from judgements import display

register = template.Library()

# Estimates: 0.525 -> "52.5%".
register.filter("percent", display.percent)
# Shares over many judgements: 0.4567 -> "46%" ({{ share|rounded_percent:1 }} for "45.7%").
register.filter("rounded_percent", display.rounded_percent)
# Brier, log loss, skill: 0.12345 -> "0.123" ({{ value|score:4 }} for four decimals).
register.filter("score", display.score)
register.filter("good_judgment_brier", display.good_judgment_brier)
register.filter("person", display.person)
# '7 days left', 'ended 3 days ago'.
register.filter("days_left", display.days_left)
# A ChangeRecord's changes as (field, before, after) rows.
register.filter("change_rows", display.change_rows)


@register.simple_tag
def status_badge(status: str, days: int) -> SafeString:
    """``{% status_badge status days_left %}``: <span class="badge expiring">Ends today</span>."""
    badge = display.status_badge(status, days)
    return format_html('<span class="badge {}">{}</span>', badge.css, badge.text)

"""The one template-tag library: how numbers, people and time read on pages and in emails.

Each filter is a thin wrapper over ``judgements.display``, where the formats live, so a
page, an email and a Python caller print the same figure the same way.
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from judgements import access, display

register = template.Library()

# Estimates: 0.525 -> "52.5%".
register.filter("percent", display.percent)
# Shares over many judgements: 0.4567 -> "46%" ({{ share|rounded_percent:1 }} for "45.7%").
register.filter("rounded_percent", display.rounded_percent)
# Brier, log loss, skill: 0.12345 -> "0.123" ({{ value|score:4 }} for four decimals).
register.filter("score", display.score)
register.filter("good_judgment_brier", display.good_judgment_brier)
register.filter("person", display.person)
# Days and moments: "5 Jan 2026", "5 Jan 2026, 14:30" (site time).
register.filter("day", display.day)
register.filter("moment", display.moment)
# '7 days left', 'ended 3 days ago'.
register.filter("days_left", display.days_left)
# A ChangeRecord's changes as (field, before, after) rows ({{ c.changes|change_rows:people }}).
register.filter("change_rows", display.change_rows)
# Calibration read-outs: {{ group|term_sentence:"we" }}, {{ card|calibration_sentence:"they" }}.
register.filter("term_sentence", display.term_sentence)
register.filter("calibration_sentence", display.calibration_sentence)


@register.simple_tag
def status_badge(status: str, days: int) -> SafeString:
    """``{% status_badge status days_left %}``: <span class="badge expiring">Ends today</span>."""
    badge = display.status_badge(status, days)
    return format_html('<span class="badge {}">{}</span>', badge.css, badge.text)


# --- Names that lead to track records ---------------------------------------------------------


@register.simple_tag(takes_context=True)
def person_link(context, person) -> SafeString:
    """``{% person_link judgement.owner %}``: the person's name, a link to their track record
    when the viewer may read it (``access.record_people``), plain text otherwise."""
    if person is None:
        return format_html("{}", display.MISSING)
    viewer = context.get("user") or getattr(context.get("request"), "user", None)
    if viewer is not None and access.may_read_record_of(viewer, person.pk):
        url = reverse("track-record-user", args=[person.get_username()])
        return format_html('<a class="record-link" href="{}">{}</a>', url, display.person(person))
    return format_html("{}", display.person(person))


@register.simple_tag(takes_context=True)
def team_link(context, team) -> SafeString:
    """``{% team_link judgement.team %}``: the team's name, linked to its track record when
    the viewer may read it."""
    if team is None:
        return format_html("{}", display.MISSING)
    viewer = context.get("user") or getattr(context.get("request"), "user", None)
    if viewer is not None and access.may_read_team_record(viewer, team.pk):
        url = reverse("track-record-team", args=[team.slug])
        return format_html('<a class="record-link" href="{}">{}</a>', url, team.name)
    return format_html("{}", team.name)

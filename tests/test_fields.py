"""One field template: every field is drawn by templates/shared/_field.html through
``as_field_group``, its label, help text and errors linked for screen readers."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from judgements.workspace.filters import ListFilterForm
from judgements.workspace.forms import ResolveForm

pytestmark = pytest.mark.django_db


def field_group(html: str, field_id: str) -> str:
    """The wrapper holding the widget with ``id="<field_id>"`` (a widget with no div inside)."""
    for group in re.findall(r'<div class="field.*?</div>', html, re.S):
        if f'id="{field_id}"' in group:
            return group
    raise AssertionError(f"no field group for {field_id}")


def test_no_template_draws_a_field_by_hand():
    templates = Path(settings.BASE_DIR) / "templates"
    for path in templates.rglob("*.html"):
        assert "shared/_field.html" not in path.read_text(), path


def test_a_field_with_an_error_links_label_help_and_error(client, alice, east_asia):
    client.force_login(alice)
    html = client.post("/judgements/new/", {"statement": ""}).content.decode()
    group = field_group(html, "id_statement")
    assert group.startswith('<div class="field has-error">')
    assert '<label for="id_statement">Statement</label>' in group
    widget = re.search(r"<textarea[^>]*>", group).group(0)
    assert 'aria-invalid="true"' in widget
    assert 'aria-describedby="id_statement_helptext id_statement_error"' in widget
    assert '<span class="help" id="id_statement_helptext">' in group
    assert '<ul class="errorlist" id="id_statement_error"><li>This field is required.</li>' in group


def test_a_field_without_an_error_links_only_its_help(client, alice, east_asia):
    client.force_login(alice)
    html = client.get("/judgements/new/").content.decode()
    group = field_group(html, "id_statement")
    assert group.startswith('<div class="field">')
    assert 'aria-describedby="id_statement_helptext"' in group
    assert "aria-invalid" not in group and "errorlist" not in group


def test_a_group_of_radios_is_a_fieldset_that_points_at_its_error(judgement):
    form = ResolveForm({"resolve-outcome": ""}, prefix="resolve", judgement=judgement)
    assert not form.is_valid()
    html = form["outcome"].as_field_group()
    assert html.startswith(
        '<fieldset class="field has-error outcome" aria-describedby="id_resolve-outcome_error">'
    )
    assert "<legend>Outcome</legend>" in html
    assert 'id="id_resolve-outcome_error"' in html


def test_a_form_names_the_extra_class_of_a_field_for_the_stylesheet(alice):
    form = ListFilterForm(user=alice)
    assert form["q"].as_field_group().startswith('<div class="field filter-search">')
    assert form["status"].as_field_group().startswith('<div class="field">')

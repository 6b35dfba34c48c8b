"""The analyst workspace through the Django test client: list, create, edit, the judgement page,
its htmx fragments, and resolution."""

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from judgements import workflows
from judgements.models import (
    Alert,
    Assessment,
    ChangeAction,
    Indicator,
    Judgement,
    Outcome,
    Status,
)
from judgements.workspace.views import ListRow
from tests.factories import make_judgement, make_user

HTMX = {"HX-Request": "true"}


def url(judgement: Judgement, suffix: str = "") -> str:
    return f"/judgements/{judgement.reference}/{suffix}"


def indicator_post(prefix: str = "indicator", **overrides) -> dict:
    data = {
        "observed_on": timezone.localdate().isoformat(),
        "direction": "supports",
        "strength": "strong",
        "summary": "Tankers seen loading at Nampo",
        "source": "Commercial imagery",
        "source_url": "https://example.org/imagery",
        "reliability": "B",
        "credibility": "2",
        **overrides,
    }
    return {f"{prefix}-{key}": value for key, value in data.items()}


def log(judgement, by, **fields) -> Indicator:
    data = {
        "observed_on": timezone.localdate(),
        "summary": "An observation",
        "direction": "supports",
        "strength": "moderate",
        **fields,
    }
    return workflows.log_indicator(judgement, by=by, **data)


# --- list -------------------------------------------------------------------------------------


def test_the_list_shows_number_term_confidence_owner_days_left_and_balance(
    client, alice, judgement
):
    log(judgement, alice, direction="supports")
    log(judgement, alice, direction="supports")
    log(judgement, alice, direction="undermines")
    client.force_login(alice)
    page = client.get("/judgements/").content.decode()
    assert judgement.reference in page
    assert "85%" in page and "highly likely" in page
    assert "Alice" in page
    assert f"{judgement.days_left()} days left" in page
    assert "2 for, 1 against since the current estimate" in page


def test_the_list_reads_each_row_as_of_the_same_today(client, alice, east_asia, judgement):
    ended = make_judgement(alice, east_asia, "Ended without resolution", days_ago=400)
    client.force_login(alice)
    with time_machine.travel(timezone.now(), tick=False):
        rows = client.get("/judgements/").context["rows"]
        today = timezone.localdate()
    # The open one's estimate is 100 days old: due for a look; the ended one is past looking.
    looks = {judgement.pk: "100 days since the last estimate", ended.pk: ""}
    expected = {
        j.reference: ListRow(j, j.status(today), j.days_left(today), looks[j.pk])
        for j in (judgement, ended)
    }
    assert {row.judgement.reference: row for row in rows} == expected
    assert [row.status for row in rows] == ["awaiting", "open"]


def test_the_balance_counts_only_indicators_since_the_current_estimate(client, alice, judgement):
    old = log(judgement, alice, direction="undermines")
    Indicator.objects.filter(pk=old.pk).update(logged_at=timezone.now() - dt.timedelta(days=2))
    judgement.refresh_from_db()
    workflows.revise_estimate(
        judgement,
        by=alice,
        probability=Decimal("0.8"),
        confidence="moderate",
        rationale="New look",
        now=timezone.now() - dt.timedelta(days=1),
    )
    log(judgement, alice, direction="supports")
    retracted = log(judgement, alice, direction="supports")
    workflows.retract_indicator(retracted, by=alice, reason="Duplicate")
    client.force_login(alice)
    page = client.get("/judgements/").content.decode()
    assert "1 for, 0 against since the current estimate" in page


def test_the_list_says_awaiting_resolution_once_the_window_has_ended(client, alice, east_asia):
    make_judgement(alice, east_asia, "Ended without resolution", days_ago=400)
    client.force_login(alice)
    assert "Awaiting resolution" in client.get("/judgements/").content.decode()


def test_search_matches_statement_and_reference(client, alice, east_asia, judgement):
    other = make_judgement(alice, east_asia, "Missile test over the Sea of Japan", days_ago=100)
    client.force_login(alice)
    by_text = client.get("/judgements/", {"q": "missile"}).content.decode()
    assert other.reference in by_text and judgement.reference not in by_text
    by_ref = client.get("/judgements/", {"q": judgement.reference}).content.decode()
    assert judgement.reference in by_ref and other.reference not in by_ref


def test_filters_by_status_team_owner_assessment_and_term(
    client, alice, lena, east_asia, judgement
):
    report = Assessment.objects.create(
        title="Maritime report", published_on=timezone.localdate(), team=east_asia
    )
    lenas = make_judgement(
        lena, east_asia, "Lena's judgement", "0.3", assessment=report, days_ago=100
    )
    expired = make_judgement(alice, east_asia, "An old one", "0.6", days_ago=400)
    client.force_login(lena)

    def refs(**params) -> set[str]:
        page = client.get("/judgements/", params).content.decode()
        return {j.reference for j in (judgement, lenas, expired) if j.reference in page}

    assert refs(owner="lena") == {lenas.reference}
    assert refs(assessment=report.pk) == {lenas.reference}
    assert refs(term="unlikely") == {lenas.reference}
    assert refs(term="highly likely") == {judgement.reference}
    assert refs(status=Status.AWAITING) == {expired.reference}
    assert refs(status=Status.OPEN) == {judgement.reference, lenas.reference}
    assert refs(team="east-asia") == {judgement.reference, lenas.reference, expired.reference}


def test_sorting_by_window_end_both_ways(client, alice, east_asia):
    early = make_judgement(alice, east_asia, "Ends first", days_ago=300)
    late = make_judgement(alice, east_asia, "Ends last", days_ago=10)
    client.force_login(alice)
    ascending = client.get("/judgements/").content.decode()
    assert ascending.index(early.reference) < ascending.index(late.reference)
    descending = client.get("/judgements/", {"sort": "-end"}).content.decode()
    assert descending.index(late.reference) < descending.index(early.reference)


def test_paging_keeps_the_filters_in_its_links(client, alice, east_asia):
    for n in range(30):
        make_judgement(alice, east_asia, f"Shipping judgement {n}", days_ago=100)
    client.force_login(alice)
    page = client.get("/judgements/", {"q": "shipping"}).content.decode()
    assert "1–25 of 30 judgements" in page
    assert 'href="?q=shipping&amp;page=2"' in page
    second = client.get("/judgements/", {"q": "shipping", "page": 2}).content.decode()
    assert "26–30 of 30 judgements" in second


def test_htmx_gets_only_the_results_and_history_restore_gets_the_page(client, alice, judgement):
    client.force_login(alice)
    fragment = client.get("/judgements/", headers=HTMX).content.decode()
    assert "<html" not in fragment and 'id="results"' in fragment
    assert "<form" not in fragment
    restore = client.get("/judgements/", headers={**HTMX, "HX-History-Restore-Request": "true"})
    assert "<html" in restore.content.decode()


def test_bob_does_not_see_east_asias_judgements_in_the_list(client, bob, judgement):
    client.force_login(bob)
    assert judgement.reference not in client.get("/judgements/").content.decode()


def test_leadership_sees_every_team_but_no_new_judgement_button(client, maya, judgement):
    client.force_login(maya)
    page = client.get("/judgements/").content.decode()
    assert judgement.reference in page
    assert "/judgements/new/" not in page


# --- create and edit --------------------------------------------------------------------------


def new_post(team, **overrides) -> dict:
    return {
        "statement": "Pyongyang will launch a satellite",
        "resolution_criteria": "A launch reported by two agencies",
        "team": team.pk,
        "owner": "",
        "window_start": "2026-03-01",
        "window_end": "",
        "term": "highly likely",
        "percent": "",
        "confidence": "high",
        "rationale": "Launch pad activity",
        **overrides,
    }


def test_alice_creates_a_judgement_by_picking_a_term(client, alice, east_asia):
    client.force_login(alice)
    response = client.post("/judgements/new/", new_post(east_asia, owner=alice.pk))
    judgement = Judgement.objects.get(statement="Pyongyang will launch a satellite")
    assert response.status_code == 302 and response["Location"] == judgement.get_absolute_url()
    assert judgement.current_estimate.probability == Decimal("0.85")
    assert judgement.current_estimate.confidence == "high"
    assert judgement.window_end == dt.date(2027, 3, 1)  # start + 12 months
    assert judgement.changes.get().action == ChangeAction.CREATED


def test_the_new_form_defaults_the_window_start_to_today(client, alice, east_asia):
    client.force_login(alice)
    page = client.get("/judgements/new/").content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in page


def test_creating_with_errors_says_what_to_fix_and_keeps_the_input(client, alice, east_asia):
    client.force_login(alice)
    data = new_post(
        east_asia, owner=alice.pk, term="", window_end="2026-01-01", statement="Keep me"
    )
    response = client.post("/judgements/new/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Pick a term or type a number." in page
    assert "The window must end after it starts." in page
    assert "Keep me" in page
    assert not Judgement.objects.exists()


def test_an_analyst_cannot_make_someone_else_the_owner(client, alice, lena, east_asia):
    client.force_login(alice)
    page = client.post("/judgements/new/", new_post(east_asia, owner=lena.pk)).content.decode()
    assert "Only a team lead can make someone else the owner." in page


def test_a_lead_can_create_a_judgement_owned_by_an_analyst(client, alice, lena, east_asia):
    client.force_login(lena)
    client.post("/judgements/new/", new_post(east_asia, owner=alice.pk))
    assert Judgement.objects.get().owner == alice


def test_an_analyst_cannot_create_in_a_team_she_is_not_in(client, alice, cyber, east_asia):
    client.force_login(alice)
    page = client.post("/judgements/new/", new_post(cyber, owner=alice.pk)).content.decode()
    assert "Select a valid choice" in page
    assert not Judgement.objects.exists()


def test_placement_endpoint_names_the_gap_and_selects_no_term(client, alice):
    client.force_login(alice)
    response = client.get("/judgements/placement/", {"percent": "52", "changed": "percent"})
    page = response.content.decode()
    assert page.startswith("52% — between realistic possibility and likely")
    assert 'hx-swap-oob="true"' in page and 'id="id_term"' in page
    assert '<option value="" selected>' in page


def test_placement_endpoint_fills_in_the_midpoint_when_a_term_is_picked(client, alice):
    client.force_login(alice)
    page = client.get(
        "/judgements/placement/", {"term": "highly likely", "changed": "term"}
    ).content.decode()
    assert page.startswith("85% — highly likely (band 80–90%)")
    assert 'id="id_percent"' in page and 'value="85"' in page


def test_placement_endpoint_refuses_numbers_out_of_range(client, alice):
    client.force_login(alice)
    page = client.get("/judgements/placement/", {"percent": "140"}).content.decode()
    assert page.strip() == "Give a number from 0 to 100."


def edit_post(judgement, **overrides) -> dict:
    return {
        "version": judgement.version,
        "statement": judgement.statement,
        "resolution_criteria": judgement.resolution_criteria,
        "assessment": "",
        "owner": judgement.owner_id,
        "window_start": judgement.window_start.isoformat(),
        "window_end": judgement.window_end.isoformat(),
        **overrides,
    }


def test_editing_records_before_and_after(client, alice, judgement):
    client.force_login(alice)
    old_end = judgement.window_end
    new_end = old_end + dt.timedelta(days=30)
    response = client.post(url(judgement, "edit/"), edit_post(judgement, window_end=new_end))
    assert response.status_code == 302
    judgement.refresh_from_db()
    assert judgement.window_end == new_end
    change = judgement.changes.filter(action=ChangeAction.WINDOW_CHANGED).get()
    assert change.changes["window_end"] == {
        "before": old_end.isoformat(),
        "after": new_end.isoformat(),
    }
    assert "Window changed" in client.get(url(judgement)).content.decode()


def test_an_analyst_cannot_reassign_even_by_posting_the_owner(client, alice, lena, judgement):
    client.force_login(alice)
    client.post(url(judgement, "edit/"), edit_post(judgement, owner=lena.pk))
    judgement.refresh_from_db()
    assert judgement.owner == alice


def test_a_lead_reassigns_a_judgement(client, lena, judgement):
    client.force_login(lena)
    client.post(url(judgement, "edit/"), edit_post(judgement, owner=lena.pk))
    judgement.refresh_from_db()
    assert judgement.owner == lena
    assert judgement.changes.filter(action=ChangeAction.REASSIGNED).exists()


def test_watchers_are_set_from_the_edit_form(client, alice, lena, judgement):
    client.force_login(alice)
    client.post(url(judgement, "edit/"), edit_post(judgement, watchers=[lena.pk]))
    assert list(judgement.watchers.all()) == [lena]


def test_saving_over_a_newer_version_is_refused_showing_what_changed(
    client, alice, lena, judgement
):
    client.force_login(alice)
    opened = edit_post(judgement, statement="Alice's wording")  # the form as alice opened it
    workflows.edit_judgement(judgement, by=lena, resolution_criteria="Lena's criteria")
    response = client.post(url(judgement, "edit/"), opened)
    page = response.content.decode()
    assert response.status_code == 409
    assert "changed by someone else since you opened it" in page
    assert "Lena&#x27;s criteria" in page and "by Lena" in page  # what changed, and who
    judgement.refresh_from_db()
    assert judgement.statement != "Alice's wording"
    # The form now holds her wording and Lena's criteria (a field she had left alone), at
    # the version she has now seen: saving it again keeps both.
    form = edit_form_values(page)
    assert form["statement"] == "Alice's wording"
    assert form["resolution_criteria"] == "Lena's criteria"
    again = client.post(url(judgement, "edit/"), form)
    assert again.status_code == 302
    judgement.refresh_from_db()
    assert judgement.statement == "Alice's wording"
    assert judgement.resolution_criteria == "Lena's criteria"


def test_a_field_both_changed_keeps_what_this_user_typed(client, alice, lena, judgement):
    client.force_login(alice)
    opened = edit_post(judgement, statement="Alice's wording")
    workflows.edit_judgement(judgement, by=lena, statement="Lena's wording")
    page = client.post(url(judgement, "edit/"), opened).content.decode()
    assert edit_form_values(page)["statement"] == "Alice's wording"
    assert "Lena&#x27;s wording" in page  # shown as the change made meanwhile


def edit_form_values(page: str) -> dict:
    """The edit form's fields as the page renders them (what a browser would send)."""
    fields = {"version": re.search(r'name="version" value="(\d+)"', page).group(1)}
    for name in ("statement", "resolution_criteria"):
        text = re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', page, re.S).group(1)
        fields[name] = html.unescape(text.removeprefix("\n"))
    for name in ("window_start", "window_end"):
        fields[name] = re.search(rf'name="{name}" value="([^"]*)"', page).group(1)
    owner = re.search(r'<select name="owner".*?</select>', page, re.S).group(0)
    fields["owner"] = re.search(r'<option value="(\d+)" selected>', owner).group(1)
    fields["assessment"] = ""
    return fields


def test_an_edit_form_without_its_version_is_refused(client, alice, judgement):
    client.force_login(alice)
    data = edit_post(judgement, statement="No version")
    del data["version"]
    response = client.post(url(judgement, "edit/"), data)
    assert response.status_code == 200
    judgement.refresh_from_db()
    assert judgement.statement != "No version"


def test_an_analyst_edit_never_writes_back_the_owner_a_lead_just_set(
    client, alice, lena, judgement
):
    """The owner field is disabled for analysts: its value is never saved from their form."""
    client.force_login(alice)
    page = client.get(url(judgement, "edit/")).content.decode()
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    workflows.edit_judgement(judgement, by=lena, owner=lena, version=int(version))
    judgement.refresh_from_db()
    data = edit_post(judgement, statement="Alice's wording", owner=alice.pk)
    client.post(url(judgement, "edit/"), data)
    judgement.refresh_from_db()
    assert judgement.owner == lena


# --- judgement page ---------------------------------------------------------------------------


def test_the_page_shows_the_workspace(client, alice, judgement):
    log(judgement, alice, summary="Ships seen", direction="supports")
    client.force_login(alice)
    page = client.get(url(judgement)).content.decode()
    for text in [
        judgement.statement,
        "Open reporting of such activity inside the window.",
        "85%",
        "highly likely",
        "band 80–90%",
        "Moderate confidence",
        "window-progress",
        '<svg class="timeline chart timeline-wide"',
        "The chart as a table",
        "Ships seen",
        "Estimate history",
        "Change history",
        "Log an indicator",
        "Revise the estimate",
        "B — Usually reliable",
        "2 — Probably true",
    ]:
        assert text in page, text


def test_user_text_is_escaped_everywhere(client, alice, east_asia):
    evil = make_judgement(alice, east_asia, '<script>alert("kj")</script>', days_ago=100)
    log(evil, alice, summary="<img src=x onerror=alert(1)>")
    client.force_login(alice)
    for page in (client.get(url(evil)), client.get("/judgements/")):
        html = page.content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html
    assert (
        "&lt;script&gt;alert(&quot;kj&quot;)&lt;/script&gt;"
        in client.get(url(evil)).content.decode()
    )


def test_the_page_is_served_with_a_strict_csp_and_no_inline_handlers(client, alice, judgement):
    client.force_login(alice)
    response = client.get(url(judgement))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    html = response.content.decode()
    assert " style=" not in html and " onclick=" not in html and "<script>" not in html


def test_leadership_sees_the_page_with_no_forms(client, maya, judgement):
    client.force_login(maya)
    page = client.get(url(judgement)).content.decode()
    assert judgement.statement in page
    assert "<form" in page  # the log-out form in the header
    assert page.count("<form") == 1
    assert "Edit judgement" not in page and "Retract" not in page


# --- indicators -------------------------------------------------------------------------------


def test_adding_an_indicator_with_htmx_returns_the_workspace_focused_on_the_new_row(
    client, alice, judgement
):
    client.force_login(alice)
    response = client.post(url(judgement, "indicators/"), indicator_post(), headers=HTMX)
    html = response.content.decode()
    indicator = judgement.indicators.get()
    assert response.status_code == 200 and "<html" not in html
    assert f'data-focus-target="indicator-{indicator.pk}"' in html
    assert "Tankers seen loading at Nampo" in html and "Indicator logged." in html
    assert indicator.logged_by == alice and indicator.reliability == "B"


def test_adding_an_indicator_without_js_redirects_back_to_the_row(client, alice, judgement):
    client.force_login(alice)
    response = client.post(url(judgement, "indicators/"), indicator_post())
    indicator = judgement.indicators.get()
    assert response.status_code == 302
    assert response["Location"] == f"{url(judgement)}#indicator-{indicator.pk}"


def test_a_bad_indicator_keeps_the_input_and_focuses_the_errors(client, alice, judgement):
    client.force_login(alice)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    data = indicator_post(observed_on=tomorrow, source_url="javascript:alert(1)")
    html = client.post(url(judgement, "indicators/"), data, headers=HTMX).content.decode()
    assert "An indicator cannot be observed in the future." in html
    assert "Give an http:// or https:// address." in html
    assert "Tankers seen loading at Nampo" in html
    assert 'data-focus-target="add-indicator-errors"' in html
    assert not judgement.indicators.exists()


def test_the_edit_form_comes_inline_and_saving_records_the_change(client, alice, judgement):
    indicator = log(judgement, alice, summary="First wording")
    client.force_login(alice)
    form = client.get(url(judgement, f"indicators/{indicator.pk}/edit/"), headers=HTMX)
    assert "<html" not in form.content.decode() and "First wording" in form.content.decode()
    data = indicator_post(prefix=f"edit-{indicator.pk}", summary="Better wording")
    response = client.post(url(judgement, f"indicators/{indicator.pk}/edit/"), data, headers=HTMX)
    assert "Better wording" in response.content.decode()
    indicator.refresh_from_db()
    assert indicator.summary == "Better wording"
    change = judgement.changes.get(action=ChangeAction.INDICATOR_EDITED)
    assert change.changes[f"indicator {indicator.pk} summary"]["before"] == "First wording"


def test_an_invalid_inline_edit_stays_in_its_row(client, alice, judgement):
    indicator = log(judgement, alice)
    client.force_login(alice)
    data = indicator_post(prefix=f"edit-{indicator.pk}", summary="")
    response = client.post(url(judgement, f"indicators/{indicator.pk}/edit/"), data, headers=HTMX)
    assert response["HX-Retarget"] == f"#indicator-{indicator.pk}"
    assert "This field is required." in response.content.decode()


def test_the_edit_form_works_as_a_page_without_js(client, alice, judgement):
    indicator = log(judgement, alice)
    client.force_login(alice)
    page = client.get(url(judgement, f"indicators/{indicator.pk}/edit/")).content.decode()
    assert "<html" in page and "Save indicator" in page


def test_retracting_keeps_the_indicator_visible_with_its_reason(client, alice, judgement):
    indicator = log(judgement, alice, summary="Wrong ship")
    client.force_login(alice)
    response = client.post(
        url(judgement, f"indicators/{indicator.pk}/retract/"),
        {f"retract-{indicator.pk}-reason": "Misidentified vessel"},
        headers=HTMX,
    )
    html = response.content.decode()
    assert "Wrong ship" in html and "Retracted" in html and "Misidentified vessel" in html
    indicator.refresh_from_db()
    assert indicator.is_retracted and indicator.retracted_by == alice


def test_a_retraction_needs_a_reason(client, alice, judgement):
    indicator = log(judgement, alice)
    client.force_login(alice)
    response = client.post(
        url(judgement, f"indicators/{indicator.pk}/retract/"),
        {f"retract-{indicator.pk}-reason": "  "},
        headers=HTMX,
    )
    assert "This field is required." in response.content.decode()
    indicator.refresh_from_db()
    assert not indicator.is_retracted


def test_the_row_endpoint_gives_the_row_back_for_cancel(client, alice, judgement):
    indicator = log(judgement, alice, summary="Back again")
    client.force_login(alice)
    row = client.get(url(judgement, f"indicators/{indicator.pk}/"), headers=HTMX)
    assert "Back again" in row.content.decode() and "<html" not in row.content.decode()
    plain = client.get(url(judgement, f"indicators/{indicator.pk}/"))
    assert plain.status_code == 302


def test_carols_indicator_on_alices_judgement_can_be_changed_by_lena_not_by_other_analysts(
    client, alice, lena, judgement, east_asia
):
    from judgements.access import Role

    carol = make_user("carol", Role.ANALYST, teams=[east_asia])
    indicator = log(judgement, carol, summary="Carol's")
    other = make_user("dave", Role.ANALYST, teams=[east_asia])
    client.force_login(other)
    assert client.get(url(judgement, f"indicators/{indicator.pk}/edit/")).status_code == 403
    client.force_login(lena)
    assert client.get(url(judgement, f"indicators/{indicator.pk}/edit/")).status_code == 200
    # Not even the owner: evidence against her own judgement is not hers to retract.
    client.force_login(alice)
    assert client.get(url(judgement, f"indicators/{indicator.pk}/edit/")).status_code == 403
    assert client.post(url(judgement, f"indicators/{indicator.pk}/retract/")).status_code == 403


# --- estimates --------------------------------------------------------------------------------


def test_revising_adds_to_the_history_and_moves_the_chart(client, alice, judgement):
    indicator = log(judgement, alice)
    client.force_login(alice)
    before = client.get(url(judgement)).content.decode()
    data = {
        "term": "",
        "percent": "60",
        "confidence": "low",
        "rationale": "Fewer ships",
        "cites": [indicator.pk],
    }
    response = client.post(url(judgement, "estimate/"), data, headers=HTMX)
    html = response.content.decode()
    judgement.refresh_from_db()
    assert judgement.current_estimate.probability == Decimal("0.6")
    assert list(judgement.current_estimate.cites.all()) == [indicator]
    assert "Fewer ships" in html and 'data-focus-target="current-estimate"' in html
    path = lambda page: page.split('class="estimate-line" d="')[1].split('"')[0]  # noqa: E731
    assert path(before) != path(html) and path(html).count("V") == 1


def test_a_revision_needs_a_rationale(client, alice, judgement):
    client.force_login(alice)
    data = {"term": "likely", "percent": "", "confidence": "moderate", "rationale": ""}
    html = client.post(url(judgement, "estimate/"), data, headers=HTMX).content.decode()
    assert "This field is required." in html
    assert 'data-focus-target="revise-errors"' in html
    assert judgement.estimates.count() == 1


def test_an_estimate_after_the_close_is_refused_with_a_clear_message(client, alice, judgement):
    after = dt.datetime.combine(judgement.window_end + dt.timedelta(days=1), dt.time(9))
    with time_machine.travel(timezone.make_aware(after), tick=False):
        client.force_login(alice)
        page = client.get(url(judgement)).content.decode()
        assert (
            "a new estimate would be hindsight" in page and "Revise estimate</button>" not in page
        )
        data = {"term": "likely", "percent": "", "confidence": "moderate", "rationale": "Late"}
        html = client.post(url(judgement, "estimate/"), data, headers=HTMX).content.decode()
    assert "The window has closed, so a new estimate would be hindsight." in html
    assert judgement.estimates.count() == 1


# --- resolution and alerts --------------------------------------------------------------------


def resolve_post(**overrides) -> dict:
    data = {"outcome": "occurred", "occurred_on": "", "note": "Reported by two agencies."}
    data.update(overrides)
    return {f"resolve-{key}": value for key, value in data.items()}


def test_the_owner_resolves_as_occurred_and_the_status_and_history_change(client, alice, judgement):
    client.force_login(alice)
    day = timezone.localdate() - dt.timedelta(days=3)
    response = client.post(
        url(judgement, "resolve/"),
        resolve_post(occurred_on=day.isoformat(), source_url="https://example.org/news"),
        headers=HTMX,
    )
    html = response.content.decode()
    judgement.refresh_from_db()
    assert judgement.status() == Status.RESOLVED
    assert judgement.resolution.occurred_on == day and judgement.resolution.brier is not None
    assert "Resolution recorded." in html and "Brier score" in html
    assert f"Occurred on {day:%Y-%m-%d}" in str(judgement.changes.first().changes)
    assert ">Resolved<" in html


def test_an_occurred_date_outside_the_window_is_refused(client, alice, judgement):
    client.force_login(alice)
    before_window = (judgement.window_start - dt.timedelta(days=1)).isoformat()
    html = client.post(
        url(judgement, "resolve/"), resolve_post(occurred_on=before_window), headers=HTMX
    ).content.decode()
    assert "The date it occurred must lie inside the window" in html
    assert 'data-focus-target="resolve-errors"' in html
    judgement.refresh_from_db()
    assert judgement.resolution is None


def test_did_not_occur_before_the_window_ends_is_refused(client, alice, judgement):
    client.force_login(alice)
    html = client.post(
        url(judgement, "resolve/"), resolve_post(outcome="did_not_occur"), headers=HTMX
    ).content.decode()
    assert "once the window has ended" in html


def test_annulling_is_not_scored(client, alice, judgement):
    client.force_login(alice)
    client.post(url(judgement, "resolve/"), resolve_post(outcome="annulled", note="Broken"))
    judgement.refresh_from_db()
    assert judgement.status() == Status.ANNULLED and judgement.resolution.brier is None
    assert "Annulled: not scored." in client.get(url(judgement)).content.decode()


def test_only_a_lead_re_resolves_and_the_earlier_resolution_stays(client, alice, lena, judgement):
    client.force_login(alice)
    client.post(url(judgement, "resolve/"), resolve_post(outcome="annulled", note="First"))
    again = resolve_post(occurred_on=timezone.localdate().isoformat(), note="Second")
    assert client.post(url(judgement, "resolve/"), again).status_code == 403
    assert "Re-resolve" not in client.get(url(judgement)).content.decode()
    client.force_login(lena)
    assert "Re-resolve</summary>" in client.get(url(judgement)).content.decode()
    client.post(url(judgement, "resolve/"), again)
    judgement.refresh_from_db()
    assert judgement.resolution.outcome == Outcome.OCCURRED
    assert judgement.resolutions.count() == 2
    page = client.get(url(judgement)).content.decode()
    assert "(superseded)" in page and "First" in page and "Re-resolved" in page


def test_the_alerts_panel_lists_each_alert_with_its_state_and_recipients(client, alice, judgement):
    now = timezone.now()
    common = {"judgement": judgement, "window_end": judgement.window_end}
    Alert.objects.create(
        kind="warning", offset_days=-30, due_at=now, sent_at=now, recipients="alice@x.org", **common
    )
    Alert.objects.create(kind="warning", offset_days=-7, due_at=now, skipped_at=now, **common)
    Alert.objects.create(kind="due", offset_days=0, due_at=now, cancelled_at=now, **common)
    Alert.objects.create(kind="overdue", offset_days=7, due_at=now, error="SMTP down", **common)
    Alert.objects.create(kind="escalation", offset_days=14, due_at=now, **common)
    client.force_login(alice)
    page = client.get(url(judgement)).content.decode()
    section = page.split('id="alerts"')[1].split("</section>")[0]
    for text in [
        "Sent",
        "Skipped",
        "Cancelled",
        "Failed, retrying",
        "Pending",
        "alice@x.org",
        "SMTP down",
        "Window ending soon",
        "30 days before",
        "on the day",
        "14 days after",
    ]:
        assert text in section, text


def test_editing_and_retracting_work_without_js(client, alice, judgement):
    indicator = log(judgement, alice, summary="Plain form")
    client.force_login(alice)
    data = indicator_post(prefix=f"edit-{indicator.pk}", summary="Plain form, edited")
    response = client.post(url(judgement, f"indicators/{indicator.pk}/edit/"), data)
    assert response.status_code == 302
    assert response["Location"] == f"{url(judgement)}#indicator-{indicator.pk}"
    page = client.get(url(judgement, f"indicators/{indicator.pk}/retract/")).content.decode()
    assert "<html" in page and "Reason for retracting" in page
    client.post(
        url(judgement, f"indicators/{indicator.pk}/retract/"),
        {f"retract-{indicator.pk}-reason": "Superseded"},
    )
    indicator.refresh_from_db()
    assert indicator.summary == "Plain form, edited" and indicator.is_retracted
    followed = client.get(url(judgement)).content.decode()
    assert "Indicator retracted." in followed  # the message survives the redirect


def test_a_full_page_with_errors_keeps_what_was_typed_without_js(client, alice, judgement):
    client.force_login(alice)
    response = client.post(url(judgement, "indicators/"), indicator_post(summary=""))
    page = response.content.decode()
    assert "<html" in page and "Summary: This field is required." in page
    assert "Commercial imagery" in page


def test_a_stale_filter_value_drops_that_filter_only(client, alice, east_asia, judgement):
    other = make_judgement(alice, east_asia, "Missile test", "0.3", days_ago=100)
    client.force_login(alice)
    page = client.get("/judgements/", {"owner": "nobody", "term": "unlikely"}).content.decode()
    assert other.reference in page and judgement.reference not in page


def test_the_change_history_shows_probabilities_as_percentages(client, alice, judgement):
    workflows.revise_estimate(
        judgement, by=alice, probability=Decimal("0.7"), confidence="moderate", rationale="r"
    )
    client.force_login(alice)
    changes = client.get(url(judgement)).content.decode().split('id="changes"')[1]
    assert "<del>85%</del> → <ins>70%</ins>" in changes


def test_a_long_indicator_log_shows_the_newest_fifty_and_links_to_all(client, alice, judgement):
    import datetime as dt

    from judgements.models import Indicator

    Indicator.objects.bulk_create(
        Indicator(
            judgement=judgement,
            observed_on=judgement.window_start + dt.timedelta(days=i),
            summary=f"Observation number {i}",
            direction="supports",
            logged_by=alice,
        )
        for i in range(60)
    )
    client.force_login(alice)
    page = client.get(judgement.get_absolute_url()).content.decode()
    assert page.count('class="indicator supports') == 50
    assert "Observation number 59</p>" in page and "Observation number 9</p>" not in page
    assert "Show all 60 indicators" in page
    everything = client.get(judgement.get_absolute_url() + "?indicators=all").content.decode()
    assert everything.count('class="indicator supports') == 60
    assert "Show all 60 indicators" not in everything


def test_someone_outside_the_team_cannot_be_made_a_watcher(client, alice, bob, maya, east_asia):
    client.force_login(alice)
    response = client.post(
        "/judgements/new/", new_post(east_asia, owner=alice.pk, watchers=[bob.pk])
    )
    assert response.status_code == 200
    assert not Judgement.objects.exists()
    assert "not one of the available choices" in response.content.decode()
    client.post("/judgements/new/", new_post(east_asia, owner=alice.pk, watchers=[maya.pk]))
    assert list(Judgement.objects.get().watchers.all()) == [maya]


@pytest.mark.parametrize("number", ["NaN", "sNaN", "inf", "abc"])
def test_placement_endpoint_refuses_numbers_that_are_not_numbers(client, alice, number):
    client.force_login(alice)
    response = client.get("/judgements/placement/", {"percent": number, "changed": "percent"})
    assert response.status_code == 200
    assert response.content.decode().strip() == "Give a number from 0 to 100."

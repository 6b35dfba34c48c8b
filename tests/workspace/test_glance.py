"""Issue 12 on the server: the judgement page answers "where does this stand?", the words
mean what a reader thinks, and estimative words in a statement are caught."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from judgements import workflows
from judgements.models import Judgement
from tests.factories import make_judgement, make_user
from tests.workspace.test_views import HTMX, edit_post, log, new_post, url

pytestmark = pytest.mark.django_db


# --- The first screen -------------------------------------------------------------------------


def test_the_balance_shows_the_evidence_an_estimate_rests_on_apart_from_the_news_since(
    client, alice, judgement
):
    cited = [log(judgement, alice, summary=f"Basis {n}") for n in range(3)]
    workflows.revise_estimate(
        judgement,
        by=alice,
        probability=Decimal("0.9"),
        confidence="high",
        rationale="Three reports",
        cites=cited,
    )
    client.force_login(alice)
    page = client.get(url(judgement)).content.decode()
    rests_on = page.split("Evidence it rests on</dt>")[1].split("</dd>")[0]
    assert "▲ 3 for" in rests_on and "▼ 0 against" in rests_on and "3 cited" in rests_on
    news = page.split("News since the estimate</dt>")[1].split("</dd>")[0]
    assert "nothing new" in news

    log(judgement, alice, direction="undermines", summary="Denial")
    page = client.get(url(judgement)).content.decode()
    news = page.split("News since the estimate</dt>")[1].split("</dd>")[0]
    assert "▲ 0 for" in news and "▼ 1 against" in news


def test_a_resolved_judgement_leads_with_outcome_final_estimate_and_score(client, alice, judgement):
    day = timezone.localdate() - dt.timedelta(days=3)
    workflows.resolve(judgement, by=alice, outcome="occurred", occurred_on=day, note="Seen")
    client.force_login(alice)
    page = client.get(url(judgement)).content.decode()
    first = page.split('id="current-estimate"')[1].split("</div>")[0]
    assert "Outcome" in first and "Current estimate" not in first
    assert f'Occurred <span class="outcome-when">on {day.day} {day:%b %Y}</span>' in page
    assert "Final estimate" in page and "85%" in first and "highly likely" in first
    assert "Brier score" in page and "0.023" in page  # (0.85 - 1)² = 0.0225


def test_forms_open_on_demand_and_each_email_target_is_on_the_page(client, alice, judgement):
    client.force_login(alice)
    page = client.get(url(judgement)).content.decode()
    for target in ("log-indicator", "revise", "resolve"):
        assert f'<details class="action-panel" id="{target}">' in page, target
    assert " open>" not in page.split('class="action-bar"')[1].split('class="workspace-grid"')[0]


def test_a_judgement_awaiting_resolution_opens_its_resolve_form(client, alice, east_asia):
    ended = make_judgement(alice, east_asia, "It ended", days_ago=400)
    client.force_login(alice)
    page = client.get(url(ended)).content.decode()
    assert '<details class="action-panel urgent" id="resolve" open>' in page


def test_a_teammate_who_may_not_revise_is_told_who_may(client, alice, east_asia, judgement):
    carol = make_user("carol", "analyst", teams=[east_asia])
    client.force_login(carol)
    page = client.get(url(judgement)).content.decode()
    assert 'id="revise"' in page and 'id="resolve"' in page
    assert "Only Alice (the owner) or a lead of East Asia can revise this estimate." in page
    assert "Revise estimate</button>" not in page


def test_owner_and_team_link_to_their_records_for_whoever_may_read_them(
    client, alice, lena, maya, bob, judgement
):
    for reader, person_link, team_link in (
        (maya, True, True),
        (lena, True, True),
        (alice, True, True),
    ):
        client.force_login(reader)
        page = client.get(url(judgement)).content.decode()
        assert ('href="/track-record/alice/">Alice</a>' in page) is person_link, reader
        assert ('href="/track-record/team/east-asia/">East Asia</a>' in page) is team_link
    other = make_judgement(lena, judgement.team, "Lena's own", days_ago=10)
    client.force_login(alice)
    page = client.get(url(other)).content.decode()
    assert 'href="/track-record/lena/"' not in page  # an analyst reads only her own record
    assert "Owner Lena" in page


# --- Live, open and expiring --------------------------------------------------------------------


def test_live_means_open_or_expiring_and_an_old_open_bookmark_reads_live(client, alice, east_asia):
    far = make_judgement(alice, east_asia, "Ends far ahead", days_ago=10)
    soon = make_judgement(alice, east_asia, "Ends within 30 days", ends_in=10)
    over = make_judgement(alice, east_asia, "Ended", days_ago=400)
    client.force_login(alice)
    for status in ("live", "open"):
        rows = client.get("/judgements/", {"status": status}).context["rows"]
        assert {r.judgement.pk for r in rows} == {far.pk, soon.pk}, status
    rows = client.get("/judgements/", {"status": "expiring"}).context["rows"]
    assert [r.judgement.pk for r in rows] == [soon.pk]
    assert over.pk not in {r.judgement.pk for r in rows}


def test_the_list_leads_with_unresolved_judgements_soonest_first_then_the_resolved(
    client, maya, alice, east_asia
):
    old = make_judgement(
        alice,
        east_asia,
        "Resolved long ago",
        window_start=dt.date(2011, 1, 1),
        window_end=dt.date(2011, 12, 31),
    )
    workflows.resolve(old, by=alice, outcome="did_not_occur")
    late = make_judgement(alice, east_asia, "Live, ends late", days_ago=10)
    soon = make_judgement(alice, east_asia, "Live, ends soon", ends_in=5)
    overdue = make_judgement(alice, east_asia, "Awaiting resolution", days_ago=400)
    client.force_login(maya)
    rows = client.get("/judgements/").context["rows"]
    assert [r.judgement.pk for r in rows] == [overdue.pk, soon.pk, late.pk, old.pk]


# --- Estimative words in the statement -----------------------------------------------------------


def test_creating_with_a_statement_whose_words_disagree_warns_and_offers_the_bare_proposition(
    client, alice, east_asia
):
    client.force_login(alice)
    data = new_post(
        east_asia,
        statement="Japan is likely to expel two diplomats.",
        term="",
        percent="45",
        owner=alice.pk,
    )
    response = client.post("/judgements/new/", data)
    page = response.content.decode()
    assert response.status_code == 200 and not Judgement.objects.exists()
    assert "The statement itself says &#x27;likely&#x27; (55–75%" in page
    assert "Japan will expel two diplomats." in page
    assert 'name="wording" value="bare"' in page and 'name="wording" value="keep"' in page

    response = client.post("/judgements/new/", {**data, "wording": "bare"})
    judgement = Judgement.objects.get()
    assert response.status_code == 302
    assert judgement.statement == "Japan will expel two diplomats."
    assert judgement.current_estimate.probability == Decimal("0.45")


def test_keeping_the_wording_is_the_analysts_call(client, alice, east_asia):
    client.force_login(alice)
    data = new_post(
        east_asia,
        statement="Japan is likely to expel two diplomats.",
        term="",
        percent="45",
        owner=alice.pk,
    )
    assert client.post("/judgements/new/", {**data, "wording": "keep"}).status_code == 302
    assert Judgement.objects.get().statement == "Japan is likely to expel two diplomats."


def test_words_that_agree_with_the_number_pass_without_a_question(client, alice, east_asia):
    client.force_login(alice)
    data = new_post(
        east_asia,
        statement="Japan is likely to expel two diplomats.",
        term="",
        percent="65",
        owner=alice.pk,
    )
    assert client.post("/judgements/new/", data).status_code == 302


def test_revising_to_a_number_the_statement_contradicts_offers_to_reword_it(
    client, alice, east_asia
):
    judgement = make_judgement(
        alice, east_asia, "Japan is likely to expel two diplomats.", "0.65", days_ago=10
    )
    client.force_login(alice)
    data = {"term": "", "percent": "45", "confidence": "moderate", "rationale": "Less now"}
    page = client.post(url(judgement, "estimate/"), data, headers=HTMX).content.decode()
    assert "Revise and use the bare proposition" in page and "Revise, keep the wording" in page
    assert judgement.estimates.count() == 1

    client.post(url(judgement, "estimate/"), {**data, "wording": "bare"}, headers=HTMX)
    judgement.refresh_from_db()
    assert judgement.current_estimate.probability == Decimal("0.45")
    assert judgement.statement == "Japan will expel two diplomats."
    assert judgement.changes.filter(action="edited").exists()


def test_editing_the_statement_into_disagreement_is_caught_too(client, alice, judgement):
    client.force_login(alice)
    data = edit_post(judgement, statement="North Korea will probably not conduct such activity.")
    page = client.post(url(judgement, "edit/"), data).content.decode()
    assert "Check the wording." in page
    judgement.refresh_from_db()
    assert judgement.statement != data["statement"]


def test_the_placement_answer_carries_the_wording_warning_out_of_band(client, alice):
    client.force_login(alice)
    page = client.get(
        "/judgements/placement/",
        {"changed": "percent", "term": "", "percent": "30", "statement": "X is likely to Y."},
    ).content.decode()
    assert '<div id="wording" class="wording" aria-live="polite" hx-swap-oob="true">' in page
    assert 'Bare proposition: <q class="bare">X will Y.</q>' in page
    quiet = client.get(
        "/judgements/placement/",
        {"changed": "statement", "term": "", "percent": "65", "statement": "X is likely to Y."},
    ).content.decode()
    assert "Check the wording" not in quiet


def test_the_page_says_when_the_statement_contradicts_the_current_estimate(
    client, alice, east_asia
):
    judgement = make_judgement(
        alice, east_asia, "Japan is likely to expel two diplomats.", "0.30", days_ago=10
    )
    client.force_login(alice)
    page = client.get(url(judgement)).content.decode()
    assert "The statement itself says ‘likely’ (55–75%), but the estimate is 30%." in page


# --- The same words everywhere -----------------------------------------------------------------


def test_the_change_history_reads_names_days_and_leaves_out_what_did_not_change(
    client, alice, lena, judgement
):
    workflows.revise_estimate(
        judgement, by=alice, probability=Decimal("0.7"), confidence="moderate", rationale="r"
    )
    workflows.edit_judgement(judgement, by=lena, owner=lena, window_end=dt.date(2030, 1, 31))
    client.force_login(lena)
    history = client.get(url(judgement)).content.decode().split('id="changes"')[1]
    assert "<del>85%</del> → <ins>70%</ins>" in history
    assert "Confidence" not in history  # moderate → moderate is no change
    assert "<del>Alice</del> → <ins>Lena</ins>" in history
    assert "<ins>31 Jan 2030</ins>" in history and "2030-01-31" not in history

"""Signposts and freshness on the pages: who may do what through every door, the forms, the
list filter, the dashboard panel and the Import report review."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from judgements import workflows
from judgements.access import Role
from judgements.models import ChangeAction, Direction, Judgement, Signpost, SignpostState
from tests.factories import make_judgement, make_user
from tests.reports.test_views import CREATE, extract_sample, review_fields

NOW = dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def stale(alice, east_asia):
    """Alice's judgement, its estimate 100 days old, with one signpost waiting."""
    judgement = make_judgement(alice, east_asia, days_ago=100)
    workflows.add_signpost(
        judgement, by=alice, text="Tankers queue at Nampo", direction=Direction.SUPPORTS
    )
    return judgement


def page(client, user, judgement):
    client.force_login(user)
    return client.get(judgement.get_absolute_url()).content.decode()


def test_the_first_screen_says_when_it_is_due_and_why(client, alice, stale):
    html = page(client, alice, stale)
    assert "Due for a look" in html
    assert "100 days since the last estimate" in html
    assert "Still 85%, looked at today" in html
    assert html.index('id="look"') < html.index('id="current-estimate"')


def test_a_fresh_estimate_says_when_it_will_be_due(client, alice, east_asia):
    judgement = make_judgement(alice, east_asia)
    html = page(client, alice, judgement)
    due = (timezone.now() + dt.timedelta(days=90)).strftime("%-d %b %Y")
    assert f"Next look due by {due}" in html


def test_alice_reaffirms_from_the_page(client, alice, stale):
    client.force_login(alice)
    response = client.post(
        f"/judgements/{stale.reference}/reaffirm/", {"reaffirm-rationale": "Nothing moved."}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#current-estimate")
    stale.refresh_from_db()
    assert stale.estimates.count() == 2
    assert stale.changes.first().action == ChangeAction.ESTIMATE_REAFFIRMED
    assert "Estimate is fresh" in client.get(stale.get_absolute_url()).content.decode()


def test_reaffirming_without_a_rationale_says_so(client, alice, stale):
    client.force_login(alice)
    response = client.post(f"/judgements/{stale.reference}/reaffirm/", {"reaffirm-rationale": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert stale.estimates.count() == 1


@pytest.mark.parametrize(
    ("who", "status"), [("bob", 403), ("maya", 403), ("lena", 302), ("alice", 302)]
)
def test_who_may_reaffirm(client, request, who, status, stale, lena, maya, bob):
    client.force_login(request.getfixturevalue(who))
    response = client.post(f"/judgements/{stale.reference}/reaffirm/", {"reaffirm-rationale": "x"})
    assert response.status_code == status


def test_reaffirm_and_signpost_doors_answer_404_and_405(client, alice, stale):
    client.force_login(alice)
    assert client.post("/judgements/KJ-NOPE/reaffirm/", {}).status_code == 404
    assert client.get(f"/judgements/{stale.reference}/reaffirm/").status_code == 405
    assert client.get(f"/judgements/{stale.reference}/signposts/").status_code == 405
    assert client.get(f"/judgements/{stale.reference}/signposts/999/edit/").status_code == 404


def test_alice_adds_edits_sees_and_withdraws_signposts(client, alice, stale):
    client.force_login(alice)
    url = f"/judgements/{stale.reference}/signposts/"
    expected = (TODAY + dt.timedelta(days=30)).isoformat()
    response = client.post(
        url,
        {
            "signpost-text": "A second inspection",
            "signpost-direction": "undermines",
            "signpost-expected_by": expected,
        },
    )
    signpost = Signpost.objects.get(text="A second inspection")
    assert response["Location"].endswith(f"#signpost-{signpost.pk}")
    edit = f"{url}{signpost.pk}/edit/"
    assert "A second inspection" in client.get(edit).content.decode()
    client.post(
        edit,
        {
            f"signpost-{signpost.pk}-text": "A second customs inspection",
            f"signpost-{signpost.pk}-direction": "undermines",
            f"signpost-{signpost.pk}-expected_by": expected,
        },
    )
    signpost.refresh_from_db()
    assert signpost.text == "A second customs inspection"
    indicator = workflows.log_indicator(
        stale, by=alice, observed_on=TODAY, summary="Inspectors arrive.", direction="undermines"
    )
    client.post(f"{url}{signpost.pk}/seen/", {f"see-{signpost.pk}-indicator": indicator.pk})
    signpost.refresh_from_db()
    assert (signpost.state(), signpost.seen_indicator) == (SignpostState.SEEN, indicator)
    client.post(f"{url}{signpost.pk}/withdraw/", {f"withdraw-{signpost.pk}-reason": "Wrong."})
    signpost.refresh_from_db()
    assert signpost.state() == SignpostState.WITHDRAWN
    html = client.get(stale.get_absolute_url()).content.decode()
    assert "Withdrawn by Alice" in html and "Wrong." in html


def test_a_bad_signpost_comes_back_with_its_error(client, alice, stale):
    client.force_login(alice)
    response = client.post(
        f"/judgements/{stale.reference}/signposts/",
        {
            "signpost-text": "Too late",
            "signpost-direction": "supports",
            "signpost-expected_by": (TODAY - dt.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "give an expected-by day that has not passed" in response.content.decode()
    assert not Signpost.objects.filter(text="Too late").exists()


@pytest.mark.parametrize("who", ["bob", "maya"])
def test_outsiders_and_leadership_cannot_change_signposts(client, request, who, stale, maya, bob):
    signpost = stale.signposts.get()
    client.force_login(request.getfixturevalue(who))
    base = f"/judgements/{stale.reference}/signposts/"
    data = {"signpost-text": "x", "signpost-direction": "supports"}
    assert client.post(base, data).status_code == 403
    for door in ("edit", "withdraw", "seen"):
        assert client.get(f"{base}{signpost.pk}/{door}/").status_code == 403
    assert Signpost.objects.count() == 1


def test_a_team_member_who_is_not_the_owner_cannot_change_signposts(client, stale, east_asia):
    carol = make_user("carol", Role.ANALYST, teams=[east_asia])
    client.force_login(carol)
    assert "Add a signpost" not in client.get(stale.get_absolute_url()).content.decode()
    signpost = stale.signposts.get()
    url = f"/judgements/{stale.reference}/signposts/{signpost.pk}/withdraw/"
    assert client.post(url, {f"withdraw-{signpost.pk}-reason": "no"}).status_code == 403


def test_a_team_member_links_the_indicator_they_log_to_a_signpost(client, stale, east_asia):
    carol = make_user("carol", Role.ANALYST, teams=[east_asia])
    signpost = stale.signposts.get()
    client.force_login(carol)
    html = client.get(stale.get_absolute_url()).content.decode()
    assert "Shows a signpost" in html
    response = client.post(
        f"/judgements/{stale.reference}/indicators/",
        {
            "indicator-observed_on": TODAY.isoformat(),
            "indicator-direction": "supports",
            "indicator-strength": "strong",
            "indicator-summary": "Six tankers queued at Nampo.",
            "indicator-reliability": "B",
            "indicator-credibility": "2",
            "indicator-signpost": signpost.pk,
        },
    )
    assert response.status_code == 302
    signpost.refresh_from_db()
    assert signpost.seen_indicator.summary == "Six tankers queued at Nampo."
    html = client.get(stale.get_absolute_url()).content.decode()
    assert "signpost seen (supports it): Tankers queue at Nampo" in html
    assert 'class="signpost-mark seen supports"' in html


def test_the_new_judgement_form_takes_signposts(client, alice, east_asia):
    client.force_login(alice)
    assert "Signposts (optional)" in client.get("/judgements/new/").content.decode()
    data = {
        "statement": "The port reopens",
        "team": east_asia.pk,
        "owner": alice.pk,
        "window_start": TODAY.isoformat(),
        "percent": "65",
        "confidence": "moderate",
        "signpost-0-text": "Dredgers arrive",
        "signpost-0-direction": "supports",
        "signpost-0-expected_by": (TODAY + dt.timedelta(days=60)).isoformat(),
        "signpost-1-text": "",
        "signpost-2-text": "Insurers withdraw cover",
        "signpost-2-direction": "undermines",
    }
    response = client.post("/judgements/new/", data)
    judgement = Judgement.objects.get(statement="The port reopens")
    assert response.status_code == 302
    assert [(s.text, s.direction, s.expected_by) for s in judgement.signposts.all()] == [
        ("Dredgers arrive", "supports", TODAY + dt.timedelta(days=60)),
        ("Insurers withdraw cover", "undermines", None),
    ]
    assert judgement.look_due_at == judgement.signposts.first().lapse_at()


def test_a_bad_signpost_row_keeps_the_whole_new_judgement_back(client, alice, east_asia):
    client.force_login(alice)
    data = {
        "statement": "Nothing half-written",
        "team": east_asia.pk,
        "owner": alice.pk,
        "window_start": TODAY.isoformat(),
        "percent": "65",
        "confidence": "moderate",
        "signpost-0-text": "After the window",
        "signpost-0-direction": "supports",
        "signpost-0-expected_by": (TODAY + dt.timedelta(days=800)).isoformat(),
    }
    response = client.post("/judgements/new/", data)
    assert response.status_code == 200
    assert "inside the judgement" in response.content.decode()
    assert not Judgement.objects.exists()


def test_the_list_filters_judgements_due_for_a_look_and_says_why(client, alice, stale, east_asia):
    fresh = make_judgement(alice, east_asia, "A fresh one.")
    client.force_login(alice)
    html = client.get("/judgements/?look=due").content.decode()
    assert stale.reference in html and fresh.reference not in html
    assert "100 days since the last estimate" in html
    every = client.get("/judgements/").content.decode()
    assert fresh.reference in every and every.count("Due for a look</span>") == 1


def test_the_dashboard_panel_counts_by_team_and_lists_the_longest_due_first(
    client, maya, alice, bob, east_asia, cyber
):
    older = make_judgement(alice, east_asia, "Older.", days_ago=200)
    newer = make_judgement(alice, east_asia, "Newer.", days_ago=95)
    make_judgement(bob, cyber, "Cyber stale.", days_ago=120)
    make_judgement(bob, cyber, "Cyber fresh.", days_ago=10)
    client.force_login(maya)
    html = client.get("/dashboard/").content.decode()
    panel = html[html.index('id="due-for-a-look"') :]
    panel = panel[: panel.index("</section>")]
    assert '<a href="/judgements/?look=due"><strong>3</strong> live judgements due' in panel
    assert "Cyber: 1 · East Asia: 2" in panel
    assert panel.index(older.reference) < panel.index(newer.reference)
    only = client.get("/dashboard/?team=cyber").content.decode()
    assert '/judgements/?look=due&amp;team=cyber"><strong>1</strong> live judgement due' in only


def test_the_import_report_review_takes_signposts_per_candidate(client, alice, east_asia):
    client.force_login(alice)
    data = review_fields(extract_sample(client, east_asia).content.decode())
    assert "kj-0-signposts" in data
    data["kj-0-signposts"] = "+ Front companies seized by 2026-09-01\n- Remittances stop"
    response = client.post(CREATE, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    judgement = Judgement.objects.order_by("pk").first()
    assert [(s.text, s.direction) for s in judgement.signposts.all()] == [
        ("Front companies seized", "supports"),
        ("Remittances stop", "undermines"),
    ]


def test_a_bad_signpost_line_is_named_in_the_review(client, alice, east_asia):
    client.force_login(alice)
    data = review_fields(extract_sample(client, east_asia).content.decode())
    data["kj-0-signposts"] = "Front companies seized"
    response = client.post(CREATE, data)
    assert response.status_code == 400
    assert "Line 1: start with + (supports)" in response.content.decode()
    assert not Judgement.objects.exists()


def test_the_revised_number_is_not_needed_to_reaffirm(alice, stale):
    estimate = workflows.reaffirm(stale, by=alice, rationale="Same.")
    assert estimate.probability == Decimal("0.85")

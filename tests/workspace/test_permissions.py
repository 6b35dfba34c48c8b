"""Every workspace view, fragments included: 403 for the wrong role or team, 404 for an unknown
reference, 405 for the wrong method, and what each role may do. Never a 500."""

import datetime as dt

import pytest
from django.utils import timezone

from judgements import workflows
from judgements.models import Judgement

HTMX = {"HX-Request": "true"}


@pytest.fixture
def indicator(judgement, alice):
    return workflows.log_indicator(
        judgement,
        by=alice,
        observed_on=timezone.localdate(),
        summary="Tankers",
        direction="supports",
        strength="moderate",
    )


# (name, method allowed, path template); {ref} and {pk} are filled in.
VIEWS = [
    ("detail", "GET", "/judgements/{ref}/"),
    ("edit", "GET", "/judgements/{ref}/edit/"),
    ("revise", "POST", "/judgements/{ref}/estimate/"),
    ("resolve", "POST", "/judgements/{ref}/resolve/"),
    ("indicator-add", "POST", "/judgements/{ref}/indicators/"),
    ("indicator-row", "GET", "/judgements/{ref}/indicators/{pk}/"),
    ("indicator-edit", "GET", "/judgements/{ref}/indicators/{pk}/edit/"),
    ("indicator-retract", "GET", "/judgements/{ref}/indicators/{pk}/retract/"),
]

# Who gets 403 from which view on alice's judgement (everything else is allowed).
FORBIDDEN = {
    "bob": {name for name, _, _ in VIEWS},  # another team: not even the page
    "maya": {"edit", "revise", "resolve", "indicator-add", "indicator-edit", "indicator-retract"},
    "carol": {"edit", "revise", "resolve", "indicator-edit", "indicator-retract"},
    "alice": set(),
    "lena": set(),
}


@pytest.fixture
def carol(east_asia):
    """Another analyst in East Asia: logs indicators, but cannot change alice's judgement."""
    from judgements.access import Role
    from tests.factories import make_user

    return make_user("carol", Role.ANALYST, teams=[east_asia])


def call(client, method, path, **kwargs):
    return client.get(path, **kwargs) if method == "GET" else client.post(path, {}, **kwargs)


@pytest.mark.parametrize("who", sorted(FORBIDDEN))
@pytest.mark.parametrize("name,method,template", VIEWS, ids=[v[0] for v in VIEWS])
def test_each_role_gets_403_exactly_where_it_should(
    request_fixture, client, judgement, indicator, who, name, method, template
):
    user = request_fixture.getfixturevalue(who)
    client.force_login(user)
    path = template.format(ref=judgement.reference, pk=indicator.pk)
    for headers in ({}, HTMX):
        response = call(client, method, path, headers=headers)
        if name in FORBIDDEN[who]:
            assert response.status_code == 403, (who, name)
        else:
            assert response.status_code in (200, 302), (who, name, response.status_code)


@pytest.fixture
def request_fixture(request):
    return request


@pytest.mark.parametrize("name,method,template", VIEWS, ids=[v[0] for v in VIEWS])
def test_unknown_reference_is_404(client, alice, indicator, name, method, template):
    client.force_login(alice)
    path = template.format(ref="KJ-1999-0001", pk=indicator.pk)
    assert call(client, method, path).status_code == 404


@pytest.mark.parametrize(
    "template",
    [t for _, _, t in VIEWS if "{pk}" in t],
)
def test_an_indicator_of_another_judgement_is_404(client, alice, east_asia, indicator, template):
    other = workflows.create_judgement(
        by=alice, statement="Another", team=east_asia, owner=alice, probability=0.5
    )
    client.force_login(alice)
    method = "GET"
    assert (
        call(client, method, template.format(ref=other.reference, pk=indicator.pk)).status_code
        == 404
    )


@pytest.mark.parametrize(
    "method,template",
    [
        ("POST", "/judgements/"),
        ("PUT", "/judgements/new/"),
        ("POST", "/judgements/placement/"),
        ("POST", "/judgements/{ref}/"),
        ("DELETE", "/judgements/{ref}/edit/"),
        ("GET", "/judgements/{ref}/estimate/"),
        ("GET", "/judgements/{ref}/resolve/"),
        ("GET", "/judgements/{ref}/indicators/"),
        ("POST", "/judgements/{ref}/indicators/{pk}/"),
        ("PUT", "/judgements/{ref}/indicators/{pk}/edit/"),
        ("DELETE", "/judgements/{ref}/indicators/{pk}/retract/"),
    ],
)
def test_wrong_method_is_405(client, alice, judgement, indicator, method, template):
    client.force_login(alice)
    path = template.format(ref=judgement.reference, pk=indicator.pk)
    response = client.generic(method, path)
    assert response.status_code == 405


@pytest.mark.parametrize(
    "path", ["/judgements/", "/judgements/new/", "/judgements/placement/?percent=5"]
)
def test_anonymous_users_are_sent_to_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_anonymous_cannot_post_an_indicator(client, judgement):
    response = client.post(f"/judgements/{judgement.reference}/indicators/", {})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not judgement.indicators.exists()


def test_leadership_cannot_open_the_new_judgement_form(client, maya):
    client.force_login(maya)
    assert client.get("/judgements/new/").status_code == 403


def test_bob_cannot_create_a_judgement_in_east_asia(client, bob, east_asia):
    client.force_login(bob)
    data = {"statement": "x", "team": east_asia.pk, "owner": bob.pk, "term": "likely"}
    data |= {"window_start": "2026-01-01", "confidence": "moderate"}
    response = client.post("/judgements/new/", data)
    assert response.status_code == 200 and not Judgement.objects.exists()


def test_bob_cannot_log_indicator_on_alices_team(client, bob, judgement):
    client.force_login(bob)
    data = {
        "indicator-observed_on": timezone.localdate().isoformat(),
        "indicator-direction": "supports",
        "indicator-strength": "weak",
        "indicator-summary": "Sneaky",
        "indicator-reliability": "F",
        "indicator-credibility": "6",
    }
    response = client.post(f"/judgements/{judgement.reference}/indicators/", data, headers=HTMX)
    assert response.status_code == 403 and not judgement.indicators.exists()


def test_a_retracted_indicator_cannot_be_edited(client, alice, judgement, indicator):
    workflows.retract_indicator(indicator, by=alice, reason="Wrong")
    client.force_login(alice)
    path = f"/judgements/{judgement.reference}/indicators/{indicator.pk}/edit/"
    assert client.get(path).status_code == 403


def test_retracting_twice_says_so_instead_of_failing(client, alice, judgement, indicator):
    client.force_login(alice)
    path = f"/judgements/{judgement.reference}/indicators/{indicator.pk}/retract/"
    client.post(path, {f"retract-{indicator.pk}-reason": "Wrong"})
    response = client.post(path, {f"retract-{indicator.pk}-reason": "Again"}, headers=HTMX)
    assert response.status_code == 200
    assert "already retracted" in response.content.decode()


def test_garbage_input_never_yields_a_500(client, alice, judgement, indicator):
    client.force_login(alice)
    ref = judgement.reference
    garbage = {"percent": "1e999", "term": "<b>", "page": "-3", "assessment": "abc", "cites": "x"}
    garbage |= {"resolve-outcome": "maybe", "resolve-occurred_on": "2026-02-31", "status": "z"}
    for path in [
        "/judgements/",
        "/judgements/placement/",
        f"/judgements/{ref}/estimate/",
        f"/judgements/{ref}/resolve/",
        f"/judgements/{ref}/indicators/",
    ]:
        assert client.get(path, garbage).status_code in (200, 405)
        assert client.post(path, garbage, headers=HTMX).status_code in (200, 405)
    later = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert client.get("/judgements/placement/", {"percent": later}).status_code == 200


@pytest.mark.parametrize(
    "template",
    [
        "/judgements/new/",
        "/judgements/{ref}/edit/",
        "/judgements/{ref}/estimate/",
        "/judgements/{ref}/resolve/",
        "/judgements/{ref}/indicators/",
        "/judgements/{ref}/indicators/{pk}/edit/",
        "/judgements/{ref}/indicators/{pk}/retract/",
    ],
)
def test_every_change_needs_the_csrf_token(alice, judgement, indicator, template):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    path = template.format(ref=judgement.reference, pk=indicator.pk)
    data = {f"retract-{indicator.pk}-reason": "Wrong", "resolve-outcome": "annulled"}
    assert client.post(path, data, headers=HTMX).status_code == 403
    indicator.refresh_from_db()
    judgement.refresh_from_db()
    assert not indicator.is_retracted and judgement.resolution is None


def test_the_htmx_csrf_header_is_accepted(alice, judgement, indicator):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    page = client.get(f"/judgements/{judgement.reference}/").content.decode()
    token = page.split('"x-csrftoken": "')[1].split('"')[0]
    path = f"/judgements/{judgement.reference}/indicators/{indicator.pk}/retract/"
    data = {f"retract-{indicator.pk}-reason": "Wrong"}
    response = client.post(path, data, headers={**HTMX, "X-CSRFToken": token})
    assert response.status_code == 200
    indicator.refresh_from_db()
    assert indicator.is_retracted


def test_the_new_judgement_link_shows_only_to_people_who_can_create(client, alice, maya):
    from judgements.access import Role
    from tests.factories import make_user

    admin_without_team = make_user("ada", Role.ADMIN)
    for user, shown in ((alice, True), (maya, False), (admin_without_team, False)):
        client.force_login(user)
        nav = client.get("/judgements/").content.decode().split("</nav>")[0]
        assert ("/judgements/new/" in nav) is shown, user


def test_edit_and_retract_show_on_exactly_the_indicators_the_user_may_change(
    client, alice, carol, lena, maya, judgement, indicator
):
    workflows.log_indicator(
        judgement,
        by=carol,
        observed_on=timezone.localdate(),
        summary="Carol's sighting",
        direction="undermines",
        strength="weak",
    )
    ref = judgement.reference
    for user in (alice, carol, lena, maya):
        client.force_login(user)
        response = client.get(f"/judgements/{ref}/")
        page = response.content.decode()
        for row in response.context["indicator_rows"]:
            pk = row.indicator.pk
            edit = f"/judgements/{ref}/indicators/{pk}/edit/"
            allowed = client.get(edit).status_code == 200
            assert row.changeable is allowed, (user.username, row.indicator.summary)
            assert (edit in page) is allowed
            fragment = client.get(f"/judgements/{ref}/indicators/{pk}/", headers=HTMX)
            assert (edit in fragment.content.decode()) is allowed

"""Watchers can mute a judgement's alerts: POST judgements/<reference>/mute/ toggles it."""

import pytest

from judgements import workflows
from judgements.access import Role
from judgements.models import Watch
from tests.factories import make_user


@pytest.fixture
def carol(east_asia):
    """Analyst in East Asia who watches alice's judgement."""
    return make_user("carol", Role.ANALYST, teams=[east_asia])


@pytest.fixture
def watched(judgement, alice, carol):
    workflows.set_watchers(judgement, by=alice, users=[carol])
    return judgement


def url(judgement) -> str:
    return f"/judgements/{judgement.reference}/mute/"


def test_a_watcher_mutes_and_unmutes_with_htmx(client, watched, carol):
    client.force_login(carol)
    response = client.post(url(watched), headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "Unmute alerts" in html and "muted for you" in html
    assert Watch.objects.get(judgement=watched, user=carol).muted is True
    response = client.post(url(watched), headers={"HX-Request": "true"})
    assert "Mute alerts" in response.content.decode()
    assert Watch.objects.get(judgement=watched, user=carol).muted is False


def test_muting_without_javascript_redirects_back_to_the_judgement(client, watched, carol):
    client.force_login(carol)
    response = client.post(url(watched))
    assert response.status_code == 302
    assert response.url == f"/judgements/{watched.reference}/"
    assert Watch.objects.get(judgement=watched, user=carol).muted is True


def test_the_owner_cannot_mute_alerts_for_her_own_judgement(client, watched, alice):
    client.force_login(alice)
    assert client.post(url(watched)).status_code == 403


def test_bob_who_does_not_watch_it_cannot_mute_it(client, watched, bob):
    client.force_login(bob)
    assert client.post(url(watched)).status_code == 403


def test_muting_an_unknown_judgement_is_404(client, carol):
    client.force_login(carol)
    assert client.post("/judgements/KJ-1999-0001/mute/").status_code == 404


def test_mute_only_accepts_post(client, watched, carol):
    client.force_login(carol)
    assert client.get(url(watched)).status_code == 405


def test_mute_needs_login(client, watched):
    response = client.post(url(watched))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert Watch.objects.get(judgement=watched).muted is False


def test_a_watcher_finds_the_mute_button_on_the_judgement_page(client, judgement, lena):
    Watch.objects.create(judgement=judgement, user=lena)
    client.force_login(lena)
    page = client.get(judgement.get_absolute_url()).content.decode()
    assert f'action="/judgements/{judgement.reference}/mute/"' in page
    assert "Mute alerts" in page


def test_leadership_watching_a_judgement_mutes_its_own_alerts(client, judgement, alice, maya):
    """Leadership changes no judgement, but its alerts are its own: muting them is allowed
    (docs/design.md §1.2), like any watcher's."""
    workflows.set_watchers(judgement, by=alice, users=[maya])
    client.force_login(maya)
    response = client.post(url(judgement))
    assert response.status_code == 302
    assert Watch.objects.get(judgement=judgement, user=maya).muted
    assert "Unmute" in client.get(f"/judgements/{judgement.reference}/").content.decode()


def test_two_clicks_at_once_cancel_out(watched, carol):
    """The toggle flips the stored value in SQL, so it never acts on a stale read."""
    watch = Watch.objects.get(judgement=watched, user=carol)
    stale = Watch.objects.get(pk=watch.pk)
    workflows.toggle_mute(watch)
    workflows.toggle_mute(stale)
    assert not Watch.objects.get(pk=watch.pk).muted

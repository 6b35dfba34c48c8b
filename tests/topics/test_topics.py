"""Topics (issue 15): the vocabulary, who manages it, filing, filters and topic pages."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from judgements import workflows
from judgements.access import Role
from judgements.models import Assessment, ChangeAction, Judgement, Topic
from judgements.workspace.forms import JudgementEditForm, JudgementForm
from tests.factories import make_judgement, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def korea(db):
    return Topic.objects.create(name="North Korea", slug="north-korea", kind="region")


@pytest.fixture
def missiles(db):
    return Topic.objects.create(name="Missiles", slug="missiles")


@pytest.fixture
def report(east_asia, korea):
    assessment = Assessment.objects.create(
        title="Korea outlook", published_on=dt.date(2026, 1, 1), team=east_asia
    )
    assessment.topics.set([korea])
    return assessment


@pytest.fixture
def admin_user(db):
    return make_user("ada", Role.ADMIN)


# --- Who manages the vocabulary ----------------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "maya", "bob"])
def test_analysts_and_leadership_cannot_add_or_change_topics(client, request, who, missiles):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/topics/new/").status_code == 403
    assert client.post("/topics/new/", {"name": "Russia", "kind": "region"}).status_code == 403
    assert (
        client.post("/topics/missiles/edit/", {"name": "X", "kind": "subject"}).status_code == 403
    )
    assert not Topic.objects.filter(name__in=["Russia", "X"]).exists()
    assert "Add a topic" not in client.get("/topics/").content.decode()


@pytest.mark.parametrize("who", ["lena", "admin_user"])
def test_leads_and_admins_add_rename_and_retire_topics(client, request, who, missiles):
    client.force_login(request.getfixturevalue(who))
    assert "Add a topic" in client.get("/topics/").content.decode()
    response = client.post("/topics/new/", {"name": "  Russia ", "kind": "region"})
    russia = Topic.objects.get(name="Russia")
    assert response.url == "/topics/russia/" and russia.kind == "region"
    client.post(
        "/topics/missiles/edit/",
        {"name": "Missile programmes", "kind": "subject", "retired": "on"},
    )
    missiles.refresh_from_db()
    # Renamed and retired; its address stays, so links and bookmarks keep working.
    assert (missiles.name, missiles.slug, missiles.retired) == (
        "Missile programmes",
        "missiles",
        True,
    )


def test_a_topic_name_is_unique_ignoring_case_and_needs_a_letter(client, lena, korea):
    client.force_login(lena)
    html = client.post("/topics/new/", {"name": "north korea", "kind": "region"}).content.decode()
    assert "There is already a topic named North Korea." in html
    html = client.post("/topics/new/", {"name": "!!!", "kind": "region"}).content.decode()
    assert "Use at least one letter or digit in the name." in html
    assert Topic.objects.count() == 1


def test_a_topic_named_new_does_not_hide_the_form(client, lena):
    client.force_login(lena)
    client.post("/topics/new/", {"name": "New", "kind": "subject"})
    topic = Topic.objects.get(name="New")
    assert topic.slug == "new-2"
    assert client.get("/topics/new-2/").status_code == 200


def test_topic_pages_refuse_wrong_methods_unknown_topics_and_anonymous_users(client, alice, korea):
    assert client.get("/topics/north-korea/").status_code == 302  # to the login page
    client.force_login(alice)
    assert client.get("/topics/nowhere/").status_code == 404
    assert client.post("/topics/north-korea/").status_code == 405
    assert client.get("/topics/nowhere/edit/").status_code == 404


def test_topics_cannot_be_deleted_in_the_admin(client, admin_user, korea):
    admin_user.is_staff = True
    admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    assert client.get(f"/admin/judgements/topic/{korea.pk}/delete/").status_code == 403
    assert client.get("/admin/judgements/topic/add/").status_code == 200


# --- Filing judgements and assessments -----------------------------------------------------


def test_a_judgement_carries_its_own_topics_and_its_assessments(alice, east_asia, report, missiles):
    judgement = make_judgement(alice, east_asia, "Launch", "0.7", days_ago=10)
    judgement.assessment = report
    judgement.save()
    workflows.set_topics(judgement, by=alice, topics=[missiles])
    assert [t.name for t in judgement.all_topics()] == ["Missiles", "North Korea"]
    change = judgement.changes.first()
    assert change.action == ChangeAction.EDITED
    assert change.changes["topics"] == {"before": "none", "after": "Missiles"}
    # Its own topic also on the assessment: listed once, found once.
    workflows.set_topics(judgement, by=alice, topics=[missiles, report.topics.get()])
    assert len(judgement.all_topics()) == 2
    assert Judgement.objects.on_topic(report.topics.get()).count() == 1


def test_the_owner_files_a_judgement_on_the_edit_form(client, alice, judgement, missiles):
    client.force_login(alice)
    page = client.get(f"/judgements/{judgement.reference}/edit/").content.decode()
    assert "Missiles (subject)" in page
    data = {
        "version": judgement.version,  # the version the form was read at (docs/design.md §2.12)
        "statement": judgement.statement,
        "window_start": judgement.window_start.isoformat(),
        "window_end": judgement.window_end.isoformat(),
        "owner": alice.pk,
        "topics": [missiles.pk],
    }
    client.post(f"/judgements/{judgement.reference}/edit/", data)
    assert list(judgement.topics.all()) == [missiles]
    page = client.get(f"/judgements/{judgement.reference}/").content.decode()
    assert 'href="/topics/missiles/"' in page


def test_a_retired_topic_is_not_offered_but_stays_where_it_was_given(alice, judgement, missiles):
    Topic.objects.create(name="Old", slug="old", retired=True)
    kept = Topic.objects.create(name="Kept", slug="kept", retired=True)
    judgement.topics.set([kept])
    offered = {t.name for t in JudgementForm(user=alice).fields["topics"].queryset}
    assert offered == {"Missiles"}
    editing = JudgementEditForm(judgement=judgement, user=alice).fields["topics"].queryset
    assert {t.name for t in editing} == {"Missiles", "Kept"}


def test_a_new_judgement_is_created_with_its_topics(client, alice, east_asia, missiles):
    client.force_login(alice)
    response = client.post(
        "/judgements/new/",
        {
            "statement": "Pyongyang will launch a satellite",
            "team": east_asia.pk,
            "owner": alice.pk,
            "window_start": "2026-01-01",
            "percent": "70",
            "confidence": "moderate",
            "topics": [missiles.pk],
        },
    )
    assert response.status_code == 302
    judgement = Judgement.objects.get(statement="Pyongyang will launch a satellite")
    assert list(judgement.topics.all()) == [missiles]
    assert judgement.changes.get().changes["topics"] == {"before": None, "after": "Missiles"}


def test_a_lead_files_an_assessment_and_every_judgement_records_it(
    client, alice, lena, east_asia, report, missiles
):
    judgement = make_judgement(alice, east_asia, "Launch", "0.7", days_ago=10)
    Judgement.objects.filter(pk=judgement.pk).update(assessment=report)
    url = f"/assessments/{report.pk}/topics/"
    client.force_login(alice)
    assert (
        "Change the assessment's topics"
        not in client.get(f"/assessments/{report.pk}/").content.decode()
    )
    assert client.post(url, {"topics": [missiles.pk]}).status_code == 403
    client.force_login(lena)
    assert client.get(url).status_code == 405
    client.post(url, {"topics": [missiles.pk]})
    assert list(report.topics.all()) == [missiles]
    change = judgement.changes.first()
    assert change.changes["assessment topics"] == {"before": "North Korea", "after": "Missiles"}
    page = client.get(f"/assessments/{report.pk}/").content.decode()
    assert 'href="/topics/missiles/"' in page


def test_bob_cannot_file_another_teams_assessment(client, bob, report, missiles):
    client.force_login(bob)
    assert (
        client.post(f"/assessments/{report.pk}/topics/", {"topics": [missiles.pk]}).status_code
        == 403
    )


# --- Filters and topic pages ---------------------------------------------------------------


def files(alice, east_asia, report, missiles):
    """Three judgements: one on Missiles itself, one through the Korea assessment, one on
    neither; and one of Bob's team on Missiles that Alice cannot see."""
    own = make_judgement(alice, east_asia, "Own topic", "0.7", days_ago=10)
    own.topics.set([missiles])
    inherited = make_judgement(alice, east_asia, "Inherited topic", "0.7", days_ago=10)
    Judgement.objects.filter(pk=inherited.pk).update(assessment=report)
    make_judgement(alice, east_asia, "No topic", "0.7", days_ago=10)
    return own, inherited


def test_the_list_filters_by_topic_own_or_inherited(
    client, alice, east_asia, report, missiles, korea
):
    own, inherited = files(alice, east_asia, report, missiles)
    client.force_login(alice)
    listed = client.get("/judgements/?topic=missiles").context["page"].object_list
    assert [j.reference for j in listed] == [own.reference]
    listed = client.get("/judgements/?topic=north-korea").context["page"].object_list
    assert [j.reference for j in listed] == [inherited.reference]
    # An unknown topic drops that filter only.
    assert client.get("/judgements/?topic=atlantis").context["page"].paginator.count == 3


def test_the_topic_page_lists_what_the_viewer_may_see_and_its_scores(
    client, alice, bob, cyber, east_asia, report, missiles
):
    files(alice, east_asia, report, missiles)
    hidden = make_judgement(bob, cyber, "Bob's", "0.2", days_ago=400, length=30)
    hidden.topics.set([missiles])
    workflows.resolve(hidden, by=bob, outcome="did_not_occur", note="No")
    client.force_login(alice)
    response = client.get("/topics/missiles/")
    assert response.context["judgement_count"] == 1
    assert response.context["card"].resolved == 0  # Bob's resolved one is not Alice's to see
    html = response.content.decode()
    assert f'href="{reverse("judgement-list")}?topic=missiles"' in html
    client.force_login(bob)
    assert client.get("/topics/missiles/").context["card"].resolved == 1


def test_a_user_without_a_role_sees_the_topic_but_no_scores(client, east_asia, missiles):
    nobody = User.objects.create_user("nora", password="x")
    east_asia.members.add(nobody)
    client.force_login(nobody)
    response = client.get("/topics/missiles/")
    assert response.status_code == 200 and "card" not in response.context

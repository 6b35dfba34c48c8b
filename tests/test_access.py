"""The roles matrix of docs/design.md §1, checked one cell at a time."""

import pytest

from judgements import access
from judgements.access import Role

pytestmark = pytest.mark.django_db


def test_each_person_has_the_role_of_their_group(alice, lena, maya, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    assert access.role_of(alice) == Role.ANALYST
    assert access.role_of(lena) == Role.LEAD
    assert access.role_of(maya) == Role.LEADERSHIP
    assert access.role_of(root) == Role.ADMIN


def test_alice_sees_and_changes_her_own_judgement(alice, judgement):
    assert access.can_view(alice, judgement)
    assert access.can_edit(alice, judgement)
    assert access.can_log_indicator(alice, judgement)
    assert not access.can_reassign(alice, judgement)
    assert not access.can_reresolve(alice, judgement)


def test_bob_cannot_see_or_change_alices_team(bob, judgement):
    assert not access.can_view(bob, judgement)
    assert not access.can_edit(bob, judgement)
    assert not access.can_log_indicator(bob, judgement)
    assert list(access.visible_judgements(bob)) == []


def test_a_teammate_logs_indicators_but_does_not_edit_alices_judgement(east_asia, judgement):
    from tests.factories import make_user

    carol = make_user("carol", Role.ANALYST, teams=[east_asia])
    assert access.can_log_indicator(carol, judgement)
    assert not access.can_edit(carol, judgement)


def test_lena_changes_anything_in_her_team(lena, judgement):
    assert access.can_edit(lena, judgement)
    assert access.can_reassign(lena, judgement)
    assert access.can_reresolve(lena, judgement)


def test_maya_reads_everything_and_changes_nothing(maya, judgement):
    assert access.can_view(maya, judgement)
    assert list(access.visible_judgements(maya)) == [judgement]
    assert not access.can_edit(maya, judgement)
    assert not access.can_log_indicator(maya, judgement)
    assert not access.can_create_in(maya, judgement.team_id)


def test_a_user_without_a_role_changes_nothing(django_user_model, east_asia, judgement):
    nobody = django_user_model.objects.create_user("nobody", password="x")
    east_asia.members.add(nobody)
    assert access.can_view(nobody, judgement)
    assert not access.can_log_indicator(nobody, judgement)


def test_the_sql_form_of_can_view_agrees_with_can_view(alice, bob, lena, maya, judgement):
    from django.contrib.auth.models import User

    seen_by = set(
        User.objects.filter(access.viewers_of([judgement.team_id])).values_list("pk", flat=True)
    )
    for person in (alice, bob, lena, maya):
        assert (person.pk in seen_by) == access.can_view(person, judgement), person.username

"""The Django admin changes judgements only through the workflows: history and alerts follow."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User

from judgements import workflows
from judgements.models import ChangeAction, ChangeRecord, Judgement, Notice, Signpost

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, db):
    admin = User.objects.create_superuser("root", "root@example.org", "pw-root")
    client.force_login(admin)
    return client


def change_form(judgement: Judgement, **overrides) -> dict:
    data = {
        "read_version": judgement.version,
        "statement": judgement.statement,
        "resolution_criteria": judgement.resolution_criteria,
        "assessment": "",
        "owner": judgement.owner_id,
        "window_start": judgement.window_start.isoformat(),
        "window_end": judgement.window_end.isoformat(),
        # The read-only inlines still post their management forms.
        **{
            f"{prefix}-{key}": value
            for prefix in ("watch_set", "estimates", "resolutions")
            for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
        },
        **overrides,
    }
    return data


def test_moving_the_window_in_the_admin_records_it_and_rearms_the_alerts(admin_client, judgement):
    new_end = judgement.window_end + dt.timedelta(days=60)
    armed_before = judgement.next_alert_at
    response = admin_client.post(
        f"/admin/judgements/judgement/{judgement.pk}/change/",
        change_form(judgement, window_end=new_end.isoformat()),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    judgement.refresh_from_db()
    assert judgement.window_end == new_end
    assert judgement.next_alert_at == armed_before + dt.timedelta(days=60)
    change = ChangeRecord.objects.filter(judgement=judgement).first()
    assert change.action == ChangeAction.WINDOW_CHANGED
    assert change.actor.username == "root"
    assert change.changes["window_end"]["after"] == new_end.isoformat()


def test_the_admin_refuses_a_backwards_window_with_the_apps_message(admin_client, judgement):
    before = judgement.window_start - dt.timedelta(days=1)
    response = admin_client.post(
        f"/admin/judgements/judgement/{judgement.pk}/change/",
        change_form(judgement, window_end=before.isoformat()),
    )
    assert response.status_code == 200
    assert "The window must end after it starts." in response.content.decode()
    judgement.refresh_from_db()
    assert judgement.window_end != before


def test_the_admin_cannot_change_a_team_or_add_or_delete_a_judgement(admin_client, judgement):
    page = admin_client.get(f"/admin/judgements/judgement/{judgement.pk}/change/")
    assert 'name="team"' not in page.content.decode()
    assert admin_client.get("/admin/judgements/judgement/add/").status_code == 403
    delete = f"/admin/judgements/judgement/{judgement.pk}/delete/"
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Judgement.objects.filter(pk=judgement.pk).exists()


def test_signposts_and_notices_are_read_only_in_the_admin(admin_client, judgement, alice):
    signpost = workflows.add_signpost(judgement, by=alice, text="A", direction="supports")
    Notice.objects.create(kind="nudge", dedupe_key="nudge:1:age", due_at=judgement.created_at)
    for model in (Signpost, Notice):
        url = f"/admin/judgements/{model._meta.model_name}/"
        assert admin_client.get(url).status_code == 200
        assert admin_client.get(f"{url}add/").status_code == 403
    change = f"/admin/judgements/signpost/{signpost.pk}/change/"
    admin_client.post(change, {"text": "Changed"})
    signpost.refresh_from_db()
    assert signpost.text == "A"


def test_an_admin_edit_over_a_newer_version_is_refused_with_what_changed(
    admin_client, judgement, alice
):
    opened = change_form(judgement, statement="Admin's wording")
    workflows.edit_judgement(judgement, by=alice, resolution_criteria="Alice's criteria")
    response = admin_client.post(f"/admin/judgements/judgement/{judgement.pk}/change/", opened)
    page = response.content.decode()
    assert response.status_code == 200
    assert "changed by someone else since you opened it" in page
    assert "Alice&#x27;s criteria" in page and "by alice" in page
    judgement.refresh_from_db()
    assert judgement.statement != "Admin's wording"
    # Re-shown with alice's criteria (a field the admin left alone) and the admin's wording.
    assert re.search(r'<textarea name="resolution_criteria"[^>]*>\s*Alice&#x27;s criteria', page)
    assert re.search(r'<textarea name="statement"[^>]*>\s*Admin&#x27;s wording', page)
    again = admin_client.post(
        f"/admin/judgements/judgement/{judgement.pk}/change/",
        {**opened, "resolution_criteria": "Alice's criteria", "read_version": judgement.version},
    )
    assert again.status_code == 302
    judgement.refresh_from_db()
    assert (judgement.statement, judgement.resolution_criteria) == (
        "Admin's wording",
        "Alice's criteria",
    )

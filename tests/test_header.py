"""The header offers only the doors a user may go through: a door it hides answers 403."""

import pytest

from judgements import access
from judgements.access import Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def doors(user) -> dict[str, str]:
    found = {
        "Dashboard": "/dashboard/",
        "Import report": "/judgements/extract/",
        "New judgement": "/judgements/new/",
        "People": "/people/",
    }
    # Leadership and admins read everyone's record from People; they own nothing to score.
    if access.role_of(user) not in (Role.LEADERSHIP, Role.ADMIN):
        found["Track record"] = f"/track-record/{user.username}/"
    return found


def main_nav(client) -> str:
    page = client.get("/judgements/").content.decode()
    return page.split('<nav aria-label="Main">', 1)[1].split("</nav>", 1)[0]


@pytest.fixture
def nobody(django_user_model):
    """Logged in, but given no role and no team yet."""
    return django_user_model.objects.create_user("nobody", password="pw-nobody")


@pytest.fixture
def teamless_admin(db):
    """An admin in no team: sees everything, creates nothing."""
    return make_user("ada", Role.ADMIN)


def test_a_user_with_no_role_and_no_team_is_shown_no_door_they_cannot_open(client, nobody):
    client.force_login(nobody)
    nav = main_nav(client)
    for label, url in doors(nobody).items():
        assert label not in nav
        assert client.get(url).status_code == 403, url
    assert "Judgements" in nav


def test_an_analyst_sees_import_report_and_new_judgement(client, alice):
    client.force_login(alice)
    nav = main_nav(client)
    assert "Import report" in nav and "New judgement" in nav and "Track record" in nav
    assert "Dashboard" not in nav
    assert client.get("/judgements/extract/").status_code == 200
    assert client.get("/judgements/new/").status_code == 200
    assert client.get("/dashboard/").status_code == 403


@pytest.mark.parametrize("who", ["alice", "bob", "lena", "maya", "nobody", "teamless_admin"])
def test_every_door_in_the_header_opens_and_every_hidden_one_is_locked(client, request, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    nav = main_nav(client)
    for label, url in doors(user).items():
        opens = client.get(url).status_code == 200
        assert (label in nav) is opens, (who, label)


def test_leadership_is_offered_people_and_teams_instead_of_an_empty_record_of_their_own(
    client, maya
):
    client.force_login(maya)
    nav = main_nav(client)
    assert "People" in nav and "Track record" not in nav


@pytest.mark.parametrize(
    ("who", "lands"), [("alice", "/judgements/"), ("lena", "/dashboard/"), ("maya", "/dashboard/")]
)
def test_each_role_lands_where_its_work_is(client, request, who, lands):
    user = request.getfixturevalue(who)
    response = client.post("/accounts/login/", {"username": user.username, "password": f"pw-{who}"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/")["Location"] == lands

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_alice_logs_in_and_lands_on_the_judgement_list(page, alice, judgement):
    page.goto("/judgements/")
    assert "/accounts/login/" in page.url
    log_in(page, "alice")
    assert page.url.endswith("/judgements/")
    assert page.get_by_role("link", name=judgement.statement).is_visible()


def test_a_wrong_password_says_so_and_stays_on_the_login_page(page, alice):
    log_in_page = page.goto("/accounts/login/")
    assert log_in_page.ok
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").is_visible()
    assert "/accounts/login/" in page.url

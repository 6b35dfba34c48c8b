"""Every link in every email lands on its target (issue 12): the page each recipient opens
has the section the link's fragment names, and the email reads like the page."""

import re
from html.parser import HTMLParser

import pytest
from django.core import mail

from judgements.access import Role
from judgements.expiry import emails, sending
from judgements.expiry import scan as scanning
from judgements.models import Watch
from tests.expiry.test_alerts import NOW, at, frozen, queued, scan_and_send  # noqa: F401
from tests.factories import make_judgement, make_user

pytestmark = pytest.mark.django_db


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a" and dict(attrs).get("href"):
            self.found.append(dict(attrs)["href"])


def links_of(message) -> list[str]:
    parser = Links()
    parser.feed(message.alternatives[0].content)
    text_links = re.findall(r"https?://\S+", message.body)
    assert set(text_links) <= set(parser.found), "the text and HTML emails link alike"
    return parser.found


def ids_on(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


@pytest.fixture
def watched(alice, lena, east_asia):
    carol = make_user("carol", Role.ANALYST, teams=[east_asia])
    judgement = make_judgement(alice, east_asia, ends_in=-15)  # overdue: an escalation
    Watch.objects.create(judgement=judgement, user=carol)
    return judgement, carol


def test_each_link_of_an_alert_lands_on_its_section_for_every_recipient(
    client,
    alice,
    lena,
    watched,
    queued,  # noqa: F811
):
    judgement, carol = watched
    scan_and_send(NOW, queued)
    message = mail.outbox[0]
    assert set(message.to + message.cc) == {
        "alice@example.org",
        "carol@example.org",
        "lena@example.org",
    }
    links = links_of(message)
    page = f"http://testserver{judgement.get_absolute_url()}"
    assert {f"{page}#resolve", f"{page}#log-indicator", f"{page}#revise"} <= set(links)
    for reader in (alice, carol, lena):
        client.force_login(reader)
        for link in links:
            path, _, fragment = link.removeprefix("http://testserver").partition("#")
            response = client.get(path)
            assert response.status_code == 200, (reader, link)
            if fragment:
                assert fragment in ids_on(response.content.decode()), (reader.username, link)


def test_the_alert_reads_the_estimate_and_time_left_as_the_page_does(
    client,
    alice,
    watched,
    queued,  # noqa: F811
):
    judgement, _ = watched
    scan_and_send(NOW, queued)
    html = mail.outbox[0].alternatives[0].content
    client.force_login(alice)
    page = client.get(judgement.get_absolute_url()).content.decode()
    for words in ("85%", "highly likely", "band 80–90%", "Awaiting resolution", "Resolve it"):
        assert words in html, words
    assert "Awaiting resolution" in page and "band 80–90%" in page
    assert 'style="display:inline-block;background:#0b5cad' in html  # a button, not a bare link


def test_the_digest_links_land_on_pages_leadership_can_open(client, maya, watched, queued):  # noqa: F811
    digest = scanning.queue_digest(now=at(0, hour=8), enqueue=lambda ids: None)
    assert sending.send_digest(digest.pk, now=at(0, hour=8)) == "sent"
    message = mail.outbox[-1]
    client.force_login(maya)
    for link in links_of(message):
        assert client.get(link.removeprefix("http://testserver")).status_code == 200, link


def test_links_point_at_the_sections_the_page_names():
    assert emails.LINK_TARGETS == {
        "resolve": "resolve",
        "indicators": "log-indicator",
        "revise": "revise",
    }

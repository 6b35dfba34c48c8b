"""Import report: permissions, the review page, and creation in one transaction."""

import datetime as dt
import io
import json
from html.parser import HTMLParser

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfWriter

from judgements.demo.loader import SAMPLE
from judgements.models import (
    Assessment,
    ChangeAction,
    ChangeRecord,
    Estimate,
    Indicator,
    Judgement,
)
from judgements.reports import views as extract_views

pytestmark = pytest.mark.django_db

EXTRACT = reverse("extract-report")
CREATE = reverse("extract-create")
SAMPLE_TEXT = SAMPLE.read_text(encoding="utf-8")


class _FormFields(HTMLParser):
    """What a browser would submit from the review form (checked radios, selected options)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            if attrs.get("type") in ("radio", "checkbox") and "checked" not in attrs:
                return
            self.fields.setdefault(name, attrs.get("value") or "")
        elif tag == "textarea":
            self._textarea = name
            self.fields[name] = ""
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value") or ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            self.fields[self._textarea] = self.fields[self._textarea].removeprefix("\n")
            self._textarea = None
        elif tag == "select":
            self._select = None


def review_fields(html: str) -> dict[str, str]:
    parser = _FormFields()
    parser.feed(html.split(f'action="{CREATE}"', 1)[1].split("</form>", 1)[0])
    return parser.fields


def extract_sample(client, team, **extra):
    data = {"team": team.pk, "published_on": "2026-01-05", "text": SAMPLE_TEXT, **extra}
    return client.post(EXTRACT, data)


# --- Permissions and methods ------------------------------------------------------------------


def test_alice_sees_the_import_form_for_her_team(client, alice, east_asia):
    client.force_login(alice)
    response = client.get(EXTRACT)
    assert response.status_code == 200
    assert b"Paste the report" in response.content and b"East Asia" in response.content


def test_leadership_cannot_import(client, maya):
    client.force_login(maya)
    assert client.get(EXTRACT).status_code == 403
    assert client.post(CREATE, {}).status_code == 403


def test_bob_cannot_import_into_alices_team(client, bob, east_asia):
    client.force_login(bob)
    assert extract_sample(client, east_asia).status_code == 403
    assert client.post(CREATE, {"assessment-team": east_asia.pk}).status_code == 403


def test_create_only_accepts_post_and_extract_refuses_put(client, alice):
    client.force_login(alice)
    assert client.get(CREATE).status_code == 405
    assert client.put(EXTRACT).status_code == 405


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(EXTRACT)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- Reading the report ------------------------------------------------------------------------


def test_pasting_the_sample_shows_its_three_candidates_highlighted(client, alice, east_asia):
    client.force_login(alice)
    response = extract_sample(client, east_asia)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="card candidate') == 3
    assert "<mark>highly likely</mark>" in html and "<mark>the next 12 months</mark>" in html
    fields = review_fields(html)
    assert fields["assessment-title"] == "North Korean clandestine activities against Japan"
    assert [fields[f"kj-{i}-term"] for i in range(3)] == ["highly likely", "likely", "likely"]
    assert fields["kj-0-probability"] == "85" and fields["kj-0-window_end"] == "2027-01-05"
    assert fields["kj-2-indicators"].count("[source]") == 4


def test_htmx_gets_the_review_as_a_fragment(client, alice, east_asia):
    client.force_login(alice)
    data = {"team": east_asia.pk, "published_on": "2026-01-05", "text": SAMPLE_TEXT}
    response = client.post(EXTRACT, data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert b"<html" not in response.content and b'id="workspace"' in response.content


def test_an_empty_form_says_what_to_do_and_keeps_the_choices(client, alice, east_asia):
    client.force_login(alice)
    response = client.post(EXTRACT, {"team": east_asia.pk, "published_on": "2026-01-05"})
    assert response.status_code == 400
    assert b"Paste the report&#x27;s text or choose a file to upload." in response.content


def test_a_scanned_pdf_is_refused_with_a_clear_message(client, alice, east_asia):
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    buffer.seek(0)
    buffer.name = "scan.pdf"
    client.force_login(alice)
    data = {"team": east_asia.pk, "published_on": "2026-01-05", "upload": buffer}
    response = client.post(EXTRACT, data)
    assert response.status_code == 400
    assert b"This PDF has no text layer" in response.content


def test_an_upload_over_the_limit_is_refused(client, alice, east_asia, settings):
    settings.YARDSTICK_IMPORT_MAX_BYTES = 1024
    upload = io.BytesIO(SAMPLE_TEXT.encode())
    upload.name = "report.txt"
    client.force_login(alice)
    data = {"team": east_asia.pk, "published_on": "2026-01-05", "upload": upload}
    response = client.post(EXTRACT, data)
    assert response.status_code == 400 and b"the limit is 1 KB" in response.content


def test_an_uploaded_text_file_is_read_like_pasted_text(client, alice, east_asia):
    upload = io.BytesIO(SAMPLE_TEXT.encode())
    upload.name = "north-korea-japan.txt"
    client.force_login(alice)
    data = {"team": east_asia.pk, "published_on": "2026-01-05", "upload": upload}
    fields = review_fields(client.post(EXTRACT, data).content.decode())
    assert fields["kj-TOTAL_FORMS"] == "3"
    assert fields["assessment-source"] == "north-korea-japan.txt"


# --- Creating -----------------------------------------------------------------------------------


def test_creating_makes_the_assessment_judgements_estimates_and_indicators(
    client, alice, east_asia
):
    client.force_login(alice)
    fields = review_fields(extract_sample(client, east_asia).content.decode())
    fields["kj-1-probability"] = "70"
    response = client.post(CREATE, fields)
    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment-detail", args=[assessment.pk])
    judgements = list(assessment.judgements.order_by("reference"))
    assert [str(j.current_estimate.probability) for j in judgements] == [
        "0.8500",
        "0.7000",
        "0.6500",
    ]
    assert {(j.window_start, j.window_end) for j in judgements} == {
        (dt.date(2026, 1, 5), dt.date(2027, 1, 5))
    }
    assert [j.indicators.count() for j in judgements] == [3, 3, 2]
    indicator = judgements[0].indicators.order_by("pk").first()
    assert indicator.source == "[source]" and "[source]" not in indicator.summary
    assert "Key Judgement 1" in judgements[0].current_estimate.rationale
    assert ChangeRecord.objects.filter(action=ChangeAction.CREATED).count() == 3
    assert ChangeRecord.objects.filter(action=ChangeAction.INDICATOR_LOGGED).count() == 8


def test_rejected_candidates_are_not_created(client, alice, east_asia):
    client.force_login(alice)
    fields = review_fields(extract_sample(client, east_asia).content.decode())
    fields["kj-0-decision"] = "reject"
    fields["kj-0-window_end"] = ""  # a rejected candidate need not be valid
    client.post(CREATE, fields)
    assert Judgement.objects.count() == 2


def test_rejecting_everything_creates_nothing_and_says_so(client, alice, east_asia):
    client.force_login(alice)
    fields = review_fields(extract_sample(client, east_asia).content.decode())
    for i in range(3):
        fields[f"kj-{i}-decision"] = "reject"
    response = client.post(CREATE, fields)
    assert response.status_code == 400
    assert b"Accept at least one judgement" in response.content
    assert Assessment.objects.count() == 0


def test_an_accepted_candidate_without_term_or_number_is_sent_back_with_everything_kept(
    client, alice, east_asia
):
    client.force_login(alice)
    fields = review_fields(extract_sample(client, east_asia).content.decode())
    fields["kj-2-term"], fields["kj-2-probability"] = "", ""
    fields["kj-0-statement"] = "Edited statement that must survive."
    response = client.post(CREATE, fields)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Give a number or choose a term, or reject it." in html
    assert "Edited statement that must survive." in html
    assert "<mark>highly likely</mark>" in html
    assert Judgement.objects.count() == 0


def test_a_window_that_ends_before_it_starts_is_refused(client, alice, east_asia):
    client.force_login(alice)
    fields = review_fields(extract_sample(client, east_asia).content.decode())
    fields["kj-0-window_end"] = "2025-12-31"
    response = client.post(CREATE, fields)
    assert b"The window must end after it starts." in response.content
    assert Judgement.objects.count() == 0


def test_a_term_fills_in_its_midpoint_when_the_number_is_cleared(client, alice, east_asia):
    client.force_login(alice)
    fields = review_fields(extract_sample(client, east_asia).content.decode())
    fields["kj-0-probability"], fields["kj-0-term"] = "", "almost certain"
    client.post(CREATE, fields)
    first = Judgement.objects.order_by("reference").first()
    assert str(first.current_estimate.probability) == "0.9750"


def test_a_failure_half_way_creates_nothing(client, alice, east_asia, monkeypatch):
    client.force_login(alice)
    fields = review_fields(extract_sample(client, east_asia).content.decode())
    calls = []

    def failing_create(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:  # two judgements and their indicators are written by now
            raise RuntimeError("disk full")
        return original(*args, **kwargs)

    original = extract_views.workflows.create_judgement
    monkeypatch.setattr(extract_views.workflows, "create_judgement", failing_create)
    client.raise_request_exception = True
    with pytest.raises(RuntimeError):
        client.post(CREATE, fields)
    counts = [m.objects.count() for m in (Assessment, Judgement, Estimate, Indicator)]
    assert counts == [0, 0, 0, 0]


# --- Assessment page ----------------------------------------------------------------------------


@pytest.fixture
def imported(client, alice, east_asia) -> Assessment:
    client.force_login(alice)
    client.post(CREATE, review_fields(extract_sample(client, east_asia).content.decode()))
    return Assessment.objects.get()


def test_the_assessment_page_lists_its_judgements(client, imported):
    response = client.get(reverse("assessment-detail", args=[imported.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "North Korean clandestine activities against Japan" in html
    for judgement in imported.judgements.all():
        assert judgement.reference in html
    assert "highly likely" in html and "85%" in html


def test_bob_cannot_see_alices_assessment_but_leadership_can(client, imported, bob, maya):
    url = reverse("assessment-detail", args=[imported.pk])
    client.force_login(bob)
    assert client.get(url).status_code == 403
    client.force_login(maya)
    assert client.get(url).status_code == 200


def test_a_missing_assessment_is_404(client, alice):
    client.force_login(alice)
    assert client.get(reverse("assessment-detail", args=[999])).status_code == 404


def test_the_assessment_page_keeps_a_constant_number_of_queries(
    client, imported, alice, django_assert_max_num_queries
):
    url = reverse("assessment-detail", args=[imported.pk])
    with django_assert_max_num_queries(8):
        client.get(url)
    fields = review_fields(extract_sample(client, imported.team).content.decode())
    for i in range(3):
        fields[f"kj-{i}-decision"] = "accept"
    client.post(CREATE, fields)
    Judgement.objects.filter(assessment__isnull=False).update(assessment=imported)
    assert imported.judgements.count() == 6
    with django_assert_max_num_queries(8):
        client.get(url)


# --- Command --------------------------------------------------------------------------------------


def test_the_command_prints_the_samples_candidates_as_json(capsys):
    call_command("extract_judgements", str(SAMPLE), "--published", "2026-01-05", "--json")
    candidates = json.loads(capsys.readouterr().out)
    assert [c["term"] for c in candidates] == ["highly likely", "likely", "likely"]
    assert {c["window_end"] for c in candidates} == {"2027-01-05"}
    assert [len(c["indicators"]) for c in candidates] == [3, 3, 2]
    assert candidates[0]["indicators"][0]["source"] == "[source]"
    assert not any(c["needs_review"] for c in candidates)
    assert set(candidates[0]) >= {
        "statement", "sentence", "term", "scale", "probability", "window_start",
        "window_end", "needs_review", "indicators",
    }  # fmt: skip


def test_the_command_forces_a_scale(capsys):
    call_command("extract_judgements", str(SAMPLE), "--published", "2026-01-05", "--scale", "nato")
    candidates = json.loads(capsys.readouterr().out)
    assert {c["scale"] for c in candidates} == {"nato"}
    assert [c["probability"] for c in candidates] == [0.95, 0.75, 0.75]


def test_the_command_explains_bad_input(tmp_path):
    with pytest.raises(CommandError, match="cannot read the file"):
        call_command("extract_judgements", str(tmp_path / "missing.txt"))
    with pytest.raises(CommandError, match="is not a date like"):
        call_command("extract_judgements", str(SAMPLE), "--published", "5 Jan")
    scan = tmp_path / "scan.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    with scan.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(CommandError, match="no text layer"):
        call_command("extract_judgements", str(scan))


def test_tampered_review_fields_get_clear_errors_not_a_500(client, alice, east_asia):
    client.force_login(alice)
    fields = review_fields(extract_sample(client, east_asia).content.decode())
    fields["kj-0-term"] = "certain-ish"
    fields["kj-1-probability"] = "250"
    fields["assessment-scale"] = "astrology"
    response = client.post(CREATE, fields)
    html = response.content.decode()
    assert response.status_code == 400
    assert "&#x27;certain-ish&#x27; is not a term on the UK Probability Yardstick (PHIA)." in html
    assert "Ensure this value is less than or equal to 100." in html
    assert client.post(CREATE, {"assessment-team": east_asia.pk}).status_code == 400
    assert Judgement.objects.count() == 0


def test_a_report_without_estimative_words_says_so(client, alice, east_asia):
    client.force_login(alice)
    data = {"team": east_asia.pk, "published_on": "2026-01-05", "text": "Troops moved north."}
    response = client.post(EXTRACT, data)
    assert response.status_code == 200
    assert b"No sentence with estimative words" in response.content


def test_a_huge_report_shows_the_first_candidates_and_says_so(
    client, alice, east_asia, monkeypatch
):
    monkeypatch.setattr(extract_views, "MAX_CANDIDATES", 2)
    client.force_login(alice)
    data = {"team": east_asia.pk, "published_on": "2026-01-05", "text": SAMPLE_TEXT}
    response = client.post(EXTRACT, data, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.count('class="card candidate') == 2
    assert "The report has 3 candidates; the first 2 are shown" in html


def test_a_full_review_page_can_be_submitted_within_djangos_field_limit(client, alice, east_asia):
    text = "\n\n".join(
        f"Unit {n} is likely to move in the next {n % 11 + 1} months." for n in range(100)
    )
    client.force_login(alice)
    data = {"team": east_asia.pk, "published_on": "2026-01-05", "text": text}
    fields = review_fields(client.post(EXTRACT, data).content.decode())
    assert fields["kj-TOTAL_FORMS"] == str(extract_views.MAX_CANDIDATES)
    for n in range(1, extract_views.MAX_CANDIDATES):
        fields[f"kj-{n}-decision"] = "reject"  # creating 80 would only slow the suite
    response = client.post(CREATE, fields)
    assert response.status_code == 302
    assert Judgement.objects.count() == 1


# --- Term and number: the workspace's rule on every candidate --------------------------------


def candidate_html(html: str, index: int) -> str:
    return html.split('<article class="card candidate')[index + 1].split("</article>", 1)[0]


def test_a_changed_term_with_the_untouched_number_is_refused_on_that_candidate(
    client, alice, east_asia
):
    client.force_login(alice)
    fields = review_fields(extract_sample(client, east_asia).content.decode())
    assert fields["kj-1-probability"] == "65"  # pre-filled from the term the report used
    fields["kj-1-term"] = "highly likely"
    response = client.post(CREATE, fields)
    html = response.content.decode()
    assert response.status_code == 400
    message = (
        "65% is not highly likely, which is 80–90% on the UK Probability Yardstick (PHIA); "
        "65% is likely. Change the number or the term."
    )
    assert message in candidate_html(html, 1)
    assert message not in candidate_html(html, 0) + candidate_html(html, 2)
    assert Judgement.objects.count() == 0


def test_a_term_alone_fills_in_its_midpoint(client, alice, east_asia):
    client.force_login(alice)
    fields = review_fields(extract_sample(client, east_asia).content.decode())
    fields["kj-1-term"], fields["kj-1-probability"] = "highly likely", ""
    assert client.post(CREATE, fields).status_code == 302
    second = Judgement.objects.order_by("reference")[1]
    assert str(second.current_estimate.probability) == "0.8500"
    assert "(highly likely on the UK Probability Yardstick" in second.current_estimate.rationale


def test_a_number_alone_names_its_term(client, alice, east_asia):
    client.force_login(alice)
    fields = review_fields(extract_sample(client, east_asia).content.decode())
    fields["kj-1-term"], fields["kj-1-probability"] = "", "82"
    assert client.post(CREATE, fields).status_code == 302
    second = Judgement.objects.order_by("reference")[1]
    assert str(second.current_estimate.probability) == "0.8200"
    assert "(highly likely on the UK Probability Yardstick" in second.current_estimate.rationale


def test_a_term_and_a_number_that_agree_create_the_number(client, alice, east_asia):
    client.force_login(alice)
    fields = review_fields(extract_sample(client, east_asia).content.decode())
    fields["kj-1-term"], fields["kj-1-probability"] = "highly likely", "88"
    assert client.post(CREATE, fields).status_code == 302
    second = Judgement.objects.order_by("reference")[1]
    assert str(second.current_estimate.probability) == "0.8800"


def test_the_review_page_keeps_term_and_number_in_step_with_htmx(client, alice, east_asia):
    client.force_login(alice)
    html = extract_sample(client, east_asia).content.decode()
    second = candidate_html(html, 1)
    placement = reverse("extract-placement")
    assert second.count(f'hx-get="{placement}"') == 2  # on the term and on the number
    assert 'hx-target="#kj-1-placement"' in second and 'id="kj-1-placement"' in second
    assert "65% — likely (band 55–75%)" in second


PLACEMENT = reverse("extract-placement")


def test_picking_a_term_on_the_review_page_fills_in_its_midpoint(client, alice):
    client.force_login(alice)
    query = {"prefix": "kj-1", "scale": "phia", "changed": "term"}
    query |= {"kj-1-term": "highly likely", "kj-1-probability": "65"}
    page = client.get(PLACEMENT, query).content.decode()
    assert page.startswith("85% — highly likely (band 80–90%)")
    assert 'id="id_kj-1-probability"' in page and 'value="85"' in page
    assert 'hx-swap-oob="true"' in page


def test_typing_a_number_on_the_review_page_selects_its_term_on_the_candidates_scale(client, alice):
    client.force_login(alice)
    query = {"prefix": "kj-0", "scale": "kent", "changed": "percent", "kj-0-probability": "30"}
    page = client.get(PLACEMENT, query).content.decode()
    assert page.startswith("30% — probably not")
    assert 'id="id_kj-0-term"' in page and '<option value="probably not" selected>' in page
    gap = client.get(PLACEMENT, {**query, "scale": "phia", "kj-0-probability": "52"})
    assert '<option value="" selected>' in gap.content.decode()


@pytest.mark.parametrize("number", ["abc", "NaN", "sNaN", "inf", "-5", "101", "1e999999"])
def test_the_review_pages_live_placement_refuses_garbage_numbers(client, alice, number):
    client.force_login(alice)
    query = {"prefix": "kj-0", "scale": "phia", "changed": "percent", "kj-0-probability": number}
    response = client.get(PLACEMENT, query)
    assert response.status_code == 200
    assert response.content.decode().strip() == "Give a number from 0 to 100."


def test_the_live_placement_refuses_a_made_up_prefix(client, alice):
    client.force_login(alice)
    response = client.get(PLACEMENT, {"prefix": "<script>", "changed": "term"})
    assert response.status_code == 400


# --- Dates and numbers that must never give a 500 ---------------------------------------------


@pytest.mark.parametrize("published_on", ["9999-12-31", "1899-12-31", "0001-01-01"])
def test_a_publication_date_out_of_range_says_so_and_keeps_the_text(
    client, alice, east_asia, published_on
):
    client.force_login(alice)
    response = extract_sample(client, east_asia, published_on=published_on)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Give a date between 1900 and 2200." in html
    assert "North Korean clandestine activities against Japan" in html  # the pasted text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("kj-1-probability", "abc", "Enter a number."),
        ("kj-1-probability", "NaN", "Enter a number."),
        ("kj-1-probability", "inf", "Enter a number."),
        ("kj-1-probability", "-5", "Ensure this value is greater than or equal to 0."),
        ("kj-1-probability", "101", "Ensure this value is less than or equal to 100."),
        ("kj-1-probability", "1e999999", "Ensure this value is less than or equal to 100."),
        ("kj-1-probability", "12.345", "Ensure that there are no more than 2 decimal places."),
        ("kj-1-window_end", "2025-12-31", "The window must end after it starts."),
        ("kj-1-window_end", "9999-12-31", "Give a date between 1900 and 2200."),
        ("kj-1-window_start", "0001-01-01", "Give a date between 1900 and 2200."),
        ("kj-1-window_end", "2026-02-30", "Enter a valid date."),
        ("kj-1-window_start", "", "Give the date (YYYY-MM-DD)."),
        ("assessment-published_on", "9999-12-31", "Give a date between 1900"),
        ("kj-1-decision", "maybe", "Select a valid choice."),
        ("kj-TOTAL_FORMS", "abc", "ManagementForm data is missing or has been tampered with"),
    ],
)
def test_bad_review_input_gets_a_clear_error_not_a_500(
    client, alice, east_asia, field, value, message
):
    client.force_login(alice)
    fields = review_fields(extract_sample(client, east_asia).content.decode())
    fields[field] = value
    response = client.post(CREATE, fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Judgement.objects.count() == 0


# --- Importing the same report twice ----------------------------------------------------------


def test_importing_the_same_report_again_warns_links_and_skips_what_is_tracked(
    client, alice, east_asia
):
    client.force_login(alice)
    first = review_fields(extract_sample(client, east_asia).content.decode())
    assert client.post(CREATE, first).status_code == 302
    tracked = list(Judgement.objects.order_by("reference"))
    assert len(tracked) == 3

    again = extract_sample(client, east_asia).content.decode()
    assert "Imported before?" in again
    assessment = Assessment.objects.get()
    assert reverse("assessment-detail", args=[assessment.pk]) in again
    assert "3 of them are already tracked" in again
    for judgement in tracked:
        assert judgement.get_absolute_url() in again
    fields = review_fields(again)
    assert [fields[f"kj-{n}-decision"] for n in range(3)] == ["reject"] * 3

    # Submitted as proposed, nothing is tracked twice.
    response = client.post(CREATE, fields)
    assert response.status_code == 400
    assert "Accept at least one judgement" in response.content.decode()
    assert Judgement.objects.count() == 3 and Assessment.objects.count() == 1

    # Accepting one on purpose tracks that one again, and only that one.
    fields["kj-0-decision"] = "accept"
    assert client.post(CREATE, fields).status_code == 302
    assert Judgement.objects.count() == 4


def test_judgements_of_teams_the_user_cannot_see_are_not_revealed_as_duplicates(
    client, alice, bob, east_asia, cyber
):
    client.force_login(alice)
    client.post(CREATE, review_fields(extract_sample(client, east_asia).content.decode()))
    cyber.members.add(bob)
    client.force_login(bob)
    page = extract_sample(client, cyber).content.decode()
    assert "already tracked" not in page and "Imported before?" not in page

"""Hostile input to Import report (issue 11), each file built here in the test: every one is
answered within a few seconds with a clear message (a 4xx when it is refused), and the
parsers are held to their limits, which the tests assert on directly (not on memory use).
"""

import io
import time
import zipfile
import zlib
from functools import cache

import pytest
from django.urls import reverse
from pypdf import PdfReader, PdfWriter, apply_configuration
from pypdf.errors import LimitReachedError

from judgements import rules
from judgements.models import Assessment, Indicator, Judgement
from judgements.reports import documents
from tests.reports.test_documents import KJ, minimal_pdf
from tests.reports.test_views import review_fields

pytestmark = pytest.mark.django_db

EXTRACT = reverse("extract-report")
CREATE = reverse("extract-create")
SECONDS = 4  # "within a few seconds", on a shared 2-core machine


def timed_post(client, path: str, data: dict):
    started = time.perf_counter()
    response = client.post(path, data)
    return response, time.perf_counter() - started


def upload(client, team, name: str, data: bytes):
    file = io.BytesIO(data)
    file.name = name
    form = {"team": team.pk, "published_on": "2026-01-05", "upload": file}
    return timed_post(client, EXTRACT, form)


def docx(document_xml: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal Word package around ``document_xml``; ``extra`` members alongside."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", b'<?xml version="1.0"?><Types/>')
        package.writestr("word/document.xml", document_xml)
        for name, content in (extra or {}).items():
            package.writestr(name, content)
    return buffer.getvalue()


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def paragraphs_xml(*texts: str) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in texts)
    return f'<?xml version="1.0"?><w:document {W}><w:body>{body}</w:body></w:document>'.encode()


@cache
def gigabyte_image_docx() -> bytes:
    """Issue 11's docx: about 1 MB on disk, holding a zero-filled 1 GiB "image"."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/document.xml", paragraphs_xml("Key Judgement 1", KJ))
        with package.open("word/media/image1.png", "w", force_zip64=True) as image:
            zeros = bytes(1 << 20)
            for _ in range(1024):
                image.write(zeros)
    return buffer.getvalue()


def test_the_paste_of_200000_spaces_is_read_at_once(client, alice, east_asia):
    client.force_login(alice)
    text = "We assess X will likely happen" + " " * 200_000 + "x."
    form = {"team": east_asia.pk, "published_on": "2026-01-05", "text": text}
    response, seconds = timed_post(client, EXTRACT, form)
    assert response.status_code == 200
    assert seconds < SECONDS
    assert "likely" in response.content.decode()


def test_a_docx_holding_a_gigabyte_image_is_refused_from_its_directory(
    client, alice, east_asia, monkeypatch
):
    data = gigabyte_image_docx()
    assert len(data) < 2 * 1024 * 1024
    # Refused from the archive's directory alone: no member is ever opened to find out.
    opened = []
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *args, **kw: opened.append(args))
    with pytest.raises(documents.DocumentError, match="unpacks to 1024 MB"):
        documents.check_docx(data)
    assert opened == []
    monkeypatch.undo()
    client.force_login(alice)
    response, seconds = upload(client, east_asia, "report.docx", data)
    assert response.status_code == 400
    assert seconds < SECONDS
    assert "holds more than a report does" in response.content.decode()


def test_a_small_docx_with_100_mb_of_paragraphs_is_refused(client, alice, east_asia):
    paragraph = "<w:p><w:r><w:t>We assess that it is likely.</w:t></w:r></w:p>"
    xml = paragraphs_xml().replace(b"<w:body>", b"<w:body>" + paragraph.encode() * 1_700_000)
    data = docx(xml)
    assert len(xml) > 100_000_000 and len(data) < 400_000
    client.force_login(alice)
    response, seconds = upload(client, east_asia, "report.docx", data)
    assert response.status_code == 400
    assert seconds < SECONDS
    assert "holds more than a report does" in response.content.decode()


def test_a_docx_within_the_limits_is_read_paragraph_by_paragraph(client, alice, east_asia):
    """Up to the limits it is read, in time linear in its size (no per-paragraph lookups)."""
    bullets = [f"Indicator {n} was observed at site {n * 7919 % 100_003}." for n in range(20_000)]
    data = docx(paragraphs_xml("Key Judgement 1", KJ, *bullets))
    started = time.perf_counter()
    text = documents.text_from_upload("report.docx", data)
    assert time.perf_counter() - started < 2
    assert KJ in text and "Indicator 19999" in text


def aes_pdf(user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(minimal_pdf(["Key Judgement 1", KJ]))))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_an_aes_encrypted_pdf_that_opens_without_a_password_is_read(client, alice, east_asia):
    client.force_login(alice)
    response, _ = upload(client, east_asia, "report.pdf", aes_pdf(""))
    assert response.status_code == 200
    assert "likely to target Japan" in response.content.decode()


def test_a_pdf_that_needs_a_password_is_refused_as_encrypted(client, alice, east_asia):
    client.force_login(alice)
    response, seconds = upload(client, east_asia, "report.pdf", aes_pdf("secret"))
    assert response.status_code == 400
    assert seconds < SECONDS
    assert "This PDF is encrypted with a password" in response.content.decode()


def pdf_with(objects: list[bytes]) -> bytes:
    """A PDF of the given objects (1: catalog) with a correct cross-reference table."""
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def page_with_contents(contents: bytes) -> list[bytes]:
    """A one-page PDF whose page has a font (so its text is read) and ``contents``."""
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        contents,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]


@cache
def compression_bomb_pdf() -> bytes:
    """A page whose content stream is 300 KB of Flate data that inflates to 300 MB."""
    compressor = zlib.compressobj(9)
    zeros = b" " * (1 << 20)
    stream = b"".join(compressor.compress(zeros) for _ in range(300)) + compressor.flush()
    body = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
    return pdf_with(page_with_contents(body + stream + b"\nendstream"))


def test_a_pdf_compression_bomb_is_refused_at_the_decompression_limit(client, alice, east_asia):
    data = compression_bomb_pdf()
    assert len(data) < 1024 * 1024
    reader = PdfReader(io.BytesIO(data))
    with apply_configuration(**documents.PDF_LIMITS), pytest.raises(LimitReachedError):
        reader.pages[0].get_contents().get_data()
    client.force_login(alice)
    response, seconds = upload(client, east_asia, "report.pdf", data)
    assert response.status_code == 400
    assert seconds < SECONDS
    assert "This is not a readable PDF file" in response.content.decode()


def test_a_pdf_of_100000_nested_arrays_is_refused(client, alice, east_asia):
    nested = b"[" * 100_000 + b"]" * 100_000
    objects = page_with_contents(b"<< /Length 0 >>\nstream\n\nendstream")
    objects[2] = objects[2].replace(b">>", b"/Nested " + nested + b" >>", 1)
    client.force_login(alice)
    response, seconds = upload(client, east_asia, "report.pdf", pdf_with(objects))
    assert response.status_code == 400
    assert seconds < SECONDS
    assert "This is not a readable PDF file" in response.content.decode()


def test_a_pdf_with_too_many_pages_is_refused_before_its_text_is_read(client, alice, east_asia):
    pages = documents.PDF_MAX_PAGES + 1
    kids = b" ".join(b"%d 0 R" % (3 + n) for n in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        *[b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"] * pages,
    ]
    client.force_login(alice)
    response, seconds = upload(client, east_asia, "report.pdf", pdf_with(objects))
    assert response.status_code == 400
    assert seconds < SECONDS
    assert f"at most {documents.PDF_MAX_PAGES:,} are read" in response.content.decode()


def test_malformed_html_is_read_in_linear_time(client, alice, east_asia):
    """The standard library's HTML parser takes minutes on this; libxml2's, milliseconds."""
    data = ("<p>" + KJ + "</p>" + "<a " * 300_000).encode()
    client.force_login(alice)
    response, seconds = upload(client, east_asia, "report.html", data)
    assert response.status_code == 200
    assert seconds < SECONDS


def test_a_report_with_87000_indicator_lines_is_reviewed_and_created_in_bounds(
    client, alice, east_asia
):
    lines = "".join(f"• Observation {n} at the port [source {n}]\n" for n in range(87_000))
    text = f"Key Judgement 1\n\n{KJ}\n{lines}"
    assert 4 * 1024 * 1024 < len(text.encode()) < 5 * 1024 * 1024
    client.force_login(alice)
    form = {"team": east_asia.pk, "published_on": "2026-01-05", "text": text}
    review, seconds = timed_post(client, EXTRACT, form)
    assert review.status_code == 200
    assert seconds < SECONDS
    page = review.content.decode()
    limit = rules.MAX_INDICATORS_PER_JUDGEMENT
    assert f"the report gives 87000 indicators for it; the first {limit} are proposed" in page
    fields = review_fields(page)
    assert len(fields["kj-0-indicators"].splitlines()) == limit
    # Pasting them all back into the review is refused, clearly, and creates nothing.
    fields["kj-0-indicators"] = lines
    created, seconds = timed_post(client, CREATE, fields)
    assert created.status_code == 400
    assert seconds < SECONDS
    assert (
        f"At most {limit} indicators per judgement; this one has 87000" in created.content.decode()
    )
    assert [m.objects.count() for m in (Assessment, Judgement, Indicator)] == [0, 0, 0]
    # As proposed, it is created in one request, in bounds.
    created, seconds = timed_post(client, CREATE, review_fields(page))
    assert created.status_code == 302
    assert seconds < SECONDS
    assert Indicator.objects.count() == limit


def test_an_uploaded_text_larger_once_read_than_the_limit_is_refused(
    client, alice, east_asia, settings
):
    settings.YARDSTICK_IMPORT_MAX_BYTES = 100_000
    xml = paragraphs_xml(*[f"Paragraph {n} of a long report." for n in range(20_000)])
    data = docx(xml)
    assert len(data) < 100_000
    client.force_login(alice)
    response, _ = upload(client, east_asia, "report.docx", data)
    assert response.status_code == 400
    assert "The report&#x27;s text is" in response.content.decode()

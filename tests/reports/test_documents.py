"""File to text: every supported format, built in the test, and the clear refusals."""

import datetime as dt
import io

import pytest
from docx import Document
from pypdf import PdfWriter

from judgements.reports.documents import DocumentError, text_from_html, text_from_upload
from judgements.reports.extraction import extract

KJ = "North Korean-backed hackers are likely to target Japan in the next 12 months."


def minimal_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with a real text layer, written by hand (offsets computed)."""
    text = " T* ".join(f"({line})'" if i else f"({line}) Tj" for i, line in enumerate(lines))
    stream = f"BT /F1 11 Tf 14 TL 72 720 Td {text} ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def test_a_text_pdf_is_read_and_its_key_judgement_found():
    text = text_from_upload("report.pdf", minimal_pdf(["Key Judgement 1", "", KJ]))
    assert "likely to target Japan" in text
    found = extract(text, published=dt.date(2026, 1, 5))
    assert [c.term for c in found.candidates] == ["likely"]


def test_a_pdf_without_a_text_layer_says_so():
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(DocumentError, match="no text layer"):
        text_from_upload("scan.pdf", buffer.getvalue())


def test_a_broken_pdf_is_refused_clearly():
    with pytest.raises(DocumentError, match="not a readable PDF"):
        text_from_upload("report.pdf", b"%PDF-1.4 this is not really a pdf")


def test_a_docx_keeps_headings_paragraphs_and_list_bullets():
    document = Document()
    document.add_heading("Hackers and Japan", level=1)
    document.add_paragraph("Key Judgement 1")
    document.add_paragraph(KJ)
    document.add_paragraph(
        "APT37 was tasked against Japanese servers [source].", style="List Bullet"
    )
    buffer = io.BytesIO()
    document.save(buffer)
    text = text_from_upload("report.docx", buffer.getvalue())
    assert text.splitlines()[0] == "Hackers and Japan"
    assert "• APT37 was tasked against Japanese servers [source]." in text
    candidate = extract(text, published=dt.date(2026, 1, 5)).candidates[0]
    assert [i.source for i in candidate.indicators] == ["[source]"]


def test_a_broken_docx_is_refused_clearly():
    with pytest.raises(DocumentError, match="not a readable Word"):
        text_from_upload("report.docx", b"PK not a zip")


def test_html_drops_scripts_and_styles_and_keeps_list_items_as_bullets():
    html = (
        "<html><head><title>x</title><style>p{color:red}</style></head><body>"
        "<script>alert('no')</script><h2>Key Judgement 1</h2><p>" + KJ + "</p>"
        "<ul><li>Imagery <a href='http://example.org/a'>shows</a> trucks [12]</li></ul>"
        "<img src='http://tracker.invalid/pixel.png'></body></html>"
    )
    text = text_from_upload("report.html", html.encode())
    assert "alert" not in text and "color:red" not in text and "pixel" not in text
    assert "• Imagery shows trucks [12]" in text
    assert text_from_html("<p>a</p><p>b</p>").split() == ["a", "b"]


def test_markdown_and_text_are_read_as_utf8_or_windows_1252():
    assert "likely" in text_from_upload("r.md", ("# Title\n\n- " + KJ).encode())
    assert "café" in text_from_upload("r.txt", "café likely".encode("cp1252"))


def test_unknown_formats_are_named_with_what_is_accepted():
    with pytest.raises(DocumentError, match=r"Cannot read '\.rtf' files.*\.txt, \.md"):
        text_from_upload("report.rtf", b"{\\rtf1}")


def test_files_over_the_limit_are_refused_with_both_sizes():
    with pytest.raises(DocumentError, match="The file is 2 MB; the limit is 1 MB"):
        text_from_upload("big.txt", b"x" * 2 * 1024 * 1024, max_bytes=1024 * 1024)


def test_an_empty_file_says_it_has_no_text():
    with pytest.raises(DocumentError, match="no text"):
        text_from_upload("empty.txt", b"  \n ")

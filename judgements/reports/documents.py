"""Turn an uploaded report into plain text: pure functions, nothing executed or fetched.

Supported: ``.txt`` and ``.md`` (UTF-8, with a Windows-1252 fallback), ``.html``/``.htm``
(libxml2's parser through lxml; script, style and other non-content elements are dropped,
links are never followed), ``.docx`` (its ``word/document.xml`` streamed through the standard
library's XML parser) and text-based ``.pdf`` (pypdf).

The text keeps the report's structure that extraction relies on: one blank line between
paragraphs, and list items (HTML ``<li>``, Word list paragraphs) start with "• " so they
read as bullets. A PDF without a text layer (a scan) is refused with a message that says so,
rather than yielding an empty report.

Bounded work, whatever the file holds (docs/design.md §6.5): a file is checked before it is
parsed: a .docx's members against limits on their uncompressed size, on the total and on the
compression ratio, read from the archive's directory (Python's zip reader never inflates a
member past the size the directory declares); a PDF is read under limits on every
decompressed stream, on the parsing work, on pages and objects, and within a time budget.
The text read is held to the same size limit as a pasted one. Any failure of a parser is
the message "cannot read this file", never an error page.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from functools import partial
from pathlib import PurePath
from xml.etree import ElementTree

from lxml import etree
from pypdf import PasswordType, PdfReader, apply_configuration
from pypdf.errors import FileNotDecryptedError

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
EXTENSIONS = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")


class DocumentError(ValueError):
    """The upload cannot be read; the message tells the analyst what to do instead."""


def text_from_upload(name: str, data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The plain text of an uploaded file, or ``DocumentError`` saying what to fix."""
    if len(data) > max_bytes:
        raise DocumentError(
            f"The file is {human_size(len(data))}; the limit is {human_size(max_bytes)}. "
            "Upload a smaller file or paste the key judgements as text."
        )
    suffix = PurePath(name).suffix.lower()
    readers = {
        ".txt": text_from_plain,
        ".md": text_from_plain,
        ".html": text_from_html_bytes,
        ".htm": text_from_html_bytes,
        ".docx": text_from_docx,
        ".pdf": partial(text_from_pdf, max_bytes=max_bytes),
    }
    if suffix not in readers:
        known = ", ".join(EXTENSIONS)
        raise DocumentError(f"Cannot read '{suffix or name}' files. Upload one of: {known}.")
    try:
        text = readers[suffix](data)
    except DocumentError:
        raise
    except Exception as error:  # a reader's own failure is still only an unreadable file
        raise DocumentError(f"Cannot read this file as {suffix}. {PASTE}") from error
    size = len(text.encode("utf-8", "replace"))
    if size > max_bytes:
        raise DocumentError(
            f"The report's text is {human_size(size)}; the limit is {human_size(max_bytes)}. "
            f"{PASTE}"
        )
    text = tidy(text)
    if not text.strip():
        raise DocumentError("The file contains no text. Check it is the right file.")
    return text


def check_text_size(text: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise DocumentError(
            f"The pasted text is {human_size(size)}; the limit is {human_size(max_bytes)}. "
            "Paste the key judgements section only."
        )


def human_size(size: int) -> str:
    """5 MB, 1.3 MB, 900 KB: what a person reads in an error message."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    return f"{max(size // 1024, 1)} KB"


def text_from_plain(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DocumentError("The text file is neither UTF-8 nor Windows-1252. Save it as UTF-8.")


# --- HTML -----------------------------------------------------------------------------------

_SKIP = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object", "canvas"}
_BLOCKS = {
    "p", "div", "section", "article", "header", "footer", "main", "aside", "blockquote",
    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "tr", "br", "hr", "pre",
    "dl", "dt", "dd", "figure", "figcaption",
}  # fmt: skip
_SPACES = re.compile(r"\s+")


def text_from_html(html: str) -> str:
    """Visible text, in blocks; nothing the page refers to is resolved or loaded.

    libxml2's HTML parser (through lxml): linear in the input, which the standard library's
    parser is not on malformed markup ("<a " repeated takes minutes). The tree is walked
    without recursion, so nesting depth costs nothing either.
    """
    parser = etree.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True, recover=True
    )
    root = etree.fromstring(html.encode("utf-8", "replace"), parser)
    if root is None:
        return ""
    parts: list[str] = []
    skipping = 0

    def data(text: str | None) -> None:
        if text and not skipping:
            parts.append(_SPACES.sub(" ", text))

    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in _SKIP:
                skipping += 1
            elif tag == "li" and not skipping:
                parts.append("\n\n• ")
            elif tag in _BLOCKS and not skipping:
                parts.append("\n\n")
            if tag not in _SKIP:
                data(element.text)
            continue
        if tag in _SKIP:
            skipping = max(skipping - 1, 0)
        elif (tag in _BLOCKS or tag == "li") and not skipping:
            parts.append("\n\n")
        data(element.tail)
    return "".join(parts)


def text_from_html_bytes(data: bytes) -> str:
    return text_from_html(text_from_plain(data))


# --- Word -----------------------------------------------------------------------------------

DOCX_MAX_MEMBERS = 2000
DOCX_MAX_MEMBER_BYTES = 32 * 1024 * 1024  # uncompressed, any one member
DOCX_MAX_TOTAL_BYTES = 64 * 1024 * 1024  # uncompressed, all members together
# Real documents compress 3-20 times; a zip bomb a thousand times. Members this small are
# left out of the ratio (a tiny run of zeros compresses well and harms nobody).
DOCX_MAX_RATIO = 100
DOCX_RATIO_FROM_BYTES = 1024 * 1024

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NOT_DOCX = "This is not a readable Word (.docx) file. Save it again as .docx, or paste the text."


def check_docx(data: bytes) -> zipfile.ZipFile:
    """The archive, once its directory shows nothing that would take too much memory to
    inflate: the number of members, each one's and the total uncompressed size, and the
    compression ratio. Nothing is decompressed to find out."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as error:
        raise DocumentError(NOT_DOCX) from error
    too_much = (
        "This Word file holds more than a report does ({what}), so it is not read. Save "
        "the text alone as .docx, or paste it."
    )
    if len(members) > DOCX_MAX_MEMBERS:
        raise DocumentError(too_much.format(what=f"{len(members)} parts"))
    total = 0
    for member in members:
        size = member.file_size
        total += size
        if size > DOCX_MAX_MEMBER_BYTES:
            what = f"'{member.filename}' unpacks to {human_size(size)}"
            raise DocumentError(too_much.format(what=what))
        ratio = size / max(member.compress_size, 1)
        if size > DOCX_RATIO_FROM_BYTES and ratio > DOCX_MAX_RATIO:
            what = f"'{member.filename}' unpacks {ratio:.0f} times larger than it is stored"
            raise DocumentError(too_much.format(what=what))
    if total > DOCX_MAX_TOTAL_BYTES:
        raise DocumentError(too_much.format(what=f"it unpacks to {human_size(total)}"))
    return archive


def text_from_docx(data: bytes) -> str:
    """The body's paragraphs, list paragraphs as bullets (a numbering, or a style whose name
    says "list"). Tables, headers and footers are left out."""
    archive = check_docx(data)
    try:
        styles = _list_styles(archive)
        with archive.open("word/document.xml") as document:
            paragraphs = list(_body_paragraphs(document, styles))
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, OSError, EOFError) as error:
        raise DocumentError(NOT_DOCX) from error
    return "\n\n".join(paragraphs)


def _list_styles(archive: zipfile.ZipFile) -> set[str]:
    """Ids of the paragraph styles whose name says they are lists ("List Bullet")."""
    try:
        source = archive.open("word/styles.xml")
    except KeyError:
        return set()
    found = set()
    with source:
        for _event, element in ElementTree.iterparse(source):
            if element.tag == f"{_W}style":
                name = element.find(f"{_W}name")
                if name is not None and "list" in (name.get(f"{_W}val") or "").lower():
                    found.add(element.get(f"{_W}styleId") or "")
                element.clear()
    return found


_RUN_TEXT = {f"{_W}tab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}


def _body_paragraphs(document, list_styles: set[str]):
    """Each paragraph directly in the body, as text, streamed: a paragraph's elements are
    dropped once it is read, so memory stays at one paragraph whatever the document's size."""
    depth, body_depth = 0, None
    for event, element in ElementTree.iterparse(document, events=("start", "end")):
        if event == "start":
            depth += 1
            if element.tag == f"{_W}body":
                body_depth = depth
            continue
        depth -= 1
        if element.tag != f"{_W}p" or body_depth is None or depth != body_depth:
            if body_depth is not None and depth == body_depth:
                element.clear()  # a table or section at body level: not read, not kept
            continue
        text = "".join(_paragraph_text(element)).strip()
        properties = element.find(f"{_W}pPr")
        style = properties.find(f"{_W}pStyle") if properties is not None else None
        is_list = (properties is not None and properties.find(f"{_W}numPr") is not None) or (
            style is not None and style.get(f"{_W}val") in list_styles
        )
        element.clear()
        if text:
            yield f"• {text}" if is_list and not text.startswith("•") else text


def _paragraph_text(paragraph):
    for element in paragraph.iter():
        if element.tag == f"{_W}t":
            yield element.text or ""
        elif element.tag in _RUN_TEXT:
            yield _RUN_TEXT[element.tag]


# --- PDF ------------------------------------------------------------------------------------

PDF_MAX_PAGES = 1000
PDF_MAX_OBJECTS = 200_000
PDF_MAX_STREAM_BYTES = 20 * 1024 * 1024  # any one stream, decompressed
PDF_SECONDS = 10  # reading the text of all pages
# pypdf's own limits, tightened for a web request: every decompressed stream, the decoding
# and parsing work per content stream, the sizes of arrays, dictionaries and page trees.
PDF_LIMITS = {
    "maximum_declared_stream_length": PDF_MAX_STREAM_BYTES,
    "array_based_stream_maximum_output_length": PDF_MAX_STREAM_BYTES,
    "jbig2_maximum_output_length": PDF_MAX_STREAM_BYTES,
    "lzw_maximum_output_length": PDF_MAX_STREAM_BYTES,
    "run_length_maximum_output_length": PDF_MAX_STREAM_BYTES,
    "zlib_maximum_output_length": PDF_MAX_STREAM_BYTES,
    "brotli_maximum_output_length": PDF_MAX_STREAM_BYTES,
    "image_maximum_buffer_size": PDF_MAX_STREAM_BYTES,
    "stream_decoding_work_maximum_length": 4 * PDF_MAX_STREAM_BYTES,
    "stream_parsing_work_maximum_count": 1_000_000,
    "array_maximum_element_count": 50_000,
    "dictionary_maximum_element_count": 50_000,
    "page_tree_maximum_entries": 10 * PDF_MAX_PAGES,
    "page_tree_maximum_depth": 50,
    "page_tree_maximum_page_entries": 10 * PDF_MAX_PAGES,
    "xform_maximum_invocations_per_extraction": 500,
    "outline_maximum_entries": 10_000,
    "form_fields_maximum_entries": 10_000,
}
NOT_PDF = "This is not a readable PDF file. Paste the text instead."
ENCRYPTED_PDF = (
    "This PDF is encrypted with a password, so it cannot be read. Save a copy without the "
    "password (or print it to PDF), or paste the text."
)


def text_from_pdf(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Every page's text, read under ``PDF_LIMITS``; an encrypted PDF is read if it opens
    without a password (AES included), else refused as encrypted."""
    try:
        with apply_configuration(**PDF_LIMITS):
            text = _read_pdf(data, max_bytes=max_bytes)
    except DocumentError:
        raise
    except FileNotDecryptedError as error:
        raise DocumentError(ENCRYPTED_PDF) from error
    except Exception as error:  # every parser failure, from a broken xref to a RecursionError
        raise DocumentError(NOT_PDF) from error
    if not text.strip():
        raise DocumentError(
            "This PDF has no text layer (it is probably a scanned image), so there is nothing "
            "to read. Run it through OCR first, or paste the text."
        )
    return text


def _read_pdf(data: bytes, *, max_bytes: int) -> str:
    reader = PdfReader(io.BytesIO(data), xref_stream_maximum_entries=PDF_MAX_OBJECTS)
    if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
        raise DocumentError(ENCRYPTED_PDF)
    objects = int(reader.trailer.get("/Size", 0) or 0)
    if objects > PDF_MAX_OBJECTS:
        raise DocumentError(f"This PDF has {objects:,} objects, more than a report has. {PASTE}")
    pages = len(reader.pages)
    if pages > PDF_MAX_PAGES:
        raise DocumentError(
            f"This PDF has {pages:,} pages; at most {PDF_MAX_PAGES:,} are read. {PASTE}"
        )
    deadline = time.monotonic() + PDF_SECONDS
    texts, size = [], 0
    for page in reader.pages:
        if time.monotonic() > deadline:
            raise DocumentError(f"This PDF takes too long to read. {PASTE}")
        texts.append(page.extract_text() or "")
        size += len(texts[-1])
        if size > max_bytes:
            raise DocumentError(_text_too_big(size, max_bytes))
    return "\n\n".join(texts)


PASTE = "Paste the key judgements as text instead."


def _text_too_big(size: int, limit: int) -> str:
    return (
        f"The report's text is over {human_size(limit)} (the limit); its first "
        f"{human_size(size)} were read before stopping. {PASTE}"
    )


# --- Tidying ---------------------------------------------------------------------------------

_BULLET_GLYPHS = "•●▪◦‣∙·"


def tidy(text: str) -> str:
    """Unix newlines, no trailing spaces, at most one blank line, one bullet glyph.

    Line by line, so its time is linear in the text whatever it holds (a regular expression
    such as ``[ \t]+\n`` rescans a long run of spaces from each of its positions).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    lines: list[str] = []
    for line in text.split("\n"):
        line = line.strip(" \t")
        if line[:1] in _BULLET_GLYPHS and line:
            line = ("• " + line[1:].lstrip(" \t")).rstrip(" \t")
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip() + "\n"

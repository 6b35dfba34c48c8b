"""Turn an uploaded report into plain text: pure functions, nothing executed or fetched.

Supported: ``.txt`` and ``.md`` (UTF-8, with a Windows-1252 fallback), ``.html``/``.htm``
(the standard library's parser; script, style and other non-content elements are dropped,
links are never followed), ``.docx`` (python-docx) and text-based ``.pdf`` (pypdf).

The text keeps the report's structure that extraction relies on: one blank line between
paragraphs, and list items (HTML ``<li>``, Word list paragraphs) start with "• " so they
read as bullets. A PDF without a text layer (a scan) is refused with a message that says so,
rather than yielding an empty report.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import PurePath

import docx
from pypdf import PdfReader
from pypdf.errors import PdfReadError

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
        ".pdf": text_from_pdf,
    }
    if suffix not in readers:
        known = ", ".join(EXTENSIONS)
        raise DocumentError(f"Cannot read '{suffix or name}' files. Upload one of: {known}.")
    text = tidy(readers[suffix](data))
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


# --- HTML ------------------------------------------------------------------------------------

_SKIP = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object", "canvas"}
_BLOCKS = {
    "p", "div", "section", "article", "header", "footer", "main", "aside", "blockquote",
    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "tr", "br", "hr", "pre",
    "dl", "dt", "dd", "figure", "figcaption",
}  # fmt: skip


class _TextParser(HTMLParser):
    """Collects visible text; never resolves or loads anything the page refers to."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag == "li":
            self.parts.append("\n\n• ")
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in ("br", "hr"):
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(self.skipping - 1, 0)
        elif tag in _BLOCKS or tag == "li":
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(re.sub(r"\s+", " ", data))


def text_from_html(html: str) -> str:
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def text_from_html_bytes(data: bytes) -> str:
    return text_from_html(text_from_plain(data))


# --- Word and PDF ----------------------------------------------------------------------------


def text_from_docx(data: bytes) -> str:
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises several types for a broken package
        raise DocumentError(
            "This is not a readable Word (.docx) file. Save it again as .docx, or paste the text."
        ) from error
    paragraphs = []
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        is_list = "list" in style.lower() or (
            paragraph._p.pPr is not None and (paragraph._p.pPr.numPr is not None)
        )
        paragraphs.append(f"• {text}" if is_list and not text.startswith("•") else text)
    return "\n\n".join(paragraphs)


def text_from_pdf(data: bytes) -> str:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise DocumentError("This PDF is password-protected. Remove the password first.")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as error:
        if isinstance(error, DocumentError):
            raise
        raise DocumentError("This is not a readable PDF file. Paste the text instead.") from error
    text = "\n\n".join(pages)
    if not text.strip():
        raise DocumentError(
            "This PDF has no text layer (it is probably a scanned image), so there is nothing "
            "to read. Run it through OCR first, or paste the text."
        )
    return text


# --- Tidying ---------------------------------------------------------------------------------

_BULLET_GLYPHS = re.compile(r"^[ \t]*[•●▪◦‣∙·][ \t]*", re.MULTILINE)


def tidy(text: str) -> str:
    """Unix newlines, no trailing spaces, at most one blank line, one bullet glyph."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    text = _BULLET_GLYPHS.sub("• ", text)
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n[ \t]+", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip() + "\n"

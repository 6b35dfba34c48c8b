"""Find the key judgements in a report's text and propose how to track them.

Pure functions over plain text and dates: no database, no network, no model.

Steps of ``extract(text, published=...)``:

1. Split the text into paragraphs and bullets ("•", "-", "*", "–" at a line start).
2. If the report marks its key judgements ("Key Judgement 1", "Key Judgment 2", or a
   "Key Judgments" heading), only the marked judgements are candidates: under a numbered
   marker, the first paragraph is the judgement; under a plural heading every paragraph up to
   the next heading is one. Elsewhere in such a report nothing is a candidate (a summary's
   "will likely continue" is context, not a tracked judgement). Without markers, every
   sentence with an estimative term is a candidate, and a sentence with only a hedge is one
   when it is phrased as an assessment ("we assess…", "cannot rule out…").
3. In a judgement paragraph the judgement is its first sentence with estimative words; the
   sentences after it and the bullets under it are its supporting indicators, each keeping
   its citations ("[source]", "[12]", URLs, "(Reuters, 2021)") apart from its summary.
4. The scale is the one whose vocabulary the candidates use (docs/design.md §3); when the
   words fit several scales equally, the default (the site's scale, PHIA unless configured).
5. Each candidate gets its term on that scale, a number (the band's midpoint, unless the text
   gives one: "very unlikely [1/10]", "(75%)") and a window from its time frame relative to
   the publication date the analyst confirms; no time frame means 12 months, flagged.
6. Anything the analyst must decide is flagged ``needs_review`` with reasons rather than
   guessed: hedges ("may", "could", "cannot rule out"), mixed or nested terms, terms not on the
   scale, a "not" in front of a term, numbers outside the term's band, missing or vague time
   frames. A hedge alone or mixed terms get no proposed term or number.

Negation. A judgement is recorded as the proposition the sentence asserts, with the term the
author used: "X almost certainly will not Y" becomes the statement "X will not Y" at the
number of *almost certain*, so calibration by term stays honest about the words written.
The exception is where the scale's vocabulary itself holds the negation: Kent's "almost
certainly not" and "probably not" are terms of their own (7% and 30%), so on the Kent scale
the statement is the positive "X will Y" at the number of that negative term. Both readings
give the event the same low probability. "Not likely" (a "not" in front of the term) says
only that something is not likely, not how unlikely: it is flagged for the analyst.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from itertools import islice
from typing import Any

from judgements.core.dates import add_months
from judgements.core.scales import SCALES, Scale, Term, find_hedges, get_scale, normalise_phrase

DEFAULT_MONTHS = 12
SCALE_ORDER = ("phia", "icd203", "nato", "kent")
SCALE_SAMPLE = 1000  # candidates whose words decide the scale


@dataclass
class IndicatorDraft:
    """A supporting observation as written, with its citations kept apart."""

    text: str
    summary: str
    source: str = ""

    def as_json(self) -> dict[str, str]:
        return {"summary": self.summary, "source": self.source}


@dataclass
class Candidate:
    sentence: str
    statement: str
    scale: str
    window_start: dt.date
    window_end: dt.date
    term: str | None = None
    phrase: str | None = None  # the estimative words as written
    probability: Decimal | None = None
    number_in_text: bool = False
    time_frame: str | None = None
    negated: bool = False
    label: str = ""  # "Key Judgement 1" when the report numbers it
    review_reasons: list[str] = field(default_factory=list)
    indicators: list[IndicatorDraft] = field(default_factory=list)
    indicators_found: int = 0  # in the text (more than ``indicators`` when limited)
    marks: list[tuple[int, int]] = field(default_factory=list)  # spans of the sentence

    @property
    def needs_review(self) -> bool:
        return bool(self.review_reasons)

    @property
    def segments(self) -> list[tuple[str, bool]]:
        """The sentence cut into (text, highlighted) pieces, for ``<mark>``."""
        pieces, at = [], 0
        for start, end in sorted(self.marks):
            if start < at:
                continue
            if start > at:
                pieces.append((self.sentence[at:start], False))
            pieces.append((self.sentence[start:end], True))
            at = end
        if at < len(self.sentence):
            pieces.append((self.sentence[at:], False))
        return pieces

    def as_json(self) -> dict[str, Any]:
        return {
            "statement": self.statement,
            "sentence": self.sentence,
            "term": self.term,
            "scale": self.scale,
            "probability": None if self.probability is None else float(self.probability),
            "window_start": self.window_start.isoformat(),
            "window_end": self.window_end.isoformat(),
            "needs_review": self.needs_review,
            "review_reasons": list(self.review_reasons),
            "indicators": [indicator.as_json() for indicator in self.indicators],
        }


@dataclass
class Extraction:
    title: str
    summary: str
    scale: str
    scale_reason: str
    marked: bool  # the report marks its key judgements
    candidates: list[Candidate]
    found: int = 0  # candidates in the report (more than ``candidates`` when limited)


# --- Estimative words ------------------------------------------------------------------------

_ADVERB_FORMS = {"certain": r"certain(?:ly)?", "probable": r"probabl[ey]"}
_ADVERB_FORMS["improbable"] = r"improbabl[ey]"


# Kent wrote his even-odds term as a clause: "chances are about even", "the chance is even".
_CHANCES_EVEN = r"chances?\s+(?:(?:are|is)\s+)?(?:about\s+even|even(?=\s+that\b))"


def _phrase_pattern(name: str) -> str:
    if normalise_phrase(name) == "chances about even":
        return _CHANCES_EVEN
    words = [_ADVERB_FORMS.get(word, re.escape(word)) for word in name.lower().split()]
    return r"\s+".join(words)


@lru_cache(maxsize=512)
def _base(written: str) -> str:
    """A term as written, normalised to the scale's name for it."""
    if re.fullmatch(r"chances?\s+(?:(?:are|is)\s+)?(?:about\s+)?even", written.strip(), re.I):
        return "chances about even"
    return normalise_phrase(written)


def _all_names() -> list[str]:
    terms = [term for scale in SCALES.values() for term in scale.terms]
    names = {name.lower() for term in terms for name in term.names}
    return sorted(names, key=len, reverse=True)


_TERM_RE = re.compile(
    r"(?<![\w-])(?:" + "|".join(_phrase_pattern(n) for n in _all_names()) + r")(?![\w-])",
    re.IGNORECASE,
)
# Kent's negative terms, read as their positive base plus a negation on other scales.
_NEGATIVE_BASE = {"almost certain not": "almost certain", "probable not": "probable"}
_KENT_NEGATIVE = {"almost certain": "almost certainly not", "probable": "probably not"}
_AUX = r"(?:will|would|does|do|did|is|are|was|were|has|have|had|can|could|should|shall)"
# Matched at the end of a term (``pattern.match(sentence, pos)``), so no "^".
_NEG_AFTER = re.compile(rf"\s+(?:{_AUX}\s+not\b|{_AUX}n't\b|won't\b|cannot\b|not\b)", re.I)
_NOT_TO = re.compile(r"\s+not\s+to\b")
_NOT_BEFORE = re.compile(r"\b(?:not|n't|never)\s+(?:\w+\s+)?$", re.IGNORECASE)
_REMOTE_OK = re.compile(r"\s+(?:chance|possibility|prospect|likelihood)|\s*[.,;]", re.I)
_EXTRA_HEDGES = re.compile(
    r"\b(?:serious possibility|cannot (?:be )?(?:dismiss|discount|exclude)(?:ed)?|"
    r"we cannot dismiss|cannot discount)\b",
    re.IGNORECASE,
)
_ASSESSING = re.compile(
    r"\b(?:we|i|the (?:ic|jic|committee|community))\s+(?:\w+\s+)?(?:assess|judge|estimate|"
    r"believe|think)s?\b|\bcannot (?:be )?rule[ds]? out\b|\bit is possible that\b|"
    r"\bserious possibility\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class TermHit:
    start: int
    end: int
    written: str
    base: str  # normalised, negation split off ("almost certain")
    negated: bool  # the term scopes over a "not" (or was Kent's negative term)
    not_before: bool  # a "not" in front of the term: "not likely"


# A sentence with more terms than this is no key judgement; reading on would only cost time.
MAX_TERMS_PER_SENTENCE = 100


def find_terms(sentence: str) -> list[TermHit]:
    """Estimative terms of any scale in a sentence, including adverb and negated forms (at
    most ``MAX_TERMS_PER_SENTENCE``)."""
    return list(islice(_term_hits(sentence), MAX_TERMS_PER_SENTENCE))


def _term_hits(sentence: str) -> Iterator[TermHit]:
    """``find_terms`` one at a time. Linear in the sentence: what follows a term is matched
    in place (``pattern.match(text, pos)``), never copied, and what precedes it is read from
    a window of 20 characters."""
    for match in _TERM_RE.finditer(sentence):
        written = match.group(0)
        base = _base(written)
        end = match.end()
        if base == "remote" and not _REMOTE_OK.match(sentence, end):
            continue  # "remote areas" is geography, not an estimate
        negated = base in _NEGATIVE_BASE
        base = _NEGATIVE_BASE.get(base, base)
        is_adverb = written.lower().endswith("ly") and not written.lower().endswith("likely")
        if not negated and (is_adverb or base.endswith("likely")):
            negated = bool(_NEG_AFTER.match(sentence, end) or _NOT_TO.match(sentence, end))
        before = sentence[max(match.start() - 20, 0) : match.start()]
        not_before = bool(_NOT_BEFORE.search(before))
        yield TermHit(match.start(), end, written, base, negated, not_before)


# --- Numbers in the text ---------------------------------------------------------------------

_PERCENT = r"(?:%|\s?percent|\s?per\s?cent)"
_NUMBER_RES = (
    re.compile(rf"[\[(]\s*(\d{{1,3}}(?:\.\d+)?)\s*[-–]\s*(\d{{1,3}}(?:\.\d+)?){_PERCENT}\s*[\])]"),
    re.compile(rf"[\[(]\s*(\d{{1,3}}(?:\.\d+)?){_PERCENT}\s*[\])]"),
    re.compile(r"[\[(]\s*(\d{1,3})\s*(?:/|in|out of)\s*(\d{1,3})\s*[\])]"),
    re.compile(rf"\b(\d{{1,3}}(?:\.\d+)?){_PERCENT}\s+(?:chance|probability|likelihood)\b", re.I),
)


def find_number(sentence: str) -> tuple[Decimal, tuple[int, int]] | None:
    """A probability the text states itself, in [0, 1], and where it stands."""
    for index, pattern in enumerate(_NUMBER_RES):
        match = pattern.search(sentence)
        if match is None:
            continue
        if index == 0:
            value = (Decimal(match.group(1)) + Decimal(match.group(2))) / 200
        elif index == 2:
            if Decimal(match.group(2)) == 0:
                continue
            value = Decimal(match.group(1)) / Decimal(match.group(2))
        else:
            value = Decimal(match.group(1)) / 100
        if 0 <= value <= 1:
            return value.quantize(Decimal("0.0001")), match.span()
    return None


# --- Time frames -----------------------------------------------------------------------------

_WORD_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "eighteen": 18, "twenty-four": 24, "thirty-six": 36, "couple of": 2,
}  # fmt: skip
_VAGUE_NUMBERS = {"few": 3, "several": 6}
_COUNT = (
    r"(?P<n>\d{1,3}|" + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True)) + r"|few|several)"
)
_UNIT = r"(?P<unit>days?|weeks?|months?|years?|decades?)"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_NEXT = r"\b(?:the\s+)?(?:next|coming|following)\s+"
_TIME_PATTERNS = [
    ("relative", rf"{_NEXT}{_COUNT}\s+{_UNIT}\b"),
    ("relative", rf"\b(?:in|within)\s+(?:a\s+)?{_COUNT}\s+{_UNIT}\b"),
    ("single", r"\b(?:the\s+)?(?:next|coming)\s+(?P<unit>day|week|month|year|decade)\b"),
    ("vague", r"\b(?:the\s+)?coming\s+(?P<unit>days|weeks|months|years)\b"),
    ("end_of_year", rf"\bby\s+(?:the\s+)?end(?:\s+of|-)\s*{_YEAR}\b"),
    ("end_of_this", r"\bby\s+the\s+end\s+of\s+(?:the|this)\s+(?P<what>year|decade)\b"),
    ("between", rf"\bbetween\s+{_YEAR}\s+and\s+(?P<year2>(?:19|20)\d{{2}})\b"),
    ("between", rf"\b{_YEAR}\s*[-–]\s*(?P<year2>(?:19|20)\d{{2}})\s+time\s*frame\b"),
    ("by_year", rf"\bby\s+(?P<mid>mid-?|late\s+)?{_YEAR}\b"),
    ("in_year", rf"\b(?:in|during|throughout)\s+(?:early\s+|late\s+|mid-?)?{_YEAR}\b"),
    ("this_year", r"\b(?:this|the\s+current)\s+year\b(?!['’]s)"),
]
_TIME_RES = [(kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in _TIME_PATTERNS]
# What "the coming days/weeks/…" is taken to mean; always flagged for the analyst.
_VAGUE_SPANS = {
    "days": (14, "days"),
    "weeks": (2, "months"),
    "months": (6, "months"),
    "years": (3, "years"),
}


@dataclass(frozen=True)
class TimeFrame:
    start: dt.date
    end: dt.date
    text: str
    span: tuple[int, int]
    vague: bool = False
    past: bool = False  # an explicit end before the publication date: 12 months assumed


def _after(published: dt.date, count: int, unit: str) -> dt.date:
    unit = unit.lower().rstrip("s")
    if unit == "day":
        return published + dt.timedelta(days=count)
    if unit == "week":
        return published + dt.timedelta(weeks=count)
    months = {"month": 1, "year": 12, "decade": 120}[unit]
    return add_months(published, count * months)


def _frame(kind: str, match: re.Match, published: dt.date) -> tuple[dt.date, dt.date, bool] | None:
    groups = match.groupdict()
    year = int(groups["year"]) if groups.get("year") else None
    if kind == "relative":
        word = groups["n"].lower()
        vague = word in _VAGUE_NUMBERS
        count = int(word) if word.isdigit() else _VAGUE_NUMBERS.get(word) or _WORD_NUMBERS[word]
        return published, _after(published, count, groups["unit"]), vague
    if kind == "single":
        return published, _after(published, 1, groups["unit"]), False
    if kind == "vague":
        count, unit = _VAGUE_SPANS[groups["unit"].lower()]
        return published, _after(published, count, unit), True
    if kind in ("end_of_year", "by_year") and year is not None:
        if groups.get("mid") and groups["mid"].lower().startswith("mid"):
            return published, dt.date(year, 6, 30), False
        return published, dt.date(year, 12, 31), False
    if kind == "end_of_this":
        last = published.year if groups["what"].lower() == "year" else published.year // 10 * 10 + 9
        return published, dt.date(last, 12, 31), False
    if kind == "this_year":
        return published, dt.date(published.year, 12, 31), False
    if kind == "between" and year is not None:
        start = max(published, dt.date(year, 1, 1))
        return start, dt.date(int(groups["year2"]), 12, 31), False
    if kind == "in_year" and year is not None:
        return max(published, dt.date(year, 1, 1)), dt.date(year, 12, 31), False
    return None


# Forms that state when the window ends; "in 2003" names a year, usually history.
_EXPLICIT_END = ("end_of_year", "by_year", "between")


def find_time_frame(sentence: str, published: dt.date) -> TimeFrame | None:
    """The window a sentence's time frame gives, relative to the publication date.

    Past years ("in fall 2003", "in 1999") are history, not a time frame, and are skipped.
    An explicit end before the publication date ("by the end of 1999") is a time frame the
    analyst must correct: it comes back ``past``, with the default 12 months as its window.
    A date beyond the calendar (a publication date in 9999) gives no time frame.
    """
    found, past = [], []
    for kind, pattern in _TIME_RES:
        for match in pattern.finditer(sentence):
            try:
                window = _frame(kind, match, published)
            except (OverflowError, ValueError):
                continue
            if window is None:
                continue
            text = match.group(0).strip()
            if window[1] > window[0]:
                found.append(TimeFrame(window[0], window[1], text, match.span(), window[2]))
            elif kind in _EXPLICIT_END and window[1] < published:
                past.append((text, match.span()))
    if found:
        return min(found, key=lambda frame: frame.span[0])
    if past:
        text, span = min(past, key=lambda item: item[1][0])
        end = _default_end(published)
        if end is not None:
            return TimeFrame(published, end, text, span, past=True)
    return None


def _default_end(published: dt.date) -> dt.date | None:
    """Twelve months after publication, or None past the end of the calendar."""
    try:
        return add_months(published, DEFAULT_MONTHS)
    except (OverflowError, ValueError):
        return None


# --- Citations -------------------------------------------------------------------------------

_CITATION_RE = re.compile(
    r"\[(?!\s*\d{1,3}(?:\.\d+)?\s*(?:%|/|percent))[^\[\]\n]{1,160}\]"
    r"|https?://[^\s\])>]+"
    r"|\((?:[A-Z][^()\n]{1,80}?),?\s+(?:19|20)\d{2}[a-z]?\)"
)


def draft_indicator(text: str) -> IndicatorDraft:
    """Split an indicator's text into its summary and its citations, as written."""
    text = _squash(text.lstrip("•-*– ").strip())
    citations = []
    for match in _CITATION_RE.finditer(text):
        citation = match.group(0).rstrip(".,;")
        if citation not in citations:
            citations.append(citation)
    summary = _CITATION_RE.sub("", text)
    summary = re.sub(r"\s+([.,;:])", r"\1", _squash(summary))
    return IndicatorDraft(text=text, summary=summary or text, source="; ".join(citations))


# --- Text structure --------------------------------------------------------------------------

_BULLET_RE = re.compile(r"^\s*(?:[•●▪◦‣∙]|[-*–—](?=\s))\s*")
_MARKER_RE = re.compile(
    r"^\s*#*\s*(?P<marker>key\s+judge?ments?)(?:\s+(?P<number>\d+|[ivx]+|[a-z])\b)?"
    r"\s*[:.\-–—]?\s*(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)


@dataclass
class Block:
    kind: str  # "para", "bullet" or "marker"
    text: str
    label: str = ""
    plural: bool = False


def blocks(text: str) -> list[Block]:
    """Paragraphs, bullets and key judgement markers, in order."""
    found: list[Block] = []
    for paragraph in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        lines = [line for line in paragraph.split("\n") if line.strip()]
        items: list[list[str]] = []
        for line in lines:
            if _BULLET_RE.match(line) or not items:
                items.append([line])
            else:
                items[-1].append(line)
        for item in items:
            found.append(_block(_squash(" ".join(item))))
    return [block for block in found if block.text or block.kind == "marker"]


def _block(text: str) -> Block:
    if _BULLET_RE.match(text):
        return Block("bullet", _BULLET_RE.sub("", text, count=1))
    marker = _MARKER_RE.match(text)
    if marker and (not marker.group("rest") or marker.group("number")):
        label = " ".join(
            part for part in (marker.group("marker").title(), marker.group("number")) if part
        )
        plural = marker.group("marker").lower().endswith("s") and not marker.group("number")
        return Block("marker", marker.group("rest").strip(), label=label, plural=plural)
    return Block("para", re.sub(r"^#{1,6}\s+", "", text))  # a Markdown heading's marks


_ABBREVIATION = re.compile(
    r"(?:\b[A-Z]|\bU\.S|\bU\.K|\be\.g|\bi\.e|\bMrs?|\bMs|\bDr|\bNo|\bSt|\bGen|\bLt|\bCol|\bvs"
    r"|\betc|\bapprox|\bInc|\bLtd|\bCo|\bJan|\bFeb|\bMar|\bApr|\bJun|\bJul|\bAug|\bSept?|\bOct"
    r"|\bNov|\bDec)\.$"
)
_SENTENCE_END = re.compile(r"[.!?][\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")


def sentences(paragraph: str) -> list[str]:
    """Split a paragraph into sentences, not at "U.S." or initials."""
    parts, start = [], 0
    for match in _SENTENCE_END.finditer(paragraph):
        # Only the head's last few characters can end in an abbreviation ("approx." is the
        # longest): search those, not the whole head, which grows across skipped ends.
        end = match.start() + 1
        if _ABBREVIATION.search(paragraph, max(start, end - 12), end):
            continue
        parts.append(paragraph[start : match.end()].strip())
        start = match.end()
    parts.append(paragraph[start:].strip())
    return [piece for part in parts if part for piece in _pieces(part)]


# No sentence of a report runs this long; text that does (a table pasted as one line, a
# run of punctuation) is read in pieces of at most this many characters, so that the work
# on each candidate stays bounded however the text is laid out.
MAX_SENTENCE = 2000


def _pieces(sentence: str) -> list[str]:
    """The sentence, or pieces of at most ``MAX_SENTENCE`` characters, cut at a space (by
    index: copying the rest of a long text at each cut would be quadratic)."""
    if len(sentence) <= MAX_SENTENCE:
        return [sentence]
    pieces, start = [], 0
    while len(sentence) - start > MAX_SENTENCE:
        cut = sentence.rfind(" ", start + MAX_SENTENCE // 2, start + MAX_SENTENCE)
        cut = cut if cut > 0 else start + MAX_SENTENCE
        pieces.append(sentence[start:cut].strip())
        start = cut
    pieces.append(sentence[start:].strip())
    return [piece for piece in pieces if piece]


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _is_heading(text: str) -> bool:
    return len(text) < 70 and not re.search(r"[.!?:;]$", text) and len(text.split()) <= 9


# --- Candidates ------------------------------------------------------------------------------


@dataclass
class _Raw:
    sentence: str
    label: str
    indicators: list[str]
    forced: bool  # a marked key judgement: a candidate even without estimative words


def _estimative(sentence: str) -> bool:
    return next(_term_hits(sentence), None) is not None


def _hedged_assessment(sentence: str) -> bool:
    has_hedge = bool(find_hedges(sentence) or _EXTRA_HEDGES.search(sentence))
    return has_hedge and bool(_ASSESSING.search(sentence))


def _split_judgement(paragraph: str, *, any_hedge: bool) -> tuple[str, list[str]] | None:
    """The judgement sentence of a paragraph and the sentences after it."""
    parts = sentences(paragraph)
    for index, sentence in enumerate(parts):
        if _estimative(sentence):
            return sentence, parts[index + 1 :]
    for index, sentence in enumerate(parts):
        hedged = find_hedges(sentence) or _EXTRA_HEDGES.search(sentence)
        if hedged and (any_hedge or _ASSESSING.search(sentence)):
            return sentence, parts[index + 1 :]
    return None


def _marked(items: list[Block]) -> list[_Raw]:
    raws: list[_Raw] = []
    section: str | None = None
    plural = False
    current: _Raw | None = None
    for block in items:
        if block.kind == "marker":
            section, plural, current = block.label, block.plural, None
            if block.text:
                block = Block("para", block.text)
            else:
                continue
        if section is None:
            continue
        if block.kind == "bullet":
            if current is not None:
                current.indicators.append(block.text)
            continue
        if current is not None and not plural:
            section = None  # the numbered judgement and its bullets are over
            continue
        if plural and _is_heading(block.text):
            section = None
            continue
        split = _split_judgement(block.text, any_hedge=True)
        if split is None and plural:
            continue
        sentence, rest = split or (sentences(block.text)[0], sentences(block.text)[1:])
        label = section if not plural else f"{section} {len(raws) + 1}"
        current = _Raw(sentence, label if not plural else "", list(rest), forced=not plural)
        raws.append(current)
    return raws


def _unmarked(items: list[Block]) -> list[_Raw]:
    raws: list[_Raw] = []
    current: _Raw | None = None
    for block in items:
        parts = sentences(block.text)
        found_here = False
        for sentence in parts:
            if _estimative(sentence) or _hedged_assessment(sentence):
                current = _Raw(sentence, "", [], forced=False)
                raws.append(current)
                found_here = True
            elif current is not None and (found_here or block.kind == "bullet"):
                current.indicators.append(sentence if block.kind == "para" else block.text)
                if block.kind == "bullet":
                    break
        if not found_here and block.kind == "para" and not _is_heading(block.text):
            current = None  # a new paragraph without judgements ends the last one's support
    return raws


def _title_and_summary(items: list[Block]) -> tuple[str, str]:
    title = ""
    rest = items
    first = items[0] if items else None
    looks_like_title = first and first.kind == "para" and len(first.text) <= 200
    if looks_like_title and not re.search(r"[.!?]$", first.text):
        title, rest = first.text, items[1:]
    summary_parts = []
    for block in rest:
        if block.kind == "marker":
            break
        if block.kind == "para":
            summary_parts.append(block.text)
    if not any(block.kind == "marker" for block in items):
        summary_parts = summary_parts[:1]
    return title, "\n\n".join(summary_parts)


# --- Scale -----------------------------------------------------------------------------------


def detect_scale(bases: list[str], *, default: str = "phia") -> tuple[str, str]:
    """The scale whose vocabulary the terms use, and why it was chosen."""
    if not bases:
        return default, "no estimative terms found; using the default scale"
    scores = {}
    counted = Counter(bases)
    for key in SCALE_ORDER:
        scale = SCALES[key]
        hits = sum(n for base, n in counted.items() if scale.find_term(base) is not None)
        scores[key] = (hits, key == default, -SCALE_ORDER.index(key))
    best = max(scores, key=lambda key: scores[key])
    fitting = [key for key in SCALE_ORDER if scores[key][0] == scores[best][0]]
    words = ", ".join(f"'{w}'" for w in dict.fromkeys(bases))
    if len(fitting) == 1:
        return best, f"the terms used ({words}) fit the {SCALES[best].name} best"
    names = " and ".join(SCALES[key].name for key in fitting)
    return best, f"the terms used ({words}) fit {names} equally; using the default"


# --- Putting it together ---------------------------------------------------------------------


def extract(
    text: str,
    *,
    published: dt.date,
    scale: str | None = None,
    default_scale: str = "phia",
    limit: int | None = None,
    max_indicators: int | None = None,
) -> Extraction:
    """Candidates for tracked judgements in a report (see the module docstring).

    With ``limit`` only the first ``limit`` candidates are worked out in full (the rest are
    counted, in ``found``), and with ``max_indicators`` only that many of each one's
    indicators (the rest counted, in ``indicators_found``): a request that shows a page of
    them does no more work than that page.
    """
    items = blocks(text)
    marked = any(block.kind == "marker" for block in items)
    raws = _marked(items) if marked else _unmarked(items)
    # The vocabulary of the first candidates tells the scale as well as all of them would.
    bases = [hit.base for raw in raws[:SCALE_SAMPLE] for hit in find_terms(raw.sentence)]
    if scale is not None:
        chosen, reason = get_scale(scale).key, "chosen by the analyst"
    else:
        chosen, reason = detect_scale(bases, default=default_scale)
    title, summary = _title_and_summary(items)
    candidates = [
        build_candidate(
            raw, scale=SCALES[chosen], published=published, max_indicators=max_indicators
        )
        for raw in raws[:limit]
    ]
    return Extraction(title, summary, chosen, reason, marked, candidates, found=len(raws))


def build_candidate(
    raw: _Raw, *, scale: Scale, published: dt.date, max_indicators: int | None = None
) -> Candidate:
    sentence = _squash(raw.sentence)
    evidence = [text for text in raw.indicators if text.strip()]
    frame = find_time_frame(sentence, published)
    default_end = _default_end(published)
    candidate = Candidate(
        sentence=sentence,
        statement="",
        scale=scale.key,
        window_start=frame.start if frame else published,
        # Past the calendar's end no window fits: an empty one the form refuses until set.
        window_end=frame.end if frame else default_end or published,
        time_frame=frame.text if frame else None,
        label=raw.label,
        indicators=[draft_indicator(text) for text in evidence[:max_indicators]],
        indicators_found=len(evidence),
    )
    if frame is None and default_end is None:
        candidate.review_reasons.append(
            f"no window fits after a publication date of {published.isoformat()}: "
            "check the publication date and set the window"
        )
    elif frame is None:
        candidate.review_reasons.append("no time frame in the text: 12 months assumed")
    else:
        candidate.marks.append(frame.span)
        if frame.past:
            candidate.review_reasons.append(
                f"the time frame '{frame.text}' ends before the publication date: "
                "12 months assumed, check the window"
            )
        elif frame.vague:
            candidate.review_reasons.append(f"vague time frame '{frame.text}': check the window")
    hit = _choose_term(candidate, find_terms(sentence), scale)
    _propose_number(candidate, hit, scale)
    candidate.statement = statement_for(sentence, hit, kent=scale.key == "kent")
    return candidate


def _choose_term(candidate: Candidate, hits: list[TermHit], scale: Scale) -> TermHit | None:
    sentence = candidate.sentence
    lowered = sentence.lower()
    distinct = dict.fromkeys(h.lower() for h in find_hedges(sentence))
    hedges = [h for h in distinct if not _inside_hit(lowered, h, hits)]
    hedges += [m.group(0) for m in _EXTRA_HEDGES.finditer(sentence)]
    for hedge in dict.fromkeys(h.lower() for h in hedges):
        candidate.review_reasons.append(f"hedge '{hedge}': not an estimate, decide the number")
    for hit in hits:
        candidate.marks.append((hit.start, hit.end))
    distinct = list(dict.fromkeys(hit.base for hit in hits))
    if not hits:
        if not hedges:
            candidate.review_reasons.append("no estimative words: decide the term and number")
        return None
    if len(distinct) > 1:
        words = " and ".join(f"'{base}'" for base in distinct)
        candidate.review_reasons.append(f"mixed or nested terms {words}: decide which holds")
        return None
    hit = hits[0]
    candidate.phrase, candidate.negated = hit.written, hit.negated
    if hit.not_before:
        candidate.review_reasons.append(
            f"'not' in front of '{hit.written}': the text does not say how likely"
        )
        return None
    if hedges:
        return hit  # the term is proposed; the hedge is flagged above
    return hit


def _inside_hit(lowered: str, hedge: str, hits: list[TermHit]) -> bool:
    # "possible" inside "realistic possibility" is part of a term, not a hedge.
    start = lowered.find(hedge)
    return any(hit.start <= start < hit.end for hit in hits)


def _term_on(scale: Scale, hit: TermHit) -> Term | None:
    if scale.key == "kent" and hit.negated and hit.base in _KENT_NEGATIVE:
        return scale.find_term(_KENT_NEGATIVE[hit.base])
    return scale.find_term(hit.base)


def _propose_number(candidate: Candidate, hit: TermHit | None, scale: Scale) -> None:
    number = find_number(candidate.sentence)
    term = _term_on(scale, hit) if hit is not None else None
    if hit is not None and term is None:
        candidate.review_reasons.append(f"'{hit.written}' is not a term on the {scale.name}")
    if term is not None:
        candidate.term = term.label
        candidate.probability = term.midpoint_probability.quantize(Decimal("0.0001"))
    if number is not None:
        value, span = number
        candidate.marks.append(span)
        candidate.number_in_text = True
        candidate.probability = value
        if term is not None and not term.contains_probability(value):
            candidate.review_reasons.append(
                f"the number {(value * 100).normalize():f}% lies outside '{term.label}' "
                f"({term.band_text})"
            )
        elif term is None and hit is None:
            candidate.term = scale.place(value).label


def mark_segments(sentence: str, *, published: dt.date) -> list[tuple[str, bool]]:
    """A sentence cut into pieces with its estimative words, number and time frame marked."""
    marks = [(hit.start, hit.end) for hit in find_terms(sentence)]
    number = find_number(sentence)
    frame = find_time_frame(sentence, published)
    marks += [number[1]] if number else []
    marks += [frame.span] if frame else []
    probe = Candidate(sentence, "", "phia", published, published, marks=marks)
    return probe.segments


# --- Statements ------------------------------------------------------------------------------

_LEAD_IN = re.compile(
    r"^(?:[A-Z]\.\s+)?(?:we|the\s+(?:ic|jic|committee|intelligence community))\s+"
    r"(?:continue\s+to\s+)?(?:assess|judge|estimate|believe|think)s?\s+"
    r"(?:with\s+[\w-]+(?:\s+confidence)\s+)?(?:that\s+)?",
    re.IGNORECASE,
)
_NUMBER_INSIDE = r"\s*\d{1,3}(?:\.\d+)?\s*(?:[-–]\s*\d{1,3}\s*)?(?:%|/|percent)"
# Bounded and starting only where a whitespace run starts, so that neither an unclosed
# "[5%" nor a long run of spaces is rescanned from every position (linear, not quadratic).
_CLEANUPS = (
    (re.compile(rf"(?<!\s)\s*\[(?:{_NUMBER_INSIDE}[^\[\]]{{0,200}})\]"), ""),
    (re.compile(rf"(?<!\s)\s*\((?:{_NUMBER_INSIDE}[^()]{{0,200}})\)"), ""),
)


def statement_for(sentence: str, hit: TermHit | None, *, kent: bool = False) -> str:
    """The proposition to score: the sentence without its estimative words.

    "North Korea is highly likely to conduct X" -> "North Korea will conduct X";
    "It is likely that X" -> "X"; "Kim almost certainly views X" -> "Kim views X".
    """
    text = sentence
    for pattern, replacement in _CLEANUPS:
        text = pattern.sub(replacement, text)
    if hit is not None:
        text = _without_term(text, hit, kent=kent)
    text = _LEAD_IN.sub("", _squash(text))
    text = re.sub(r"\s+([.,;:])", r"\1", text).strip(" ,;:")
    if not text:
        return sentence
    text = text[0].upper() + text[1:]
    return text if re.search(r"[.!?]$", text) else text + "."


def _without_term(text: str, hit: TermHit, *, kent: bool) -> str:
    phrase = _phrase_pattern(hit.written.lower())
    if hit.written.lower() in ("almost certainly not", "probably not"):
        phrase = _phrase_pattern(hit.written.lower().rsplit(" ", 1)[0]) + r"(?=\s+not\b)"
    it_is = r"(?:it\s+is|it's|it\s+remains)\s+(?:\w+\s+)?"
    there_is = r"(?:there\s+is|there's)\s+(?:\w+\s+)?(?:an?\s+)?"
    rules = (
        (rf"^(.*?)\b{it_is}{phrase}\s+that\s+", r"\1"),
        (rf"^(.*?)\b{there_is}{phrase}\s+(?:that\s+)?", r"\1"),
        (rf"^.*?\b(?:makes?|made)\s+it\s+{phrase}\s+that\s+", ""),
        (rf"\b(is|are)\s+(?:\w+ly\s+)?{phrase}\s+(not\s+)?to\s+(be\s+able\s+to\s+)?", "will \\2"),
        (rf"\b(was|were)\s+(?:\w+ly\s+)?{phrase}\s+(not\s+)?to\s+", "would \\2"),
        (rf"\s*,?\s*{phrase}\s*,?\s*", " "),
    )  # fmt: skip
    if hit.base == "chances about even":
        # Kent's clause: "(The) chances are about even that X" -> "X".
        rules = ((rf"^(.*?)\b(?:the\s+)?{phrase}\s+that\s+", r"\1"), *rules)
    for pattern, replacement in rules:
        new = re.sub(pattern, replacement, text, count=1, flags=re.IGNORECASE)
        if new != text:
            text = new
            break
    if kent and hit.negated:
        # On Kent the negation belongs to the term: the statement is the positive event.
        text = re.sub(rf"\b({_AUX})\s+not\b", r"\1", text, count=1, flags=re.IGNORECASE)
        text = re.sub(r"\bwon't\b", "will", text, count=1, flags=re.IGNORECASE)
        text = re.sub(r"\bwill\s+not\b", "will", text, count=1, flags=re.IGNORECASE)
        text = re.sub(r"^(.*?)\bnot\s+", r"\1", text, count=1, flags=re.IGNORECASE)
    return _squash(text)


# --- Estimative words inside a statement -------------------------------------------------


@dataclass(frozen=True)
class Wording:
    """A statement whose own words carry an estimate that disagrees with its number."""

    written: str  # the estimative words as written ("likely")
    term: str  # the term they name ("likely")
    band_text: str  # its band ("55–75%")
    scale_name: str
    bare: str  # the bare proposition, without the estimative words

    @property
    def message(self) -> str:
        return (
            f"The statement itself says '{self.written}' ({self.band_text} on the "
            f"{self.scale_name}), which disagrees with the estimate. The number is what is "
            "scored; the words are what readers see."
        )


def wording_disagrees(statement: str, probability, scale: Scale) -> Wording | None:
    """The estimative words of a statement, when they disagree with its estimate.

    The same term finding as the report import (``find_terms``) and its reading of negation:
    "X is likely to Y" names *likely*; "X almost certainly will not Y" names *almost
    certain* for the proposition "X will not Y" (on Kent, *almost certainly not* for "X will
    Y"). A term the site scale lacks is read on the first scale that has it. "Not likely"
    says no number, so it is left alone. The bare proposition is what ``statement_for`` would
    track.
    """
    if probability is None or not statement:
        return None
    value = Decimal(str(probability))
    for hit in find_terms(statement):
        if hit.not_before:
            continue
        term, on = _term_on(scale, hit), scale
        if term is None:
            for key in SCALE_ORDER:
                term, on = _term_on(SCALES[key], hit), SCALES[key]
                if term is not None:
                    break
        if term is None or term.contains_probability(value):
            continue
        bare = statement_for(statement, hit, kent=on.key == "kent")
        return Wording(hit.written, term.label, term.band_text, on.name, bare)
    return None

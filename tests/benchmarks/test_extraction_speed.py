"""Extraction is linear in its input (run with `make bench`): what one *Import report* request
does to a text (tidy it, find the candidates, work out the first page of them) on 100 KB,
1 MB and 5 MB of realistic prose and of pathological input, each of which used to take
quadratic time somewhere (issue 11). 1 MB must take under 2 s, and each step up in size may
cost no more than twice its factor (10x from 100 KB to 1 MB, 5x from 1 MB to 5 MB): room for
this shared machine's noise, while quadratic growth (100x, 25x) fails at once.
"""

import datetime as dt
import time

import pytest

from judgements import rules
from judgements.demo.loader import SAMPLE
from judgements.reports import documents
from judgements.reports.extraction import extract
from judgements.reports.views import MAX_CANDIDATES
from tests.data import real_sentences

SAMPLE_TEXT = SAMPLE.read_text(encoding="utf-8")
KB = 1024
SIZES = {"100 KB": 100 * KB, "1 MB": 1024 * KB, "5 MB": 5 * 1024 * KB}
HEAD = "We assess X will likely happen"


def _prose() -> str:
    """Unmarked prose: the real estimative sentences, each in a paragraph of context."""
    paragraphs = [
        f"{quote.sentence} Officials said the assessment drew on reporting from several "
        "sources (Reuters, 2024). Further detail is in the annex [12]."
        for quote in real_sentences.ALL
    ]
    return "\n\n".join(paragraphs)


def _repeat(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


KINDS = {
    # Realistic: copies of the sample report (marked key judgements, bullets, citations) and
    # unmarked prose built from real sentences of published assessments.
    "sample report": lambda size: _repeat(SAMPLE_TEXT + "\n\n", size),
    "real sentences": lambda size: _repeat(_prose() + "\n\n", size),
    # Pathological: the paste of issue 11, runs of mixed whitespace, punctuation that opens
    # and never closes, initials that look like sentence ends, terms back to back.
    "term + spaces": lambda size: HEAD + " " * size + "x.",
    "mixed whitespace": lambda size: HEAD + _repeat(" \t\xa0\n \n\t", size) + "x.",
    "dots and commas": lambda size: HEAD + _repeat(" . , ; :", size),
    "unclosed [5% (": lambda size: "likely " + _repeat("[5% (75% ", size),
    "initials": lambda size: "likely " + _repeat("A. ", size),
    "terms back to back": lambda size: _repeat("likely not ", size),
    "bullets": lambda size: _repeat("• It is likely in 2027 [1]\n", size),
}


def _run(text: str) -> tuple[float, int]:
    """Seconds for what the request does with a pasted text, and the candidates found."""
    started = time.perf_counter()
    tidied = documents.tidy(text)
    found = extract(
        tidied,
        published=dt.date(2026, 1, 5),
        limit=MAX_CANDIDATES,
        max_indicators=rules.MAX_INDICATORS_PER_JUDGEMENT,
    )
    return time.perf_counter() - started, found.found


@pytest.mark.parametrize("kind", list(KINDS))
def test_extraction_time_grows_linearly(kind, report):
    seconds = {}
    for label, size in SIZES.items():
        text = KINDS[kind](size)
        repeats = 1 if size > SIZES["1 MB"] else 3
        runs = [_run(text) for _ in range(repeats)]
        seconds[label] = min(run[0] for run in runs)
        found = runs[0][1]
    per_mb = {label: seconds[label] / (SIZES[label] / SIZES["1 MB"]) for label in SIZES}
    report(
        f"extraction, {kind:18s} "
        + "  ".join(f"{label}: {seconds[label]:6.3f} s" for label in SIZES)
        + f"  (per MB at 5 MB: {per_mb['5 MB']:.2f} s; candidates at 5 MB: {found})"
    )
    assert seconds["1 MB"] < 2.0
    assert seconds["5 MB"] < 5 * 2 * max(seconds["1 MB"], 0.05)
    assert seconds["1 MB"] < 10 * 2 * max(seconds["100 KB"], 0.02)

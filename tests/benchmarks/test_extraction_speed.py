"""How long extraction takes on large reports (run with `make bench`)."""

import datetime as dt
import time

import pytest

from judgements.demo.loader import SAMPLE
from judgements.reports.extraction import extract

SAMPLE_TEXT = SAMPLE.read_text(encoding="utf-8")


@pytest.mark.parametrize("megabytes", [1, 5])
def test_extraction_of_a_large_report_stays_within_seconds(megabytes):
    copies = megabytes * 1024 * 1024 // len(SAMPLE_TEXT.encode()) + 1
    text = "\n\n".join([SAMPLE_TEXT] * copies)
    started = time.perf_counter()
    found = extract(text, published=dt.date(2026, 1, 5))
    seconds = time.perf_counter() - started
    print(
        f"\nextract: {len(text.encode()) / 1048576:.1f} MB, {copies} copies of the sample, "
        f"{len(found.candidates)} candidates in {seconds:.2f} s"
    )
    assert len(found.candidates) == 3 * copies
    assert seconds < 30 * megabytes

import statistics
import time

import pytest


def timed(call, *, repeat: int = 30) -> dict[str, float]:
    """Median and 95th percentile, in milliseconds, of ``repeat`` calls after one warm-up."""
    call()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "median_ms": statistics.median(samples),
        "p95_ms": samples[max(0, round(0.95 * len(samples)) - 1)],
    }


@pytest.fixture
def report(capsys):
    """Print a benchmark line past pytest's capture, so `make bench` shows it."""

    def emit(line: str) -> None:
        with capsys.disabled():
            print(line)

    return emit

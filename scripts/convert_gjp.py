"""One-off: convert the Good Judgment Project sample into Yardstick interchange files.

Usage: python scripts/convert_gjp.py /path/to/data/gjp judgements/demo/gjp

Reads ``ifps.csv`` and ``survey_fcasts_mini.yr1.csv`` (Latin-1 with a few stray bytes) and
writes ``judgements.csv`` and ``estimates.csv`` (docs/design.md §7). Run once by hand; the
output is committed, and the project never reads the source data at run time.

Choices:
- Questions: plain yes/no ones (two options, "(a) Yes, (b) No", resolved a or b) that have
  forecasts in the mini file.
- Forecasters: the ``ANALYSTS`` most active on those questions (most forecasts, ties by
  id), renamed ``gjp-analyst-1`` … in a team "Geopolitics".
- One judgement per (forecaster, question); estimates are their probability of "Yes" over
  time, the first forecast being the first estimate. A forecast repeating the previous
  number is not a revision and is dropped; several at one moment keep the last.
- Window: from the forecaster's first forecast day to the question's scheduled close date
  (``date_to_close``); forecasts after that day are dropped (hindsight).
- Outcome: (a) occurred, on ``date_closed`` clamped into the window; (b) did not occur, and
  when the Project closed the question before its scheduled close (``date_closed`` inside the
  window and before its last day), settled on ``date_closed``: it was certain by then. (None
  of the questions with forecasts in the mini file closed early; the rule is there for a
  fuller release.)
- Topics: a region and a subject per question, read by hand from the question's text
  (``TOPICS``); questions without a region (commodity prices) have a subject only.
- Times: the release gives no time zone; timestamps are taken as UTC.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from collections import Counter, defaultdict
from pathlib import Path

ANALYSTS = 5
TEAM = "Geopolitics"
TOPICS = {
    "1001": "East Asia; Diplomacy",
    "1003": "Europe; Diplomacy",
    "1004": "Middle East; Diplomacy",
    "1005": "Latin America; Elections",
    "1006": "Europe; Economy",
    "1008": "Russia; Economy",
    "1010": "Economy",
    "1011": "East Asia; Economy",
    "1012": "Europe; Leadership",
    "1013": "Economy",
    "1015": "Middle East; Diplomacy",
    "1016": "Europe; Elections",
    "1017": "Africa; Leadership",
    "1018": "Middle East; Leadership",
}
ASSESSMENT = "Good Judgment Project, year 1 questions (IARPA ACE, 2011)"


def read_csv(path: Path) -> list[dict[str, str]]:
    """Decode as Windows-1252 where it can, byte by byte as Latin-1 where it cannot."""
    text = path.read_bytes().decode("cp1252", errors="ignore")
    if len(text) != path.stat().st_size:
        text = path.read_bytes().decode("latin-1")
    return list(csv.DictReader(io.StringIO(text)))


def us_date(value: str) -> dt.date:
    return dt.datetime.strptime(value.strip(), "%m/%d/%y").date()


def binary_questions(ifps: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {
        q["ifp_id"]: q
        for q in ifps
        if q["q_type"] == "0"
        and q["n_opts"] == "2"
        and q["options"].replace(" ", "").lower() == "(a)yes,(b)no"
        and q["outcome"] in ("a", "b")
    }


def yes_forecasts(rows, questions) -> dict[tuple[str, str], list[tuple[dt.datetime, float]]]:
    """(user, question) → [(time, probability of Yes)], sorted, one per moment."""
    by_moment: dict[tuple[str, str, dt.datetime], float] = {}
    for row in rows:
        if row["ifp_id"] not in questions or row["answer_option"] not in ("a", "b"):
            continue
        if not row["user_id"].isdigit() or row["value"] in ("", "NA"):
            continue
        moment = dt.datetime.fromisoformat(row["timestamp"]).replace(tzinfo=dt.UTC)
        value = float(row["value"])
        key = (row["user_id"], row["ifp_id"], moment)
        if row["answer_option"] == "a":
            by_moment[key] = value
        else:
            by_moment.setdefault(key, 1 - value)
    series: dict[tuple[str, str], list[tuple[dt.datetime, float]]] = defaultdict(list)
    for (user, ifp, moment), p in sorted(by_moment.items()):
        series[(user, ifp)].append((moment, round(min(max(p, 0.0), 1.0), 4)))
    return series


def most_active(series, count: int) -> list[str]:
    forecasts = Counter()
    for (user, _), history in series.items():
        forecasts[user] += len(history)
    return [user for user, _ in sorted(forecasts.items(), key=lambda kv: (-kv[1], int(kv[0])))][
        :count
    ]


def convert(source: Path, target: Path) -> tuple[int, int]:
    questions = binary_questions(read_csv(source / "ifps.csv"))
    series = yes_forecasts(read_csv(source / "survey_fcasts_mini.yr1.csv"), questions)
    analysts = {user: f"gjp-analyst-{n}" for n, user in enumerate(most_active(series, ANALYSTS), 1)}
    judgements, estimates = [], []
    for (user, ifp), history in sorted(series.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if user not in analysts:
            continue
        q = questions[ifp]
        start, end = history[0][0].date(), us_date(q["date_to_close"])
        history = [(t, p) for t, p in history if t.date() <= end]
        if end <= start:
            continue
        kept = [history[0]]
        for moment, p in history[1:]:
            if p != kept[-1][1]:
                kept.append((moment, p))
        name = analysts[user]
        reference = f"GJP-{ifp.split('-')[0]}-{name.rsplit('-', 1)[1]}"
        occurred = q["outcome"] == "a"
        closed = us_date(q["date_closed"])
        occurred_on = min(max(closed, start), end) if occurred else None
        settled_on = closed if not occurred and start <= closed < end else None
        judgements.append(
            {
                "reference": reference,
                "statement": " ".join(q["q_text"].split()),
                "resolution_criteria": " ".join(q["q_desc"].split()),
                "owner": name,
                "team": TEAM,
                "assessment": ASSESSMENT,
                "window_start": start.isoformat(),
                "window_end": end.isoformat(),
                "probability": kept[0][1],
                "confidence": "",
                "created_at": kept[0][0].isoformat(),
                "outcome": "occurred" if occurred else "did_not_occur",
                "occurred_on": occurred_on.isoformat() if occurred_on else "",
                "resolved_at": "",
                "resolution_note": (
                    f"Resolved by the Good Judgment Project (question {ifp}, closed "
                    f"{closed.isoformat()}): {'Yes' if occurred else 'No'}."
                ),
                "settled_on": settled_on.isoformat() if settled_on else "",
                "topics": TOPICS.get(ifp.split("-")[0], ""),
            }
        )
        estimates += [
            {
                "reference": reference,
                "made_at": moment.isoformat(),
                "probability": p,
                "confidence": "",
                "author": name,
                "rationale": "Revised forecast in the Good Judgment Project tournament.",
            }
            for moment, p in kept[1:]
        ]
    judgements.sort(key=lambda row: row["reference"])
    estimates.sort(key=lambda row: (row["reference"], row["made_at"]))
    write(target / "judgements.csv", judgements)
    write(target / "estimates.csv", estimates)
    return len(judgements), len(estimates)


def write(path: Path, rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    made, revised = convert(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"wrote {made} judgements and {revised} revisions")

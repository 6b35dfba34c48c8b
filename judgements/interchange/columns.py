"""The interchange files' columns (docs/design.md §7): one definition, read by the importer
and written by the exporter, so that export -> import loses nothing.

Each file has the contract's columns, then Yardstick's optional extra columns that make the
round trip lossless; files without the extras import fine.
"""

JUDGEMENT_COLUMNS = (
    "reference",
    "statement",
    "resolution_criteria",
    "owner",
    "team",
    "assessment",
    "window_start",
    "window_end",
    "probability",
    "confidence",
    "created_at",
    "outcome",
    "occurred_on",
    "resolved_at",
    "resolution_note",
)
JUDGEMENT_EXTRA = (
    "rationale",
    "created_by",
    "resolved_by",
    "resolution_source_url",
    # Issue 15: did not occur, settled before the window ended; the judgement's own topics
    # (names separated by ";", created if missing).
    "settled_on",
    "topics",
)
ESTIMATE_COLUMNS = ("reference", "made_at", "probability", "confidence", "author", "rationale")
INDICATOR_COLUMNS = (
    "reference",
    "observed_on",
    "direction",
    "strength",
    "summary",
    "source",
    "source_url",
    "reliability",
    "credibility",
    "logged_by",
    "logged_at",
)
INDICATOR_EXTRA = ("retracted_at", "retracted_by", "retraction_reason")
# Columns stored in bounded database fields: checked here so the database never refuses a row.
LENGTHS = {
    "reference": 32,
    "owner": 150,
    "team": 120,
    "assessment": 300,
    "created_by": 150,
    "resolved_by": 150,
}
# Yardstick's own optional file: the earlier resolutions of re-resolved judgements (the
# current one is in judgements.csv), so that an export carries every resolution.
RESOLUTION_COLUMNS = (
    "reference",
    "outcome",
    "occurred_on",
    "resolved_at",
    "resolved_by",
    "note",
    "source_url",
    "window_start",
    "window_end",
    "settled_on",
)
# Signposts (docs/design.md §2.10, §7.12): one row each; the indicator that showed one names
# it by its text in indicators.csv's ``signpost`` column.
SIGNPOST_COLUMNS = (
    "reference",
    "text",
    "direction",
    "expected_by",
    "created_at",
    "created_by",
    "seen_on",
    "seen_indicator",
    "lapsed_on",
    "withdrawn_at",
    "withdrawn_reason",
)
SIGNPOST_EXTRA = ("withdrawn_by",)
INDICATOR_SIGNPOST = ("signpost",)
REQUIRED = {
    "judgements.csv": ("reference", "statement", "owner", "team", "window_start", "probability"),
    "estimates.csv": ("reference", "made_at", "probability"),
    "indicators.csv": ("reference", "observed_on", "direction", "summary"),
    "resolutions.csv": ("reference", "outcome", "resolved_at", "window_start", "window_end"),
    "signposts.csv": ("reference", "text", "direction"),
}

FILES = {
    "judgements.csv": JUDGEMENT_COLUMNS + JUDGEMENT_EXTRA,
    "estimates.csv": ESTIMATE_COLUMNS,
    "indicators.csv": INDICATOR_COLUMNS + INDICATOR_EXTRA + INDICATOR_SIGNPOST,
    "resolutions.csv": RESOLUTION_COLUMNS,
    "signposts.csv": SIGNPOST_COLUMNS + SIGNPOST_EXTRA,
}

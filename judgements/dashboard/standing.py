"""Where the team is best and worst: one sentence for topics and one for horizons, for the
dashboard's ``_where_best.html`` partial (docs/design.md §6.6).

Groups are ranked by mean Brier (lower is better). A group with fewer than
``scoring.TOO_FEW`` scored judgements is too few to tell: it is not named best or worst, and
the sentence says so; with fewer than two groups big enough there is nothing to compare.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from judgements.core import scoring
from judgements.track_records.breakdowns import GroupRow


def _figure(label: str, card: scoring.Scorecard) -> str:
    return f"{label} (Brier {card.brier:.3f}, {card.resolved} judgements)"


def sentence(rows: Sequence[GroupRow], *, by: str, at: str) -> str:
    """E.g. "By topic, we are best on Korea (Brier 0.120, 34 judgements) and worst on Russia
    (Brier 0.310, 12 judgements)." ``by``: "topic" or "horizon"; ``at``: "on" or "at"."""
    standing = scoring.best_and_worst([(row.label, row.card) for row in rows])
    plural = {"topic": "topics", "horizon": "horizons"}[by]
    if standing.best is None or standing.worst is None:
        if standing.compared == 1:
            only = next(r.label for r in rows if r.card.resolved >= scoring.TOO_FEW)
            return (
                f"By {by}, too few to tell: only {only} has {scoring.TOO_FEW} or more scored "
                f"judgements, so there is nothing to compare it with."
            )
        return (
            f"By {by}, too few to tell: no two {plural} have {scoring.TOO_FEW} or more scored "
            f"judgements each."
        )
    text = (
        f"By {by}, we are best {at} {_figure(*standing.best)} and worst {at} "
        f"{_figure(*standing.worst)}."
    )
    if standing.too_few:
        text += f" Too few to tell: {', '.join(standing.too_few)}."
    return text


def standing_context(
    topic_rows: Sequence[GroupRow], horizon_rows: Sequence[GroupRow]
) -> dict[str, Any]:
    """What ``dashboard/_where_best.html`` needs."""
    return {
        "standing": [
            sentence(topic_rows, by="topic", at="on"),
            sentence(horizon_rows, by="horizon", at="at"),
        ],
        "too_few": scoring.TOO_FEW,
    }

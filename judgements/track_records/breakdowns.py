"""The figures of docs/design.md §4 by topic and by horizon, and discrimination: the context of
the track record's (and the dashboard's) topic, horizon and discrimination partials.

Each function takes plain ``scoring.Record`` values (one per judgement, or summaries from
``scorecards.topic_summary`` / ``horizon_summary``) and returns what one partial needs, so the
sections can move to another page with their one ``{% include %}`` line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from judgements.core import scales, scoring
from judgements.models import Topic
from judgements.track_records.charts import discrimination_chart


@dataclass(frozen=True)
class GroupRow:
    """One row of a by-topic or by-horizon table."""

    label: str
    card: scoring.Scorecard
    # Where the label links (the topic's page), and the judgement list behind the count.
    url: str
    figure_url: str
    too_few: bool

    @property
    def observed(self) -> float | None:
        card = self.card
        return card.occurred / card.resolved if card.resolved else None


def _with(figure_url: str, **params: Any) -> str:
    return f"{figure_url}&{urlencode(params)}" if figure_url else ""


def topic_rows(
    records: Sequence[scoring.Record],
    scale: scales.Scale,
    *,
    figure_url: str = "",
    topics: Sequence[Topic] | None = None,
) -> list[GroupRow]:
    """One row per topic (a judgement on two topics counts in both), each linking to the
    topic's page; one query for the topics' slugs unless ``topics`` are given."""
    groups = scoring.scorecards_by(records, "topic", scale)
    if topics is None:
        topics = list(Topic.objects.filter(name__in=[name for name, _ in groups]))
    by_name = {t.name: t for t in topics}
    rows = []
    for name, card in groups:
        topic = by_name.get(name)
        rows.append(
            GroupRow(
                label=name,
                card=card,
                url=topic.get_absolute_url() if topic else "",
                figure_url=_with(figure_url, topic=topic.slug) if topic else "",
                too_few=card.resolved < scoring.TOO_FEW,
            )
        )
    return rows


def horizon_rows(
    records: Sequence[scoring.Record], scale: scales.Scale, *, figure_url: str = ""
) -> list[GroupRow]:
    """One row per horizon bucket that holds any judgement, shortest first."""
    return [
        GroupRow(
            label=label,
            card=card,
            url="",
            figure_url=_with(figure_url, horizon=scoring.HORIZON_LABELS.index(label)),
            too_few=card.resolved < scoring.TOO_FEW,
        )
        for label, card in scoring.scorecards_by(records, "horizon", scale)
    ]


def breakdown_context(
    by_topic: Sequence[scoring.Record],
    by_horizon: Sequence[scoring.Record],
    *,
    scale: scales.Scale,
    figure_url: str = "",
    topics: Sequence[Topic] | None = None,
) -> dict[str, Any]:
    """What ``_by_topic_table.html`` and ``_by_horizon_table.html`` need."""
    return {
        "topic_rows": topic_rows(by_topic, scale, figure_url=figure_url, topics=topics),
        "horizon_rows": horizon_rows(by_horizon, scale, figure_url=figure_url),
        "too_few": scoring.TOO_FEW,
    }


def discrimination_context(card: scoring.Scorecard) -> dict[str, Any]:
    """What ``_discrimination.html`` needs: the mirrored histogram and the AUC."""
    d = card.discrimination
    return {"discrimination_chart": discrimination_chart(d.occurred, d.did_not_occur)}

"""Feed the pure scoring aggregates from the database: one query, whatever the numbers.

The scores themselves were computed once, when each judgement was resolved (``authoring.resolve``
and the importer both call ``scoring.score_judgement``) and stored on the ``Resolution``; this
module only reads them back as plain ``scoring.Record`` values.
"""

from __future__ import annotations

from django.db.models import QuerySet

from . import scales, scoring
from .models import Judgement


def records(judgements: QuerySet[Judgement]) -> list[scoring.Record]:
    """The resolved judgements of a queryset as plain records, in one query."""
    rows = (
        judgements.filter(resolution__isnull=False)
        .order_by()
        .values_list(
            "resolution__outcome",
            "resolution__p_final",
            "resolution__brier",
            "resolution__brier_time_averaged",
            "resolution__log_loss",
            "resolution__occurred_on",
            "resolution__window_end",
            "team__name",
            "owner__username",
            "assessment__title",
        )
    )
    return [
        scoring.Record(
            outcome=outcome,
            p_final=p_final,
            brier=brier,
            brier_time_averaged=time_averaged,
            log_loss=log_loss,
            closed_on=occurred_on or window_end,
            team=team or "",
            owner=owner or "",
            assessment=assessment or "",
        )
        for (
            outcome,
            p_final,
            brier,
            time_averaged,
            log_loss,
            occurred_on,
            window_end,
            team,
            owner,
            assessment,
        ) in rows
    ]


def scorecard(judgements: QuerySet[Judgement], scale_key: str) -> scoring.Scorecard:
    return scoring.Scorecard.build(records(judgements), scales.get_scale(scale_key))

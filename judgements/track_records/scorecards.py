"""Feed the pure scoring aggregates from the database: one query, whatever the numbers.

The scores themselves were computed once, when each judgement was resolved (``workflows.resolve``
and the importer both call ``scoring.score_judgement``) and stored on the ``Resolution``; this
module only reads them back as plain ``scoring.Record`` values.
"""

from __future__ import annotations

from django.db.models import Avg, Count, QuerySet
from django.db.models.functions import TruncQuarter

from judgements.core import scales, scoring
from judgements.models import Judgement, Resolution


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


def current_resolutions(judgements: QuerySet[Judgement]) -> QuerySet[Resolution]:
    """The resolutions that stand (not superseded) of some judgements."""
    return Resolution.objects.filter(is_current=True, judgement__in=judgements)


def summary(resolutions: QuerySet[Resolution]) -> list[scoring.Record]:
    """Current resolutions summed up by outcome, p_final and quarter of close.

    One grouped query over the resolution table whose result has at most (distinct numbers x
    outcomes x quarters) rows, however many judgements there are, so the dashboard stays as
    fast at 20,000 judgements as at 2,000. Each record carries its count and the mean of its
    stored scores; ``Scorecard.build`` weighs them.
    """
    rows = (
        resolutions.annotate(quarter=TruncQuarter("closed_on"))
        .order_by()
        .values_list("outcome", "p_final", "quarter")
        .annotate(
            n=Count("pk"),
            brier=Avg("brier"),
            time_averaged=Avg("brier_time_averaged"),
            log_loss=Avg("log_loss"),
        )
    )
    return [
        scoring.Record(
            outcome=outcome,
            p_final=p_final,
            brier=brier,
            brier_time_averaged=time_averaged,
            log_loss=log_loss,
            closed_on=quarter,
            n=n,
        )
        for outcome, p_final, quarter, n, brier, time_averaged, log_loss in rows
    ]


def scorecard(judgements: QuerySet[Judgement], scale_key: str) -> scoring.Scorecard:
    return scoring.Scorecard.build(records(judgements), scales.get_scale(scale_key))

"""Feed the pure scoring aggregates from the database: a fixed few queries, whatever the numbers.

The scores themselves were computed once, when each judgement was resolved (``workflows.resolve``
and the importer both call ``scoring.score_judgement``) and stored on the ``Resolution``; this
module only reads them back as plain ``scoring.Record`` values.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Avg, Count, Exists, F, OuterRef, QuerySet
from django.db.models.functions import TruncQuarter

from judgements.core import scales, scoring
from judgements.models import Judgement, Resolution, Topic


def topic_names(judgements: QuerySet[Judgement]) -> dict[int, tuple[str, ...]]:
    """Each judgement's topics (own and its assessment's), by name, in two queries."""
    own = Judgement.topics.through.objects.filter(judgement__in=judgements).values_list(
        "judgement_id", "topic__name"
    )
    inherited = judgements.filter(assessment__topics__isnull=False).values_list(
        "pk", "assessment__topics__name"
    )
    found: dict[int, set[str]] = {}
    for pk, name in [*own, *inherited]:
        found.setdefault(pk, set()).add(name)
    return {pk: tuple(sorted(names, key=str.casefold)) for pk, names in found.items()}


def records(judgements: QuerySet[Judgement]) -> list[scoring.Record]:
    """The resolved judgements of a queryset as plain records: one query for the rows, two
    for their topics."""
    resolved = judgements.filter(resolution__isnull=False).order_by()
    rows = resolved.values_list(
        "pk",
        "resolution__outcome",
        "resolution__p_final",
        "resolution__brier",
        "resolution__brier_time_averaged",
        "resolution__log_loss",
        "resolution__closed_on",
        "resolution__horizon",
        "team__name",
        "owner__username",
        "assessment__title",
    )
    topics = topic_names(resolved)
    return [
        scoring.Record(
            outcome=outcome,
            p_final=p_final,
            brier=brier,
            brier_time_averaged=time_averaged,
            log_loss=log_loss,
            closed_on=closed_on,
            team=team or "",
            owner=owner or "",
            assessment=assessment or "",
            topics=topics.get(pk, ()),
            horizon=horizon,
        )
        for (
            pk,
            outcome,
            p_final,
            brier,
            time_averaged,
            log_loss,
            closed_on,
            horizon,
            team,
            owner,
            assessment,
        ) in rows
    ]


def current_resolutions(judgements: QuerySet[Judgement]) -> QuerySet[Resolution]:
    """The resolutions that stand (not superseded) of some judgements."""
    return Resolution.objects.filter(is_current=True, judgement__in=judgements)


SCORES = {
    "n": Count("pk"),
    "brier": Avg("brier"),
    "time_averaged": Avg("brier_time_averaged"),
    "log_loss": Avg("log_loss"),
}


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
        .annotate(**SCORES)
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


def horizon_summary(resolutions: QuerySet[Resolution]) -> list[scoring.Record]:
    """Scored current resolutions summed up by horizon, outcome and p_final: one grouped
    query, at most 5 x 2 x (distinct numbers) rows. Feeds ``scorecards_by(…, "horizon")``."""
    rows = (
        resolutions.filter(horizon__isnull=False)
        .order_by()
        .values_list("horizon", "outcome", "p_final")
        .annotate(**SCORES)
    )
    return [
        scoring.Record(
            outcome=outcome,
            p_final=p_final,
            brier=brier,
            brier_time_averaged=time_averaged,
            log_loss=log_loss,
            closed_on=None,
            n=n,
            horizon=horizon,
        )
        for horizon, outcome, p_final, n, brier, time_averaged, log_loss in rows
    ]


def topic_summary(
    resolutions: QuerySet[Resolution], *, names: dict[int, str] | None = None
) -> list[scoring.Record]:
    """Current resolutions summed up by topic, outcome and p_final; feeds
    ``scorecards_by(…, "topic")``.

    Two grouped queries, on topic ids (the names come from ``names``, else one more query):
    through the judgements' own topics, and through their assessments' topics where the
    judgement does not also have the topic itself (so a judgement counts once per topic).
    """
    # Each query joins the topic link table once, named "topic", and filters on that name (a
    # filter on the relation itself would join it a second time and multiply the rows).
    own = resolutions.annotate(topic=F("judgement__topics")).filter(topic__isnull=False)
    own_link = Judgement.topics.through.objects.filter(
        judgement_id=OuterRef("judgement_id"), topic_id=OuterRef("topic")
    )
    inherited = (
        resolutions.annotate(topic=F("judgement__assessment__topics"))
        .filter(topic__isnull=False)
        .exclude(Exists(own_link))
    )
    rows = [
        row
        for query in (own, inherited)
        for row in query.order_by().values_list("topic", "outcome", "p_final").annotate(**SCORES)
    ]
    if names is None:
        names = dict(
            Topic.objects.filter(pk__in={row[0] for row in rows}).values_list("pk", "name")
        )
    return [
        scoring.Record(
            outcome=outcome,
            p_final=p_final,
            brier=brier,
            brier_time_averaged=time_averaged,
            log_loss=log_loss,
            closed_on=None,
            n=n,
            topics=(names[topic_id],),
        )
        for topic_id, outcome, p_final, n, brier, time_averaged, log_loss in rows
    ]


@dataclass(frozen=True)
class Owner:
    """An owner as a summary row names them; reads like a user for ``display.person``."""

    pk: int
    username: str
    name: str

    def get_username(self) -> str:
        return self.username

    def get_full_name(self) -> str:
        return self.name


def summary_by_owner(
    resolutions: QuerySet[Resolution],
) -> tuple[list[scoring.Record], dict[str, Owner]]:
    """``summary`` with the owner in the grouping, so one query gives the overall figures
    (all records) and each owner's (``scoring.scorecards_by(records, "owner", …)``); with the
    owners' names, keyed by username."""
    rows = (
        resolutions.annotate(quarter=TruncQuarter("closed_on"))
        .order_by()
        .values_list(
            "outcome",
            "p_final",
            "quarter",
            "judgement__owner_id",
            "judgement__owner__username",
            "judgement__owner__first_name",
            "judgement__owner__last_name",
        )
        .annotate(
            n=Count("pk"),
            brier=Avg("brier"),
            time_averaged=Avg("brier_time_averaged"),
            log_loss=Avg("log_loss"),
        )
    )
    records, owners = [], {}
    for outcome, p_final, quarter, pk, username, first, last, n, brier, averaged, loss in rows:
        owners[username] = Owner(pk, username, f"{first} {last}".strip() or username)
        records.append(
            scoring.Record(
                outcome=outcome,
                p_final=p_final,
                brier=brier,
                brier_time_averaged=averaged,
                log_loss=loss,
                closed_on=quarter,
                owner=username,
                n=n,
            )
        )
    return records, owners


def scorecard(judgements: QuerySet[Judgement], scale_key: str) -> scoring.Scorecard:
    return scoring.Scorecard.build(records(judgements), scales.get_scale(scale_key))

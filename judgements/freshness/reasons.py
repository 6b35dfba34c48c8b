"""Why estimates are due for a look, for a page of judgements at once (docs/design.md §5.12)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from judgements import rules
from judgements.models import Judgement, Signpost


def standing_signposts(judgement_ids: list[int]) -> dict[int, list[Signpost]]:
    """The signposts of many judgements, not withdrawn, in one query."""
    grouped: dict[int, list[Signpost]] = defaultdict(list)
    for signpost in Signpost.objects.standing().filter(judgement_id__in=judgement_ids):
        grouped[signpost.judgement_id].append(signpost)
    return grouped


def reasons_for(
    judgements: list[Judgement], *, now: dt.datetime
) -> dict[int, list[rules.StaleReason]]:
    """Each judgement due for a look with its reasons (``rules.stale_reasons``); judgements
    that are not due are left out. One query, whatever the number of judgements."""
    due = [j for j in judgements if j.is_due_for_a_look(now) and j.current_estimate is not None]
    signposts = standing_signposts([j.pk for j in due]) if due else {}
    found = {}
    for judgement in due:
        found[judgement.pk] = rules.stale_reasons(
            made_at=judgement.current_estimate.made_at,
            now=now,
            counts=(
                judgement.indicators_for,
                judgement.indicators_against,
                judgement.indicators_neutral,
            ),
            nth_indicator_at=None,
            signposts=signposts.get(judgement.pk, []),
        )
    return found


def sentence(reasons: list[rules.StaleReason]) -> str:
    """The reasons as one line: "92 days since the last estimate; 3 indicators since …"."""
    return "; ".join(reason.text for reason in reasons)

"""A realistic synthetic organisation for benchmarks and demos (``manage.py generate_dataset``).

Teams of analysts with a lead, assessments, judgements whose windows are spread over five
years, estimates revised towards what happened, indicators for and against, and resolutions
that follow the stated probabilities (with the overconfidence real analysts show, so the
calibration chart has something to say). Rows are written with ``bulk_create`` in batches,
scores are computed by the same ``Resolution.score`` that ``workflows.resolve`` uses.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from judgements import workflows
from judgements.access import Role, group_for
from judgements.models import (
    Assessment,
    ChangeAction,
    ChangeRecord,
    Confidence,
    Credibility,
    Direction,
    Estimate,
    Indicator,
    Judgement,
    Outcome,
    Reliability,
    Resolution,
    Strength,
    Team,
    Topic,
    TopicKind,
)

BATCH = 5000
TOPICS = [
    "conduct a ballistic missile test",
    "hold snap parliamentary elections",
    "default on its sovereign debt",
    "sign a border agreement",
    "expel foreign diplomats",
    "launch a cyber operation against a utility",
    "announce new sanctions",
    "deploy additional forces to the border",
    "resume formal negotiations",
    "nationalise a foreign-owned mine",
]
ACTORS = ["Country A", "Country B", "The regime", "The coalition", "The militia", "Group X"]
# The topic vocabulary of the synthetic organisation: assessments are filed under a region,
# judgements under up to two subjects (issue 15).
REGIONS = ["Region North", "Region South", "Region East", "Region West"]
SUBJECTS = ["Missiles", "Elections", "Economy", "Diplomacy", "Cyber", "Armed forces"]


@dataclass
class Generated:
    teams: int = 0
    users: int = 0
    judgements: int = 0
    estimates: int = 0
    indicators: int = 0
    resolutions: int = 0
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)


def _clip(p: float) -> float:
    return round(min(max(p, 0.01), 0.99), 2)


def _people(n_teams: int, analysts_per_team: int) -> tuple[list[Team], dict[int, list[User]]]:
    teams, members = [], {}
    analyst_group, lead_group = group_for(Role.ANALYST), group_for(Role.LEAD)
    for t in range(n_teams):
        team, _ = Team.objects.get_or_create(
            slug=f"gen-team-{t + 1}", defaults={"name": f"Generated team {t + 1}"}
        )
        people = []
        for i in range(analysts_per_team + 1):
            is_lead = i == 0
            username = f"gen-{'lead' if is_lead else 'analyst'}-{t + 1}-{i}"
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.set_unusable_password()
                user.email = f"{username}@yardstick.invalid"
                user.save()
            user.groups.add(lead_group if is_lead else analyst_group)
            team.members.add(user)
            if is_lead:
                team.leads.add(user)
            people.append(user)
        teams.append(team)
        members[team.pk] = people
    leadership = group_for(Role.LEADERSHIP)
    for i in range(3):
        user, created = User.objects.get_or_create(username=f"gen-leadership-{i + 1}")
        if created:
            user.set_unusable_password()
            user.save()
        user.groups.add(leadership)
    return teams, members


def generate(
    *, judgements: int, indicators_per_judgement: int = 20, seed: int = 7, today=None
) -> Generated:
    """Write ``judgements`` judgements with their history; returns what was written.

    Steps: people and teams; assessments; judgements with windows spread over five years;
    estimates (a first one and 0–3 revisions); outcomes drawn from a "true" probability the
    analyst overstates; resolutions with scores; indicators leaning towards the outcome; the
    current-estimate and resolution pointers set in two UPDATE statements.
    """
    started = timezone.now()
    rng = random.Random(seed)
    today = today or timezone.localdate()
    tz = timezone.get_current_timezone()
    n_teams = max(3, min(12, judgements // 2000))
    result = Generated()
    with transaction.atomic():
        teams, members = _people(n_teams, analysts_per_team=8)
        first = Judgement.objects.filter(reference__startswith="GEN-").count()
        assessments = Assessment.objects.bulk_create(
            [
                Assessment(
                    title=f"Generated assessment {first + a + 1}",
                    published_on=today - dt.timedelta(days=rng.randint(30, 5 * 365)),
                    team=teams[a % n_teams],
                )
                for a in range(max(1, judgements // 8))
            ]
        )
        plans = [
            _plan(i + first, rng, today, teams, members, assessments) for i in range(judgements)
        ]
        created = Judgement.objects.bulk_create([p.judgement for p in plans], batch_size=BATCH)
        for plan, row in zip(plans, created, strict=True):
            plan.judgement = row
        _file_under_topics(assessments, created, rng)
        _write_history(plans, rng, tz, today, indicators_per_judgement, result)
        workflows.after_bulk_write([p.judgement.pk for p in plans])
    result.teams, result.judgements = n_teams, len(plans)
    result.users = sum(len(v) for v in members.values()) + 3
    result.seconds = (timezone.now() - started).total_seconds()
    return result


def _file_under_topics(assessments, judgements, rng) -> None:
    """Each assessment under one region, each judgement under none, one or two subjects."""
    regions = [
        Topic.objects.get_or_create(
            slug=f"gen-{name.lower().replace(' ', '-')}",
            defaults={"name": name, "kind": TopicKind.REGION},
        )[0]
        for name in REGIONS
    ]
    subjects = [
        Topic.objects.get_or_create(
            slug=f"gen-{name.lower().replace(' ', '-')}",
            defaults={"name": name, "kind": TopicKind.SUBJECT},
        )[0]
        for name in SUBJECTS
    ]
    filed = Assessment.topics.through
    filed.objects.bulk_create(
        [filed(assessment=a, topic=rng.choice(regions)) for a in assessments], batch_size=BATCH
    )
    own = Judgement.topics.through
    rows = [
        own(judgement=j, topic=topic)
        for j in judgements
        for topic in rng.sample(subjects, rng.choice([0, 1, 1, 2]))
    ]
    own.objects.bulk_create(rows, batch_size=BATCH)


@dataclass
class _Plan:
    judgement: Judgement
    true_p: float
    outcome: str | None
    occurred_on: dt.date | None
    probabilities: list[float]
    settled_on: dt.date | None = None


def _plan(i, rng, today, teams, members, assessments) -> _Plan:
    team = teams[i % len(teams)]
    owner = rng.choice(members[team.pk][1:])
    length = rng.choice([90, 182, 365, 365, 365, 365])
    start = today - dt.timedelta(days=rng.randint(0, 5 * 365))
    end = start + dt.timedelta(days=length)
    true_p = rng.betavariate(1.2, 1.2)
    happens = rng.random() < true_p
    first_p = _clip(0.5 + (true_p - 0.5) * 1.35 + rng.gauss(0, 0.12))
    outcome = occurred_on = None
    if happens:
        day = start + dt.timedelta(days=rng.randint(0, length))
        if day < today:
            outcome, occurred_on = Outcome.OCCURRED, day
    elif end < today - dt.timedelta(days=90) or (end < today and rng.random() < 0.7):
        # Old windows are all resolved; a few recent ones still await resolution.
        outcome = Outcome.DID_NOT_OCCUR
    settled_on = None
    old_enough = end < today - dt.timedelta(days=30)
    if outcome == Outcome.DID_NOT_OCCUR and old_enough and rng.random() < 0.3:
        # It became certain before the window ended (the vote was held, the deadline of the
        # thing itself passed): resolved as settled early.
        settled_on = start + dt.timedelta(days=rng.randint(length // 3, length - 1))
    if outcome is not None and rng.random() < 0.03:
        outcome, occurred_on, settled_on = Outcome.ANNULLED, None, None
    probabilities = [first_p]
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
        drift = (0.15 if happens else -0.15) + rng.gauss(0, 0.1)
        probabilities.append(_clip(probabilities[-1] + drift))
    judgement = Judgement(
        reference=f"GEN-{start.year}-{i + 1:06d}",
        statement=f"{rng.choice(ACTORS)} will {rng.choice(TOPICS)} before {end:%-d %B %Y}.",
        resolution_criteria="Confirmed by two independent open sources.",
        owner=owner,
        team=team,
        assessment=rng.choice(assessments) if rng.random() < 0.7 else None,
        window_start=start,
        window_end=end,
        created_by=owner,
        created_at=timezone.make_aware(dt.datetime.combine(start, dt.time(9))),
    )
    return _Plan(judgement, true_p, outcome, occurred_on, probabilities, settled_on)


def _write_history(plans, rng, tz, today, per_judgement, result: Generated) -> None:
    estimates, resolutions, indicators, changes = [], [], [], []
    now = timezone.now()
    for plan in plans:
        j = plan.judgement
        last_day = min(j.window_end, plan.occurred_on or j.window_end, today)
        span = max((last_day - j.window_start).days, 1)
        history = []
        revisions = min(len(plan.probabilities) - 1, span)
        offsets = [0, *sorted(rng.sample(range(1, span + 1), revisions))]
        for k, (p, offset) in enumerate(zip(plan.probabilities, offsets, strict=False)):
            made_at = j.created_at + dt.timedelta(days=offset, hours=k)
            if k and made_at >= now:
                continue
            history.append((made_at, p))
            estimates.append(
                Estimate(
                    judgement=j,
                    probability=Decimal(str(p)),
                    confidence=rng.choice(Confidence.values),
                    rationale="Initial estimate." if k == 0 else "Revised on new reporting.",
                    author=j.owner,
                    made_at=made_at,
                )
            )
        changes.append(
            ChangeRecord(judgement=j, action=ChangeAction.CREATED, actor=j.owner, at=j.created_at)
        )
        if plan.outcome is not None:
            resolutions.append(_resolution(plan, history, tz, rng))
        indicators.extend(_indicators(plan, rng, today, per_judgement))
    Estimate.objects.bulk_create(estimates, batch_size=BATCH)
    Resolution.objects.bulk_create(resolutions, batch_size=BATCH)
    ChangeRecord.objects.bulk_create(changes, batch_size=BATCH)
    Indicator.objects.bulk_create(indicators, batch_size=BATCH)
    result.estimates, result.resolutions = len(estimates), len(resolutions)
    result.indicators = len(indicators)


def _resolution(plan: _Plan, history, tz, rng) -> Resolution:
    j = plan.judgement
    closed_on = plan.occurred_on or plan.settled_on or j.window_end
    resolved_on = closed_on + dt.timedelta(days=rng.randint(1, 20))
    resolution = Resolution(
        judgement=j,
        outcome=plan.outcome,
        occurred_on=plan.occurred_on,
        settled_on=plan.settled_on,
        note="Resolved from open reporting.",
        resolved_by=j.owner,
        resolved_at=timezone.make_aware(dt.datetime.combine(resolved_on, dt.time(10))),
        window_start=j.window_start,
        window_end=j.window_end,
    )
    resolution.score(history)
    return resolution


def _indicators(plan: _Plan, rng, today, per_judgement) -> list[Indicator]:
    j = plan.judgement
    last_day = min(j.window_end, today)
    span = max((last_day - j.window_start).days, 0)
    happens = plan.outcome == Outcome.OCCURRED or plan.true_p > 0.5
    rows = []
    for _ in range(max(0, int(rng.gauss(per_judgement, per_judgement / 4)))):
        observed = j.window_start + dt.timedelta(days=rng.randint(0, span))
        leaning = rng.random() < 0.65
        direction = (
            Direction.NEUTRAL
            if rng.random() < 0.1
            else (Direction.SUPPORTS if leaning == happens else Direction.UNDERMINES)
        )
        rows.append(
            Indicator(
                judgement=j,
                observed_on=observed,
                summary=f"Reporting of {rng.choice(TOPICS)} activity.",
                direction=direction,
                strength=rng.choice(Strength.values),
                source="Open-source reporting",
                reliability=rng.choice(Reliability.values),
                credibility=rng.choice(Credibility.values),
                logged_by=j.owner,
                logged_at=timezone.make_aware(dt.datetime.combine(observed, dt.time(12))),
            )
        )
    return rows

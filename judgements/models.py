"""The domain of docs/design.md §2: teams, assessments, key judgements and what hangs off them.

Estimates, indicators, resolutions, alerts and change records are append-only rows: a revision
adds a row, a wrong indicator is retracted (not deleted), a re-resolution adds a resolution.
Two pointers on a judgement (``current_estimate``, ``resolution``) name the latest row so that
lists and the dashboard need no subquery; they are only ever set by the workflows in
``workflows.py`` and, after a bulk write, by ``JudgementQuerySet.point_at_latest``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from judgements.core import scales, scoring
from judgements.core.dates import MAX_DATE, MIN_DATE
from judgements.display import percent

if TYPE_CHECKING:
    pass


class Team(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="teams", blank=True)
    leads = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="led_teams", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TopicKind(models.TextChoices):
    REGION = "region", "Region"
    SUBJECT = "subject", "Subject"


class Topic(models.Model):
    """A term of the controlled vocabulary judgements and assessments are filed under
    (docs/design.md §2.11): a region (North Korea) or a subject (missile programmes).

    Managed by team leads and admins (``access.can_manage_topics``). A retired topic stays on
    what it was given to, is still scored, but is no longer offered for new filing.
    """

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=10, choices=TopicKind.choices, default=TopicKind.SUBJECT)
    description = models.TextField(blank=True)
    retired = models.BooleanField(
        default=False, help_text="No longer offered for filing; kept where it was given."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=TopicKind.values), name="topic_kind_valid"),
            models.CheckConstraint(condition=~Q(name=""), name="topic_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("topic-detail", args=[self.slug])


def free_topic_slug(name: str) -> str:
    """The slug of a topic name, numbered if another topic has it ("new" is taken by the
    address of the form that adds a topic)."""
    base = slugify(name)[:70] or "topic"
    slug, n = base, 1
    while slug == "new" or Topic.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


class Assessment(models.Model):
    """A published product (report) that states key judgements."""

    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    published_on = models.DateField()
    source = models.CharField(
        max_length=500, blank=True, help_text="URL or document reference of the report."
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="assessments")
    created_at = models.DateTimeField(default=timezone.now)
    # Every judgement of the assessment inherits these (docs/design.md §2.11).
    topics = models.ManyToManyField(Topic, related_name="assessments", blank=True)

    class Meta:
        ordering = ["-published_on", "title"]

    def __str__(self) -> str:
        return self.title


class Confidence(models.TextChoices):
    LOW = "low", "Low"
    MODERATE = "moderate", "Moderate"
    HIGH = "high", "High"


class Outcome(models.TextChoices):
    OCCURRED = "occurred", "Occurred"
    DID_NOT_OCCUR = "did_not_occur", "Did not occur"
    ANNULLED = "annulled", "Annulled"


class Status(models.TextChoices):
    OPEN = "open", "Open"
    EXPIRING = "expiring", "Expiring"
    AWAITING = "awaiting", "Awaiting resolution"
    RESOLVED = "resolved", "Resolved"
    ANNULLED = "annulled", "Annulled"


def site_scale() -> scales.Scale:
    """The organisation's scale (``YARDSTICK_SCALE``): the terms every page shows."""
    return scales.get_scale(settings.YARDSTICK_SCALE)


def warning_days() -> int:
    """The first alert threshold: a judgement is *expiring* within it."""
    return max(settings.YARDSTICK_ALERT_DAYS_BEFORE)


# "Live": unresolved with the window still open, i.e. open or expiring (docs/design.md §2.8).
LIVE = "live"


def status_condition(status: str, *, today: dt.date) -> Q:
    """The SQL form of ``Judgement.status``: a condition selecting one derived status, or
    ``LIVE`` (open or expiring)."""
    horizon = today + dt.timedelta(days=warning_days())
    unresolved = Q(resolution__isnull=True)
    if status == LIVE:
        return unresolved & Q(window_end__gte=today)
    if status == Status.OPEN:
        return unresolved & Q(window_end__gt=horizon)
    if status == Status.EXPIRING:
        return unresolved & Q(window_end__gte=today, window_end__lte=horizon)
    if status == Status.AWAITING:
        return unresolved & Q(window_end__lt=today)
    if status == Status.RESOLVED:
        return Q(resolution__outcome__in=[Outcome.OCCURRED, Outcome.DID_NOT_OCCUR])
    if status == Status.ANNULLED:
        return Q(resolution__outcome=Outcome.ANNULLED)
    raise ValueError(f"unknown status {status!r}")


def look_condition(now: dt.datetime) -> Q:
    """The SQL form of "due for a look" (docs/design.md §5.12): unresolved, the window not yet
    over (a revision is still possible), and the stored moment it fell due has passed."""
    today = timezone.localdate(now)
    return Q(resolution__isnull=True, window_end__gte=today, look_due_at__lte=now)


def topic_condition(topic: Topic | int, *, prefix: str = "") -> Q:
    """The judgements (at ``prefix``, e.g. "judgement__") that carry a topic: their own, or
    their assessment's. Two uncorrelated IN subqueries on the judgement's key (the database
    hashes each once, and a resolution needs no join to its judgement), so a judgement never
    appears twice."""
    topic_id = topic.pk if isinstance(topic, Topic) else topic
    own = Judgement.topics.through.objects.filter(topic_id=topic_id).values("judgement_id")
    filed = Assessment.topics.through.objects.filter(topic_id=topic_id).values("assessment_id")
    inherited = Judgement.objects.filter(assessment_id__in=filed).values("pk")
    return Q(**{f"{prefix}pk__in": own}) | Q(**{f"{prefix}pk__in": inherited})


class JudgementQuerySet(models.QuerySet["Judgement"]):
    def unresolved(self) -> JudgementQuerySet:
        return self.filter(resolution__isnull=True)

    def due_for_a_look(self, now: dt.datetime) -> JudgementQuerySet:
        """Judgements whose current estimate is due for a look, through the partial index."""
        return self.filter(look_condition(now))

    def with_status(self, status: str, *, today: dt.date) -> JudgementQuerySet:
        """Judgements whose derived status (see ``Judgement.status``) is ``status``."""
        return self.filter(status_condition(status, today=today))

    def on_topic(self, topic: Topic) -> JudgementQuerySet:
        """Judgements filed under a topic, their own or their assessment's."""
        return self.filter(topic_condition(topic))

    def contested(self) -> JudgementQuerySet:
        """Unresolved judgements whose indicators since the last estimate run against it: at
        least two against, and more against than for (docs/design.md §2)."""
        return self.unresolved().filter(
            indicators_against__gt=F("indicators_for"), indicators_against__gte=2
        )

    def point_at_latest(self) -> int:
        """Point each judgement at its latest estimate and resolution (for bulk writers and
        ``check_integrity --fix``); only the pointed-at resolution stays current."""
        updated = self.update(current_estimate=latest_estimate(), resolution=latest_resolution())
        Resolution.objects.filter(judgement__in=self, is_current=True).exclude(
            pk__in=self.filter(resolution__isnull=False).values("resolution")
        ).update(is_current=False)
        Resolution.objects.filter(
            pk__in=self.filter(resolution__isnull=False).values("resolution"), is_current=False
        ).update(is_current=True)
        return updated

    def with_latest(self) -> JudgementQuerySet:
        """Annotate ``latest_estimate_id`` and ``latest_resolution_id``: the rows the two
        pointers must name."""
        return self.annotate(
            latest_estimate_id=latest_estimate(), latest_resolution_id=latest_resolution()
        )

    def with_counted_balance(self) -> JudgementQuerySet:
        """Annotate ``counted_for``, ``counted_against`` and ``counted_neutral``: the balance
        recounted from the indicator rows (what ``indicators_for`` / ``_against`` /
        ``_neutral`` must equal)."""
        return self.annotate(
            counted_for=_balance_count(Direction.SUPPORTS),
            counted_against=_balance_count(Direction.UNDERMINES),
            counted_neutral=_balance_count(Direction.NEUTRAL),
        )

    def refresh_balance(self) -> int:
        """Set the stored balance to the recount, in one UPDATE (the workflows call it under
        the judgement's row lock after every change that can move it)."""
        return self.update(
            indicators_for=_balance_count(Direction.SUPPORTS),
            indicators_against=_balance_count(Direction.UNDERMINES),
            indicators_neutral=_balance_count(Direction.NEUTRAL),
        )

    def recount_balance(self, batch: int = 2000) -> int:
        """Recompute the stored indicator balance from the indicator rows themselves.

        For bulk writers (import, the dataset generator), once afterwards: one grouped count
        and one bulk update per batch of judgements.
        """
        ids = list(self.order_by().values_list("pk", flat=True))
        for start in range(0, len(ids), batch):
            chunk = ids[start : start + batch]
            counted = (
                counted_indicators()
                .filter(judgement_id__in=chunk)
                .values_list("judgement_id", "direction")
                .annotate(n=Count("pk"))
                .order_by()
            )
            tally = {(pk, direction): n for pk, direction, n in counted}
            counted_pks = {pk for pk, _ in tally}
            # Judgements with nothing to count are zeroed in one statement; only the others
            # need a row each.
            Judgement.objects.filter(pk__in=chunk).exclude(pk__in=counted_pks).filter(
                Q(indicators_for__gt=0) | Q(indicators_against__gt=0) | Q(indicators_neutral__gt=0)
            ).update(indicators_for=0, indicators_against=0, indicators_neutral=0)
            rows = [
                Judgement(
                    pk=pk,
                    indicators_for=tally.get((pk, Direction.SUPPORTS), 0),
                    indicators_against=tally.get((pk, Direction.UNDERMINES), 0),
                    indicators_neutral=tally.get((pk, Direction.NEUTRAL), 0),
                )
                for pk in counted_pks
            ]
            Judgement.objects.bulk_update(
                rows,
                ["indicators_for", "indicators_against", "indicators_neutral"],
                batch_size=500,
            )
        return len(ids)


def latest_estimate() -> Subquery:
    """The current estimate of the outer judgement: the latest by ``made_at``, on a tie the
    later recorded (docs/design.md §2.4)."""
    rows = Estimate.objects.filter(judgement=OuterRef("pk")).order_by("-made_at", "-pk")
    return Subquery(rows.values("pk")[:1])


def latest_resolution() -> Subquery:
    """The current resolution of the outer judgement: the latest by ``resolved_at``, on a
    tie the later recorded (docs/design.md §2.7)."""
    rows = Resolution.objects.filter(judgement=OuterRef("pk")).order_by("-resolved_at", "-pk")
    return Subquery(rows.values("pk")[:1])


def counted_indicators() -> IndicatorQuerySet:
    """The indicators a judgement's balance counts (docs/design.md §2.6; the neutral ones
    for the freshness watch, §5.12): active, logged strictly after its current estimate was
    made."""
    return Indicator.objects.filter(
        retracted_at__isnull=True,
        direction__in=Direction.values,
        logged_at__gt=F("judgement__current_estimate__made_at"),
    )


def _balance_count(direction: str) -> Coalesce:
    """How many ``counted_indicators`` of one direction the outer judgement has (SQL)."""
    counted = (
        counted_indicators()
        .filter(judgement=OuterRef("pk"), direction=direction)
        .order_by()
        .values("judgement")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


# References appear in URLs and emails (KJ-2026-0007, GJP-1004-2).
REFERENCE_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._-]*"


class Judgement(models.Model):
    """One resolvable proposition with a window, an owner and a history of estimates."""

    reference = models.CharField(
        max_length=32,
        unique=True,
        validators=[
            RegexValidator(
                rf"^{REFERENCE_PATTERN}\Z",
                "Use only letters, digits, '.', '_' and '-' in a reference.",
            )
        ],
    )
    statement = models.TextField()
    resolution_criteria = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_judgements"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="judgements")
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="judgements"
    )
    window_start = models.DateField()
    window_end = models.DateField()
    watchers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Watch", related_name="watched_judgements", blank=True
    )
    # The judgement's own topics; it also carries its assessment's (``topic_condition``).
    topics = models.ManyToManyField(Topic, related_name="judgements", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Latest rows, set only by the workflows (create, revise, resolve) and point_at_latest.
    current_estimate = models.OneToOneField(
        "Estimate", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution = models.OneToOneField(
        "Resolution", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # When the expiry watch next has something to do for this judgement (null: nothing).
    next_alert_at = models.DateTimeField(null=True, blank=True)
    # Active indicators for / against logged since the current estimate: kept current by the
    # workflows in workflows.py so lists and the dashboard need no join over indicators.
    indicators_for = models.PositiveIntegerField(default=0, editable=False)
    indicators_against = models.PositiveIntegerField(default=0, editable=False)
    # Neutral ones too: every active indicator counts towards "due for a look" (§5.12).
    indicators_neutral = models.PositiveIntegerField(default=0, editable=False)
    # Freshness (docs/design.md §5.12): the moment the current estimate is (or will be) due for a
    # look, kept by the workflows from the facts (rules.look_due_at); null once resolved.
    look_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When the freshness scan next has something to do for this judgement (null: nothing).
    next_look_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Staleness reasons already nudged in this episode (the current estimate), comma-separated.
    nudged = models.CharField(max_length=40, blank=True, default="", editable=False)
    # Counts the changes to what the edit form shows (statement, criteria, assessment, owner,
    # watchers, window, and resolving, which fixes the window). The form carries the version
    # it was read at; a save over a newer one is refused instead of overwriting it.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = JudgementQuerySet.as_manager()

    class Meta:
        ordering = ["window_end", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_end__gt=F("window_start")),
                name="judgement_window_end_after_start",
                violation_error_message="The window must end after it starts.",
            ),
            models.CheckConstraint(
                condition=~Q(reference=""), name="judgement_reference_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(window_start__gte=MIN_DATE, window_end__lte=MAX_DATE),
                name="judgement_window_in_supported_years",
                violation_error_message="The window must lie between 1900 and 2200.",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_alert_at"],
                name="judgement_alert_due_idx",
                condition=Q(next_alert_at__isnull=False),
            ),
            models.Index(fields=["team", "window_end"], name="judgement_team_window_idx"),
            models.Index(fields=["window_end"], name="judgement_window_end_idx"),
            models.Index(
                fields=["window_end"],
                name="judgement_unresolved_idx",
                condition=Q(resolution__isnull=True),
            ),
            models.Index(
                fields=["next_look_at"],
                name="judgement_look_scan_idx",
                condition=Q(next_look_at__isnull=False),
            ),
            models.Index(
                fields=["look_due_at"],
                name="judgement_look_due_idx",
                condition=Q(resolution__isnull=True, look_due_at__isnull=False),
            ),
            models.Index(
                F("indicators_against").desc(),
                "window_end",
                name="judgement_contested_idx",
                condition=Q(
                    resolution__isnull=True,
                    indicators_against__gte=2,
                    indicators_against__gt=F("indicators_for"),
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.statement[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("judgement-detail", args=[self.reference])

    def status(self, today: dt.date | None = None) -> Status:
        """Derived from the window and the resolution; never stored."""
        today = today or timezone.localdate()
        if self.resolution is not None:
            if self.resolution.outcome == Outcome.ANNULLED:
                return Status.ANNULLED
            return Status.RESOLVED
        if self.window_end < today:
            return Status.AWAITING
        if (self.window_end - today).days <= warning_days():
            return Status.EXPIRING
        return Status.OPEN

    def is_due_for_a_look(self, now: dt.datetime | None = None) -> bool:
        """``look_condition`` for one judgement: its estimate is due for a look."""
        now = now or timezone.now()
        return (
            self.resolution_id is None
            and self.window_end >= timezone.localdate(now)
            and self.look_due_at is not None
            and self.look_due_at <= now
        )

    def days_left(self, today: dt.date | None = None) -> int:
        """Days until the window ends (0 on the last day, negative once it is over)."""
        today = today or timezone.localdate()
        return (self.window_end - today).days

    def days_overdue(self, today: dt.date | None = None) -> int:
        return -self.days_left(today)

    def window_progress(self, today: dt.date | None = None) -> float:
        """Share of the window elapsed, 0 to 1."""
        today = today or timezone.localdate()
        total = (self.window_end - self.window_start).days + 1
        done = (today - self.window_start).days
        return min(max(done / total, 0.0), 1.0)

    def indicators_since_estimate(self) -> dict[str, list[Indicator]]:
        """Active indicators logged since the current estimate was made, for and against."""
        found = self.indicators.active().order_by("observed_on", "pk")
        if self.current_estimate is not None:
            found = found.filter(logged_at__gt=self.current_estimate.made_at)
        grouped: dict[str, list[Indicator]] = {"for": [], "against": []}
        for indicator in found.exclude(direction=Direction.NEUTRAL):
            side = "for" if indicator.direction == Direction.SUPPORTS else "against"
            grouped[side].append(indicator)
        return grouped

    def all_topics(self) -> list[Topic]:
        """Its own topics and its assessment's, each once, by name. Prefetch ``topics`` and
        ``assessment__topics`` for lists."""
        found = {topic.pk: topic for topic in self.topics.all()}
        if self.assessment_id is not None:
            found.update({topic.pk: topic for topic in self.assessment.topics.all()})
        return sorted(found.values(), key=lambda topic: topic.name.casefold())

    def placement(self, scale_key: str | None = None) -> scales.Placement | None:
        if self.current_estimate is None:
            return None
        scale = scales.get_scale(scale_key or settings.YARDSTICK_SCALE)
        return scale.place(self.current_estimate.probability)


class Watch(models.Model):
    """A user who also gets a judgement's alerts; ``muted`` silences them for that user."""

    judgement = models.ForeignKey(Judgement, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    muted = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["judgement", "user"], name="watch_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} watches {self.judgement.reference}"


PROBABILITY_VALIDATORS = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))]


class Estimate(models.Model):
    """A probability stated at a moment. Append-only: a revision adds a row."""

    judgement = models.ForeignKey(Judgement, on_delete=models.CASCADE, related_name="estimates")
    probability = models.DecimalField(
        max_digits=5, decimal_places=4, validators=PROBABILITY_VALIDATORS
    )
    confidence = models.CharField(
        max_length=10, choices=Confidence.choices, default=Confidence.MODERATE
    )
    rationale = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="estimates"
    )
    made_at = models.DateTimeField(default=timezone.now)
    cites = models.ManyToManyField("Indicator", blank=True, related_name="cited_by")

    class Meta:
        ordering = ["made_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__gte=0) & Q(probability__lte=1),
                name="estimate_probability_0_1",
                violation_error_message="Probability must lie between 0 and 1.",
            ),
            models.CheckConstraint(
                condition=Q(confidence__in=Confidence.values), name="estimate_confidence_valid"
            ),
        ]
        indexes = [models.Index(fields=["judgement", "made_at"], name="estimate_history_idx")]

    def __str__(self) -> str:
        return f"{self.judgement.reference} {percent(self.probability)} at {self.made_at:%Y-%m-%d}"

    def placement(self, scale_key: str | None = None) -> scales.Placement:
        scale = scales.get_scale(scale_key or settings.YARDSTICK_SCALE)
        return scale.place(self.probability)


class Direction(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    UNDERMINES = "undermines", "Undermines"
    NEUTRAL = "neutral", "Neutral"


class Strength(models.TextChoices):
    WEAK = "weak", "Weak"
    MODERATE = "moderate", "Moderate"
    STRONG = "strong", "Strong"


class Reliability(models.TextChoices):
    """Admiralty / NATO source reliability."""

    A = "A", "A — Completely reliable"
    B = "B", "B — Usually reliable"
    C = "C", "C — Fairly reliable"
    D = "D", "D — Not usually reliable"
    E = "E", "E — Unreliable"
    F = "F", "F — Reliability cannot be judged"


class Credibility(models.IntegerChoices):
    """Admiralty / NATO information credibility."""

    CONFIRMED = 1, "1 — Confirmed by other sources"
    PROBABLY_TRUE = 2, "2 — Probably true"
    POSSIBLY_TRUE = 3, "3 — Possibly true"
    DOUBTFUL = 4, "4 — Doubtful"
    IMPROBABLE = 5, "5 — Improbable"
    CANNOT_JUDGE = 6, "6 — Truth cannot be judged"


class IndicatorQuerySet(models.QuerySet["Indicator"]):
    def active(self) -> IndicatorQuerySet:
        return self.filter(retracted_at__isnull=True)


class Indicator(models.Model):
    """A dated observation bearing on a judgement. Never deleted: retracted with a reason."""

    judgement = models.ForeignKey(Judgement, on_delete=models.CASCADE, related_name="indicators")
    observed_on = models.DateField(help_text="When it happened, not when it was typed.")
    summary = models.TextField()
    direction = models.CharField(max_length=12, choices=Direction.choices)
    strength = models.CharField(max_length=10, choices=Strength.choices, default=Strength.MODERATE)
    source = models.TextField(blank=True, help_text="Citation text.")
    source_url = models.URLField(max_length=500, blank=True)
    reliability = models.CharField(max_length=1, choices=Reliability.choices, default=Reliability.F)
    credibility = models.PositiveSmallIntegerField(
        choices=Credibility.choices, default=Credibility.CANNOT_JUDGE
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="indicators"
    )
    logged_at = models.DateTimeField(default=timezone.now)
    retracted_at = models.DateTimeField(null=True, blank=True)
    retracted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    retraction_reason = models.TextField(blank=True)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["-observed_on", "-logged_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values), name="indicator_direction_valid"
            ),
            models.CheckConstraint(
                condition=Q(strength__in=Strength.values), name="indicator_strength_valid"
            ),
            models.CheckConstraint(
                condition=Q(reliability__in=Reliability.values),
                name="indicator_reliability_a_f",
            ),
            models.CheckConstraint(
                condition=Q(credibility__gte=1) & Q(credibility__lte=6),
                name="indicator_credibility_1_6",
            ),
            models.CheckConstraint(
                condition=(
                    Q(retracted_at__isnull=True, retraction_reason="")
                    | (Q(retracted_at__isnull=False) & ~Q(retraction_reason=""))
                ),
                name="indicator_retraction_has_reason",
                violation_error_message="A retraction needs a reason.",
            ),
        ]
        indexes = [
            models.Index(fields=["judgement", "observed_on"], name="indicator_timeline_idx"),
            models.Index(fields=["logged_at"], name="indicator_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.judgement.reference} {self.direction} {self.observed_on}"

    @property
    def is_retracted(self) -> bool:
        return self.retracted_at is not None

    @property
    def grading(self) -> str:
        """Admiralty code, e.g. 'B2'."""
        return f"{self.reliability}{self.credibility}"


class Resolution(models.Model):
    """What actually happened. A re-resolution adds a row; the judgement points to the latest.

    The window is copied from the judgement at the moment of resolution so that the database
    itself can check that ``occurred_on`` lies inside it, and so the history shows which window
    was resolved. Scores are computed once, when the resolution is made.
    """

    judgement = models.ForeignKey(Judgement, on_delete=models.CASCADE, related_name="resolutions")
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    occurred_on = models.DateField(null=True, blank=True)
    # Did not occur, and that was certain from this day, before the window ended (§2.7).
    settled_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="resolutions"
    )
    resolved_at = models.DateTimeField(default=timezone.now)
    window_start = models.DateField()
    window_end = models.DateField()
    # The day the judgement closed: the day it occurred, or was settled, else window end
    # (quarters of close, periods of the dashboard).
    closed_on = models.GeneratedField(
        expression=Coalesce("occurred_on", "settled_on", "window_end"),
        output_field=models.DateField(),
        db_persist=True,
    )
    # False once a re-resolution supersedes it; the judgement points at the current one.
    is_current = models.BooleanField(default=True)
    # Scores at resolution time (null when annulled).
    p_initial = models.FloatField(null=True, blank=True)
    p_final = models.FloatField(null=True, blank=True)
    brier = models.FloatField(null=True, blank=True)
    brier_time_averaged = models.FloatField(null=True, blank=True)
    log_loss = models.FloatField(null=True, blank=True)
    # When p_final began to stand, and the horizon bucket from then to the close (0–4:
    # < 1, 1–3, 3–6, 6–12, > 12 months; ``scoring.HORIZON_LABELS``).
    p_final_at = models.DateTimeField(null=True, blank=True)
    horizon = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["resolved_at", "pk"]
        indexes = [
            models.Index(fields=["resolved_at"], name="resolution_resolved_at_idx"),
            models.Index(
                fields=["closed_on"],
                name="resolution_current_closed_idx",
                condition=Q(is_current=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=Outcome.values), name="resolution_outcome_valid"
            ),
            # The judgement's ``resolution`` pointer and ``is_current`` name the same row.
            models.UniqueConstraint(
                fields=["judgement"],
                condition=Q(is_current=True),
                name="resolution_one_current_per_judgement",
            ),
            models.CheckConstraint(
                condition=(
                    Q(outcome=Outcome.OCCURRED, occurred_on__isnull=False)
                    | (~Q(outcome=Outcome.OCCURRED) & Q(occurred_on__isnull=True))
                ),
                name="resolution_occurred_on_iff_occurred",
                violation_error_message="Give the date it occurred, and only when it occurred.",
            ),
            models.CheckConstraint(
                condition=Q(occurred_on__isnull=True)
                | (Q(occurred_on__gte=F("window_start")) & Q(occurred_on__lte=F("window_end"))),
                name="resolution_occurred_on_in_window",
                violation_error_message="The date it occurred must lie inside the window.",
            ),
            models.CheckConstraint(
                condition=Q(settled_on__isnull=True)
                | (
                    Q(outcome=Outcome.DID_NOT_OCCUR)
                    & Q(settled_on__gte=F("window_start"))
                    & Q(settled_on__lte=F("window_end"))
                ),
                name="resolution_settled_on_did_not_occur_in_window",
                violation_error_message=(
                    "A settled-on date goes only with did not occur, inside the window."
                ),
            ),
            models.CheckConstraint(
                condition=Q(horizon__isnull=True) | Q(horizon__lte=4),
                name="resolution_horizon_bucket",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.judgement.reference}: {self.get_outcome_display()}"

    @property
    def is_scored(self) -> bool:
        return self.outcome != Outcome.ANNULLED

    @property
    def horizon_label(self) -> str:
        return scoring.horizon_label(self.horizon) if self.horizon is not None else ""

    def score(self, history: list[tuple[dt.datetime, float]]) -> None:
        """Set the scores of docs/design.md §4 from the judgement's estimate history
        (``(made_at, probability)`` pairs); an annulled resolution stays unscored."""
        if not self.is_scored:
            return
        score = scoring.score_judgement(
            history=history,
            occurred=self.outcome == Outcome.OCCURRED,
            window_start=self.window_start,
            window_end=self.window_end,
            occurred_on=self.occurred_on,
            settled_on=self.settled_on,
            tz=timezone.get_current_timezone(),
        )
        for name, value in dataclasses.asdict(score).items():
            setattr(self, name, value)


class AlertKind(models.TextChoices):
    WARNING = "warning", "Window ending soon"
    DUE = "due", "Window ends today"
    OVERDUE = "overdue", "Overdue"
    ESCALATION = "escalation", "Overdue, escalated to lead"


class Alert(models.Model):
    """One alert for one judgement, threshold and window end (docs/design.md §5).

    ``offset_days`` is the threshold relative to window end: -30, -7, 0, then +7, +14, …
    The unique constraint is what makes "exactly once" hold across workers.
    """

    judgement = models.ForeignKey(Judgement, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=12, choices=AlertKind.choices)
    offset_days = models.IntegerField()
    window_end = models.DateField()
    due_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    skipped_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    recipients = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    # When its task message was handed to the broker (null: not yet, e.g. the broker was
    # down when the scan committed; the next scan hands it over).
    enqueued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["judgement", "offset_days", "window_end"], name="alert_once_per_threshold"
            ),
            models.CheckConstraint(condition=Q(kind__in=AlertKind.values), name="alert_kind_valid"),
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="alert_pending_idx",
                condition=Q(
                    sent_at__isnull=True, skipped_at__isnull=True, cancelled_at__isnull=True
                ),
            ),
            models.Index(
                fields=["due_at"],
                name="alert_not_handed_over_idx",
                condition=Q(
                    sent_at__isnull=True,
                    skipped_at__isnull=True,
                    cancelled_at__isnull=True,
                    claimed_at__isnull=True,
                    enqueued_at__isnull=True,
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.judgement.reference} {self.kind} {self.offset_days:+d}d"

    @property
    def state(self) -> str:
        if self.sent_at:
            return "sent"
        if self.skipped_at:
            return "skipped"
        if self.cancelled_at:
            return "cancelled"
        if self.error:
            if self.attempts >= settings.YARDSTICK_ALERT_MAX_ATTEMPTS:
                return "failed"
            return "failed, retrying"
        return "pending"


class Digest(models.Model):
    """The weekly leadership digest: one row per week, claimed and sent like an alert."""

    week_start = models.DateField(unique=True, help_text="Monday of the week it covers.")
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)  # as Alert.enqueued_at

    class Meta:
        ordering = ["-week_start"]

    def __str__(self) -> str:
        return f"Digest for the week of {self.week_start}"


class ChangeAction(models.TextChoices):
    CREATED = "created", "Created"
    EDITED = "edited", "Edited"
    REASSIGNED = "reassigned", "Reassigned"
    WINDOW_CHANGED = "window_changed", "Window changed"
    ESTIMATE_REVISED = "estimate_revised", "Estimate revised"
    INDICATOR_LOGGED = "indicator_logged", "Indicator logged"
    INDICATOR_EDITED = "indicator_edited", "Indicator edited"
    INDICATOR_RETRACTED = "indicator_retracted", "Indicator retracted"
    RESOLVED = "resolved", "Resolved"
    RERESOLVED = "reresolved", "Re-resolved"
    WATCHERS_CHANGED = "watchers_changed", "Watchers changed"
    IMPORTED = "imported", "Imported"
    ESTIMATE_REAFFIRMED = "estimate_reaffirmed", "Estimate reaffirmed"
    SIGNPOST_ADDED = "signpost_added", "Signpost added"
    SIGNPOST_EDITED = "signpost_edited", "Signpost edited"
    SIGNPOST_WITHDRAWN = "signpost_withdrawn", "Signpost withdrawn"
    SIGNPOST_SEEN = "signpost_seen", "Signpost seen"
    SIGNPOST_LAPSED = "signpost_lapsed", "Signpost lapsed"


class ChangeRecord(models.Model):
    """Who changed what on a judgement, when, with the values before and after."""

    judgement = models.ForeignKey(Judgement, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(max_length=24, choices=ChangeAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    # {"field": {"before": …, "after": …}, …}
    changes = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)
    # The judgement's version this change produced (edits, watchers, resolutions; see
    # ``Judgement.version``), so a refused edit can show what changed since it was opened.
    version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["judgement", "at"], name="change_history_idx")]

    def __str__(self) -> str:
        return f"{self.judgement.reference} {self.action} at {self.at:%Y-%m-%d %H:%M}"


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields whose values differ, as {"field": {"before": x, "after": y}}."""
    return {
        key: {"before": before.get(key), "after": after.get(key)}
        for key in after
        if before.get(key) != after.get(key)
    }


# --- Sign-in (docs/design.md §1.4) ----------------------------------------------------------


class SignInMethod(models.TextChoices):
    PASSWORD = "password", "Yardstick password"
    LDAP = "ldap", "LDAP / Active Directory"
    OIDC = "oidc", "OpenID Connect"
    PROXY = "proxy", "Authenticating proxy"
    SECOND_FACTOR = "totp", "Second factor (TOTP)"
    API_TOKEN = "api_token", "API token"


class AccessKind(models.TextChoices):
    SIGNED_IN = "signed_in", "Signed in"
    SIGNED_OUT = "signed_out", "Signed out"
    FAILED = "failed", "Sign-in failed"
    REFUSED = "refused", "Sign-in refused"
    LOCKED_OUT = "locked_out", "Locked out"
    UNLOCKED = "unlocked", "Unlocked"
    SECOND_FACTOR = "second_factor", "Second factor"
    SESSION_ENDED = "session_ended", "Session ended"
    ROLES_CHANGED = "roles_changed", "Role or teams changed by the directory"
    API_TOKEN_USED = "api_token_used", "API token used"


class AppendOnlyQuerySet(models.QuerySet):
    """The access audit is written once: no bulk update or delete through the ORM."""

    def update(self, **kwargs):
        raise PermissionError("The access audit is append-only.")

    def delete(self):
        raise PermissionError("The access audit is append-only.")


class AccessEvent(models.Model):
    """One row of the access audit: who, when, from where, how, what happened.

    Append-only: ``save`` refuses an existing row, ``delete`` refuses always, the admin shows
    it read-only. ``username`` keeps what was typed or claimed, even when no user matched.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=20, choices=AccessKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="access_events",
    )
    username = models.CharField(max_length=150, blank=True)
    method = models.CharField(max_length=12, choices=SignInMethod.choices, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    detail = models.CharField(max_length=500, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "at"], name="access_user_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.username or '?'} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("The access audit is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The access audit is append-only.")


class SignInSession(models.Model):
    """A signed-in browser session, so that its owner can see it and end it (§1.4)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_in_sessions"
    )
    session_key = models.CharField(max_length=40, db_index=True)
    method = models.CharField(max_length=12, choices=SignInMethod.choices)
    address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_seen_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} via {self.method} from {self.address or '?'}"


class SignInPolicy(models.Model):
    """Site-wide sign-in rules an admin sets in the admin; one row (pk 1)."""

    totp_for_admins = models.BooleanField(
        "Require a second factor for Admins",
        default=False,
        help_text="Admins who sign in with a password must also give a code from an "
        "authenticator app (they set it up at their next sign-in).",
    )
    totp_for_leadership = models.BooleanField(
        "Require a second factor for Leadership", default=False
    )

    class Meta:
        verbose_name = "sign-in policy"
        verbose_name_plural = "sign-in policy"

    def __str__(self) -> str:
        return "Sign-in policy"

    @classmethod
    def current(cls) -> SignInPolicy:
        return cls.objects.get_or_create(pk=1)[0]


# --- Signposts and the notification outbox (docs/design.md §2.10, §5.11) -----------------------


class SignpostState(models.TextChoices):
    NOT_SEEN = "not_seen", "Not seen"
    SEEN = "seen", "Seen"
    LAPSED = "lapsed", "Lapsed"
    WITHDRAWN = "withdrawn", "Withdrawn"


SIGNPOST_DIRECTIONS = [Direction.SUPPORTS, Direction.UNDERMINES]


class SignpostQuerySet(models.QuerySet["Signpost"]):
    def standing(self) -> SignpostQuerySet:
        """Not withdrawn: the signposts that still say something."""
        return self.filter(withdrawn_at__isnull=True)


class Signpost(models.Model):
    """What the owner would expect to see if the judgement is going right or wrong.

    Written in advance (docs/design.md §2.10). *Not seen* until an indicator shows it (then
    *seen*, on that indicator's day) or its *expected by* day passes unseen (then *lapsed*, from
    the next day on). Never deleted: edited with history, withdrawn with a reason.
    """

    judgement = models.ForeignKey(Judgement, on_delete=models.CASCADE, related_name="signposts")
    text = models.TextField()
    direction = models.CharField(max_length=12, choices=Direction.choices)
    expected_by = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    seen_on = models.DateField(null=True, blank=True)
    seen_at = models.DateTimeField(null=True, blank=True)  # when it was recorded as seen
    seen_indicator = models.ForeignKey(
        Indicator,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signposts_shown",
    )
    lapsed_on = models.DateField(null=True, blank=True)  # written by the freshness scan
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_reason = models.TextField(blank=True)
    # When the owner and watchers were told it was seen or lapsed (null: not yet).
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = SignpostQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(direction__in=SIGNPOST_DIRECTIONS), name="signpost_direction_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(withdrawn_at__isnull=True, withdrawn_reason="")
                    | (Q(withdrawn_at__isnull=False) & ~Q(withdrawn_reason=""))
                ),
                name="signpost_withdrawal_has_reason",
                violation_error_message="A withdrawal needs a reason.",
            ),
            models.CheckConstraint(
                condition=Q(expected_by__isnull=True)
                | Q(expected_by__gte=MIN_DATE, expected_by__lte=MAX_DATE),
                name="signpost_expected_by_in_supported_years",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="signpost_text_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.judgement_id}: {self.text[:60]}"

    @property
    def lapses_on(self) -> dt.date | None:
        """The first day after *expected by*: from then on, unseen, it has lapsed."""
        if self.expected_by is None:
            return None
        return self.expected_by + dt.timedelta(days=1)

    def lapse_at(self) -> dt.datetime | None:
        """00:00 site time of ``lapses_on``."""
        day = self.lapses_on
        if day is None:
            return None
        tz = timezone.get_current_timezone()
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min), tz)

    def state(self, today: dt.date | None = None) -> SignpostState:
        """Withdrawn, seen (even late), lapsed (its day passed unseen), or not seen."""
        today = today or timezone.localdate()
        if self.withdrawn_at is not None:
            return SignpostState.WITHDRAWN
        if self.seen_on is not None:
            return SignpostState.SEEN
        if self.lapsed_on is not None or (self.lapses_on is not None and self.lapses_on <= today):
            return SignpostState.LAPSED
        return SignpostState.NOT_SEEN

    def news_at(self, today: dt.date | None = None) -> dt.datetime | None:
        """When it became news (seen: when recorded; lapsed: 00:00 of the day after expected
        by); None while it is not seen, or once withdrawn."""
        state = self.state(today)
        if state == SignpostState.SEEN:
            return self.seen_at
        if state == SignpostState.LAPSED:
            return self.lapse_at()
        return None


class NoticeKind(models.TextChoices):
    NUDGE = "nudge", "Due for a look"
    SIGNPOSTS = "signposts", "Signposts seen or lapsed"
    WEEKLY = "weekly", "Personal weekly digest"


class NoticeQuerySet(models.QuerySet["Notice"]):
    def pending(self) -> NoticeQuerySet:
        return self.filter(sent_at=None, skipped_at=None, cancelled_at=None)


class Notice(models.Model):
    """One message to one person, exactly once: the notification outbox (docs/design.md §5.11).

    A policy chooses the ``dedupe_key`` (unique), so a second scan, a redelivered task or a
    concurrent worker can never write or send the same notice twice. ``payload`` holds what
    the policy needs at send time (ids, reason codes); the message is rendered then.
    """

    kind = models.CharField(max_length=16, choices=NoticeKind.choices)
    dedupe_key = models.CharField(max_length=200, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    judgement = models.ForeignKey(
        Judgement, null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    payload = models.JSONField(default=dict, blank=True)
    due_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)  # too late to be worth sending
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    skipped_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    recipients = models.TextField(blank=True)  # the addresses, as sent
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)  # as Alert.enqueued_at

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=NoticeKind.values), name="notice_kind_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "due_at"], name="notice_kind_due_idx"),
            models.Index(
                fields=["due_at"],
                name="notice_pending_idx",
                condition=Q(
                    sent_at__isnull=True, skipped_at__isnull=True, cancelled_at__isnull=True
                ),
            ),
            models.Index(
                fields=["due_at"],
                name="notice_not_handed_over_idx",
                condition=Q(
                    sent_at__isnull=True,
                    skipped_at__isnull=True,
                    cancelled_at__isnull=True,
                    claimed_at__isnull=True,
                    enqueued_at__isnull=True,
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.dedupe_key

    @property
    def state(self) -> str:
        if self.sent_at:
            return "sent"
        if self.skipped_at:
            return "skipped"
        if self.cancelled_at:
            return "cancelled"
        if self.error:
            if self.attempts >= settings.YARDSTICK_ALERT_MAX_ATTEMPTS:
                return "failed"
            return "failed, retrying"
        return "pending"

"""Demo data for the embedded default: people for every role, the sample assessment.

Idempotent: users, teams and the assessment are looked up by natural keys (username, slug,
title, reference) and only created when missing, so running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from judgements import workflows
from judgements.access import Role, group_for, uses_admin_site
from judgements.core import scales
from judgements.core.dates import add_months
from judgements.interchange import importing
from judgements.models import (
    Assessment,
    Direction,
    Judgement,
    Team,
    Topic,
    TopicKind,
    free_topic_slug,
)
from judgements.reports import extraction

DEMO_DIR = Path(__file__).resolve().parent
SAMPLE = DEMO_DIR / "north-korea-japan.txt"
# Resolved history converted from the Good Judgment Project (see gjp/ATTRIBUTION.md).
GJP_DIR = DEMO_DIR / "gjp"
SAMPLE_SOURCE = (
    "Grey Dynamics — Mark Christian Soo, 'North Korean clandestine activities against Japan'"
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: Role
    team: str | None
    leads: bool = False

    @property
    def password(self) -> str:
        return f"yardstick-{self.username}"


DEMO_USERS = [
    DemoUser("alice", "Alice", "Archer", Role.ANALYST, "east-asia"),
    DemoUser("bob", "Bob", "Baker", Role.ANALYST, "cyber"),
    DemoUser("lena", "Lena", "Lindqvist", Role.LEAD, "east-asia", leads=True),
    DemoUser("maya", "Maya", "Morgan", Role.LEADERSHIP, None),
    DemoUser("admin", "Ada", "Admin", Role.ADMIN, None),
]
DEMO_TEAMS = {"east-asia": "East Asia", "cyber": "Cyber"}


@dataclass(frozen=True)
class SampleJudgement:
    number: int
    statement: str
    term: str
    indicators: list[str]
    sources: list[str]


def parse_sample(
    text: str, *, published: dt.date | None = None
) -> tuple[str, str, list[SampleJudgement]]:
    """Title, summary and the key judgements (statement, PHIA term, bullets) of the sample.

    The sample goes through the same extraction as any imported report.
    """
    found = extraction.extract(text, published=published or dt.date.today(), scale="phia")
    judgements = []
    for candidate in found.candidates:
        number = int(re.sub(r"\D", "", candidate.label) or len(judgements) + 1)
        judgements.append(
            SampleJudgement(
                number=number,
                statement=candidate.statement,
                term=candidate.term or "",
                indicators=[indicator.summary for indicator in candidate.indicators],
                sources=[indicator.source for indicator in candidate.indicators],
            )
        )
    return found.title, found.summary, judgements


def demo_publication_date(today: dt.date) -> dt.date:
    """Published so that the 12-month windows end three weeks from the first load."""
    return add_months(today + dt.timedelta(days=21), -12)


def ensure_users() -> dict[str, User]:
    teams = {
        slug: Team.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in DEMO_TEAMS.items()
    }
    users = {}
    for person in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=person.username,
            defaults={
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": f"{person.username}@yardstick.invalid",
                "is_staff": uses_admin_site(person.role),
                "is_superuser": person.role == Role.ADMIN,
            },
        )
        if created:
            user.set_password(person.password)
            user.save(update_fields=["password"])
        elif uses_admin_site(person.role) and not user.is_staff:
            # Demos loaded before leadership read the access audit in the admin.
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        user.groups.add(group_for(person.role))
        if person.team:
            teams[person.team].members.add(user)
            if person.leads:
                teams[person.team].leads.add(user)
        users[person.username] = user
    return users


@dataclass(frozen=True)
class DemoSignpost:
    text: str
    direction: str
    expected_after_days: int | None = None  # expected by: this many days after publication
    seen_after_days: int | None = None  # seen through an indicator observed then
    seen_through: str = ""


# Written with each key judgement (docs/design.md §8.2): one is seen, one lapses unseen, so
# every state shows. The indicator that shows one is marked as demo material.
DEMO_SIGNPOSTS = [
    [
        DemoSignpost(
            "Japanese police expose another front business run for the Reconnaissance "
            "General Bureau",
            Direction.SUPPORTS,
        ),
        DemoSignpost(
            "Chongryon's remittances to Pyongyang dry up for a whole quarter",
            Direction.UNDERMINES,
        ),
    ],
    [
        DemoSignpost(
            "A new arrest or indictment in Japan for espionage on Pyongyang's behalf",
            Direction.SUPPORTS,
            expected_after_days=150,
        ),
    ],
    [
        DemoSignpost(
            "A Japanese firm or agency attributes an intrusion to a North Korean group "
            "(Kimsuky, APT37 or Lazarus)",
            Direction.SUPPORTS,
            expected_after_days=240,
            seen_after_days=120,
            seen_through="Demo: a Japanese exchange attributes a breach of its hot wallets to "
            "a North Korean group.",
        ),
    ],
]


def add_demo_signposts(judgement: Judgement, owner: User, signposts, *, written_at) -> None:
    """The judgement's signposts, through the workflows; a seen one through its indicator."""
    start = judgement.window_start
    for demo in signposts:
        expected_by = None
        if demo.expected_after_days is not None:
            expected_by = start + dt.timedelta(days=demo.expected_after_days)
        signpost = workflows.add_signpost(
            judgement,
            by=owner,
            text=demo.text,
            direction=demo.direction,
            expected_by=expected_by,
            now=written_at,
        )
        if demo.seen_after_days is not None:
            workflows.log_indicator(
                judgement,
                by=owner,
                observed_on=start + dt.timedelta(days=demo.seen_after_days),
                summary=demo.seen_through,
                direction=demo.direction,
                logged_at=written_at + dt.timedelta(days=demo.seen_after_days),
                signpost=signpost,
            )


@transaction.atomic
def load_sample_assessment(users: dict[str, User], *, today: dt.date) -> Assessment:
    title, summary, key_judgements = parse_sample(SAMPLE.read_text(encoding="utf-8"))
    team = Team.objects.get(slug="east-asia")
    assessment = Assessment.objects.filter(title=title).first()
    if assessment is None:
        assessment = Assessment.objects.create(
            title=title,
            summary=summary,
            published_on=demo_publication_date(today),
            source=SAMPLE_SOURCE,
            team=team,
        )
    owners = ["alice", "alice", "lena"]
    start = assessment.published_on
    published_at = timezone.make_aware(dt.datetime.combine(start, dt.time(9)))
    for kj, owner, signposts in zip(key_judgements, owners, DEMO_SIGNPOSTS, strict=True):
        reference = f"KJ-{start.year}-{kj.number:04d}"
        if Judgement.objects.filter(reference=reference).exists():
            continue
        term = scales.PHIA.term(kj.term)
        judgement = workflows.create_judgement(
            by=users[owner],
            reference=reference,
            statement=kj.statement,
            resolution_criteria="Resolved from open reporting at the end of the window.",
            team=team,
            owner=users[owner],
            assessment=assessment,
            window_start=start,
            probability=term.midpoint_probability,
            rationale=f"Key Judgement {kj.number} of the assessment: '{kj.term}'.",
            watchers=[users["lena"]] if owner != "lena" else [],
            now=published_at,
        )
        for bullet, citation in zip(kj.indicators, kj.sources, strict=True):
            workflows.log_indicator(
                judgement,
                by=users[owner],
                observed_on=start,
                summary=bullet,
                direction=Direction.SUPPORTS,
                source=f"{SAMPLE_SOURCE} {citation}".strip(),
                logged_at=published_at,  # the evidence the first estimate rests on
            )
        add_demo_signposts(judgement, users[owner], signposts, written_at=published_at)
    return assessment


# The demo's topic vocabulary (docs/design.md §2.11): regions and subjects. The sample
# assessment is filed under North Korea and Japan; the GJP history names its own topics.
DEMO_TOPICS = {
    TopicKind.REGION: [
        "North Korea",
        "Japan",
        "East Asia",
        "Europe",
        "Middle East",
        "Russia",
        "Africa",
        "Latin America",
    ],
    TopicKind.SUBJECT: [
        "Clandestine activities",
        "Diplomacy",
        "Economy",
        "Elections",
        "Leadership",
    ],
}
SAMPLE_TOPICS = ["North Korea", "Japan", "Clandestine activities"]


def ensure_topics() -> dict[str, Topic]:
    topics = {}
    for kind, names in DEMO_TOPICS.items():
        for name in names:
            topic = Topic.objects.filter(name=name).first()
            if topic is None:
                topic = Topic.objects.create(name=name, slug=free_topic_slug(name), kind=kind)
            topics[name] = topic
    return topics


def load_demo(*, today: dt.date | None = None) -> dict[str, User]:
    today = today or timezone.localdate()
    users = ensure_users()
    topics = ensure_topics()
    assessment = load_sample_assessment(users, today=today)
    if not assessment.topics.exists():
        assessment.topics.set([topics[name] for name in SAMPLE_TOPICS])
    load_gjp_history(today=today)
    return users


def load_gjp_history(*, today: dt.date) -> importing.ImportResult:
    """Real resolved history, through the same path as ``import_judgements --create-users``.

    Idempotent because the import is: references already present are left alone.
    """
    return importing.import_judgements(GJP_DIR, create_users=True, today=today)

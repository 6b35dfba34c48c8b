import datetime as dt

import pytest
from django.contrib.auth.models import User

from judgements.access import role_of
from judgements.demo.loader import DEMO_USERS, load_demo, parse_sample
from judgements.models import Assessment, Estimate, Indicator, Judgement, Resolution

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 26)


def counts():
    models = (Assessment, Judgement, Estimate, Indicator, Resolution, User)
    return tuple(m.objects.count() for m in models)


def test_the_sample_has_three_key_judgements_with_their_bullets():
    from judgements.demo.loader import SAMPLE

    title, _, judgements = parse_sample(SAMPLE.read_text(encoding="utf-8"))
    assert title == "North Korean clandestine activities against Japan"
    assert [j.term for j in judgements] == ["highly likely", "likely", "likely"]
    assert [len(j.indicators) for j in judgements] == [3, 3, 2]


def test_demo_loads_every_role_and_the_sample_assessment():
    users = load_demo(today=TODAY)
    assert {role_of(users[p.username]) for p in DEMO_USERS} == {p.role for p in DEMO_USERS}
    assessment = Assessment.objects.get(team__slug="east-asia")
    kj1 = assessment.judgements.get(reference__endswith="0001")
    assert kj1.placement("phia").label == "highly likely"
    assert kj1.window_end - kj1.window_start == dt.timedelta(days=365)
    assert kj1.window_end == TODAY + dt.timedelta(days=21)
    # The report's bullets are what the first estimate rests on, not news since it.
    assert kj1.indicators.count() == 3
    assert (kj1.indicators_for, kj1.indicators_against) == (0, 0)


def test_the_sample_judgements_carry_signposts_one_seen_and_one_lapsed():
    from judgements.models import Signpost, SignpostState

    load_demo(today=TODAY)
    states = [s.state(TODAY) for s in Signpost.objects.order_by("judgement__reference", "pk")]
    assert states == [
        SignpostState.NOT_SEEN,
        SignpostState.NOT_SEEN,
        SignpostState.LAPSED,
        SignpostState.SEEN,
    ]
    seen = Signpost.objects.get(seen_on__isnull=False)
    assert seen.seen_indicator.summary.startswith("Demo: ")
    # A year-old estimate is due for a look on every sample judgement.
    assert Judgement.objects.filter(team__slug="east-asia").count() == 3
    now = dt.datetime.combine(TODAY, dt.time(12), tzinfo=dt.UTC)
    assert Judgement.objects.filter(team__slug="east-asia").due_for_a_look(now).count() == 3


def test_loading_the_demo_twice_duplicates_nothing():
    load_demo(today=TODAY)
    first = counts()
    load_demo(today=TODAY + dt.timedelta(days=3))
    assert counts() == first


def test_demo_has_resolved_gjp_history_for_a_few_analysts_in_geopolitics():
    load_demo(today=TODAY)
    history = Judgement.objects.filter(team__name="Geopolitics")
    owners = set(history.values_list("owner__username", flat=True))
    assert 4 <= len(owners) <= 6
    assert all(name.startswith("gjp-analyst-") for name in owners)
    assert history.count() == history.filter(resolution__isnull=False).count() > 50
    assert history.filter(resolution__outcome="occurred").exists()
    assert Estimate.objects.filter(judgement__in=history).count() > history.count()
    # Scored like any resolution, and quiet: no alert schedule for windows closed in 2011.
    assert not history.filter(resolution__brier__isnull=True).exists()
    assert not history.filter(next_alert_at__isnull=False).exists()


def test_gjp_history_is_loaded_through_the_importer(monkeypatch):
    from judgements.interchange import importing

    calls = []
    real = importing.import_judgements

    def spy(directory, **kwargs):
        calls.append((directory, kwargs))
        return real(directory, **kwargs)

    monkeypatch.setattr(importing, "import_judgements", spy)
    load_demo(today=TODAY)
    assert [(d.name, k["create_users"]) for d, k in calls] == [("gjp", True)]

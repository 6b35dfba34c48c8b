import datetime as dt

import pytest

from judgements.demo.loader import DEMO_USERS, load_demo, parse_sample
from judgements.models import Assessment, Estimate, Indicator, Judgement
from judgements.roles import role_of

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 26)


def counts():
    return tuple(m.objects.count() for m in (Assessment, Judgement, Estimate, Indicator))


def test_the_sample_has_three_key_judgements_with_their_bullets():
    from judgements.demo.loader import SAMPLE

    title, _, judgements = parse_sample(SAMPLE.read_text(encoding="utf-8"))
    assert title == "North Korean clandestine activities against Japan"
    assert [j.term for j in judgements] == ["highly likely", "likely", "likely"]
    assert [len(j.indicators) for j in judgements] == [3, 3, 2]


def test_demo_loads_every_role_and_the_sample_assessment():
    users = load_demo(today=TODAY)
    assert {role_of(users[p.username]) for p in DEMO_USERS} == {p.role for p in DEMO_USERS}
    assessment = Assessment.objects.get()
    kj1 = assessment.judgements.get(reference__endswith="0001")
    assert kj1.placement("phia").label == "highly likely"
    assert kj1.window_end - kj1.window_start == dt.timedelta(days=365)
    assert kj1.window_end == TODAY + dt.timedelta(days=21)


def test_loading_the_demo_twice_duplicates_nothing():
    load_demo(today=TODAY)
    first = counts()
    load_demo(today=TODAY + dt.timedelta(days=3))
    assert counts() == first

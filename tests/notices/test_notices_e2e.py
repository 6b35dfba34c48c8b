"""End to end through the outbox: real Redis, Celery worker and beat, a real SMTP server.

Two people with stale estimates must each get exactly one nudge and one weekly digest, also
when two scans run at once, beat keeps scanning, the send tasks are redelivered, and the
worker is killed and restarted. The machinery (worker, beat, SMTP inbox) is the expiry
watch's end-to-end test's own; see tests/expiry/test_alerts_e2e.py.
"""

from __future__ import annotations

import signal
import time

import pytest
from django.utils import timezone

from judgements.access import Role
from judgements.models import Notice, NoticeKind
from judgements.notices import tasks
from tests.expiry.test_alerts_e2e import (  # noqa: F401  (fixtures used by name)
    _needs_postgres_and_redis,
    cluster,
    smtp,
    wait_for,
)
from tests.factories import make_judgement, make_user

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cluster_env() -> dict[str, str]:
    # The weekly digests fall due at 00:00 today, so this run is in the week's window.
    return {
        "YARDSTICK_DIGEST_WEEKDAY": str(timezone.localdate().weekday()),
        "YARDSTICK_DIGEST_HOUR": "0",
    }


def of_kind(inbox, address: str) -> dict[str, list]:
    found: dict[str, list] = {"nudge": [], "weekly": [], "other": []}
    for message in inbox.to(address):
        if message["Subject"].startswith("Your Yardstick week"):
            found["weekly"].append(message)
        elif "due for a look" in message["Subject"]:
            found["nudge"].append(message)
        else:
            found["other"].append(message)
    return found


def test_one_nudge_and_one_digest_per_person_through_scans_restarts_and_redelivery(
    cluster,  # noqa: F811  (the fixture of the expiry watch's end-to-end test)
    smtp,  # noqa: F811
    alice,
    lena,
    east_asia,
    cyber,
):
    inbox, _ = smtp
    mine = make_judgement(alice, east_asia, "Alice's stale estimate.", days_ago=120)
    make_judgement(lena, east_asia, "Lena's stale estimate.", days_ago=100)

    # Two scans at once, while the worker and beat (scanning every second) run too.
    cluster.start_worker()
    cluster.start_beat()
    cluster.scans_at_once(2)

    def everyone_told() -> bool:
        return all(
            len(of_kind(inbox, f"{who}@example.org")[kind]) >= 1
            for who in ("alice", "lena")
            for kind in ("nudge", "weekly")
        )

    wait_for(everyone_told, seconds=90, what="nudges and digests", cluster=cluster)
    time.sleep(4)  # beat scans a few more times meanwhile

    # Kill the worker hard, start a new one; scan twice more and redeliver every send task.
    cluster.stop("worker", signal.SIGKILL)
    cluster.start_worker("worker-2")
    cluster.scans_at_once(2)
    for pk in Notice.objects.values_list("pk", flat=True):
        tasks.send_notice.delay(pk)
        tasks.send_notice.delay(pk)
    # A third person proves the new worker is consuming the queue.
    carol = make_user("carol", Role.ANALYST, teams=[cyber])
    make_judgement(carol, cyber, "Carol's stale estimate.", days_ago=95)
    cluster.scans_at_once(1)
    wait_for(
        lambda: of_kind(inbox, "carol@example.org")["nudge"],
        seconds=60,
        what="carol's nudge",
        cluster=cluster,
    )
    time.sleep(3)

    for who in ("alice", "lena"):
        got = of_kind(inbox, f"{who}@example.org")
        assert (len(got["nudge"]), len(got["weekly"])) == (1, 1), (who, cluster.logs())
    assert mine.reference in of_kind(inbox, "alice@example.org")["nudge"][0]["Subject"]
    (digest,) = of_kind(inbox, "lena@example.org")["weekly"]
    text = next(p for p in digest.walk() if p.get_content_type() == "text/plain")
    assert "Alice's stale estimate." in text.get_content()
    assert len(of_kind(inbox, "carol@example.org")["nudge"]) == 1
    sent = Notice.objects.filter(sent_at__isnull=False)
    assert sorted(sent.values_list("kind", "recipient__username")) == [
        (NoticeKind.NUDGE, "alice"),
        (NoticeKind.NUDGE, "carol"),
        (NoticeKind.NUDGE, "lena"),
        (NoticeKind.WEEKLY, "alice"),
        (NoticeKind.WEEKLY, "lena"),
    ]
    ids = [m["Message-ID"] for m in inbox.messages if "notice-" in m["Message-ID"]]
    assert len(ids) == len(set(ids)) == 5

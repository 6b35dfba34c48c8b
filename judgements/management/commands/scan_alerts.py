"""One run of the expiry watch and the outbox, for cron-only deployments: the beat
schedule's work, once.

    */5 * * * *  cd /srv/yardstick && .venv/bin/python manage.py scan_alerts

It creates due alerts, and the notices of the freshness scan and the weekly digests, and
hands them to the Celery workers, like the beat tasks do (same code), and says what it
committed and what it handed over. When the broker does not take a message it exits
non-zero; the alerts stay pending and the next run hands them over. With ``--send`` it also
sends them in this process, for deployments without workers.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from judgements.expiry import scan, sending, tasks
from judgements.models import Alert, Digest
from judgements.notices import outbox
from judgements.notices import scan as notice_scan
from judgements.notices import sending as notice_sending
from judgements.notices import tasks as notice_tasks


class Command(BaseCommand):
    help = (
        "Scan for due expiry alerts and notices (stale estimates, signposts, weekly digests) "
        "and queue them (once; run it from cron or by hand)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--send",
            action="store_true",
            help="Send pending alerts in this process too, instead of leaving them to workers.",
        )

    def handle(self, *args, send: bool, **options):
        now = timezone.now()
        # --send: no workers, so queue nothing and send here (claims still hold).
        summary = scan.run_once(now=now, enqueue=None if send else tasks.enqueuers())
        handed = "" if send else ", {handed_over} handed to the workers".format(**summary)
        self.stdout.write(
            "Scanned: {judgements} judgement(s) due; {queued} alert(s) committed as pending"
            "{handed}; {skipped} skipped as superseded; {requeued} requeued; "
            "{handed_over_late} left from earlier runs handed over; {digest} digest(s) "
            "due.".format(handed=handed, **summary)
        )
        notices = notice_scan.run_once(now=now, enqueue=None if send else notice_tasks.enqueuer())
        self.stdout.write(
            "Freshness: {looked} judgement(s) looked at, {nudges} nudge(s), "
            "{signpost_notices} signpost notice(s), {lapsed} signpost(s) lapsed; "
            "{weekly} weekly digest(s) written, {requeued} notice(s) requeued, "
            "{handed_over_late} left from earlier runs handed over.".format(**notices)
        )
        missed = summary["not_handed_over"] + notices["not_handed_over"]
        if missed:
            raise CommandError(
                f"{missed} message(s) could not be handed to the broker (is it running? see "
                "the log). They are committed and stay pending; the next scan_alerts hands "
                "them over."
            )
        if send:
            self._send_pending(now)

    def _send_pending(self, now) -> None:
        sent = 0
        pending = Alert.objects.filter(
            sent_at=None, skipped_at=None, cancelled_at=None, due_at__lte=now
        )
        for pk in pending.values_list("pk", flat=True):
            try:
                sent += sending.send_alert(pk, now=now) == "sent"
            except sending.SendFailed as exc:
                self.stderr.write(f"Alert {pk} failed (will be retried next run): {exc}")
        for pk in Digest.objects.filter(sent_at=None).values_list("pk", flat=True):
            try:
                sent += sending.send_digest(pk, now=now) == "sent"
            except sending.SendFailed as exc:
                self.stderr.write(f"Digest {pk} failed (will be retried next run): {exc}")
        for pk in outbox.pending_due(now=now):
            try:
                sent += notice_sending.send_notice(pk, now=now) == "sent"
            except notice_sending.SendFailed as exc:
                self.stderr.write(f"Notice {pk} failed (will be retried next run): {exc}")
        self.stdout.write(f"Sent {sent} email(s).")

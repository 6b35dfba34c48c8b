"""One run of the expiry watch, for cron-only deployments: the beat schedule's work, once.

    */5 * * * *  cd /srv/yardstick && .venv/bin/python manage.py scan_alerts

It creates due alerts and hands them to the Celery workers, like the beat task does (same
code). With ``--send`` it also sends them in this process, for deployments without workers.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from judgements.expiry import scan, sending, tasks
from judgements.models import Alert, Digest


class Command(BaseCommand):
    help = "Scan for due expiry alerts and queue them (once; run it from cron or by hand)."

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
        self.stdout.write(
            "Scanned: {judgements} judgement(s) due, {queued} alert(s) queued, "
            "{skipped} skipped as superseded, {requeued} requeued, "
            "{digest} digest(s) queued.".format(**summary)
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
        self.stdout.write(f"Sent {sent} email(s).")

"""Recompute every derived value and report each one that drifted (``judgements.integrity``).

    manage.py check_integrity          # report; exit status 1 when anything drifted
    manage.py check_integrity --fix    # and repair it, in one transaction

CI runs it after the concurrency tests: zero drift is the pass.
"""

from django.core.management.base import BaseCommand, CommandError

from judgements import integrity


class Command(BaseCommand):
    help = "Recompute derived values (pointers, balances, alert schedules); report or fix drift."

    def add_arguments(self, parser):
        parser.add_argument(
            "--fix", action="store_true", help="Repair every drift found, in one transaction."
        )

    def handle(self, *args, fix: bool, **options):
        drifts = integrity.find_drift()
        for drift in drifts:
            self.stdout.write(str(drift))
        if not drifts:
            self.stdout.write("No drift: every derived value matches its recomputation.")
            return
        judgements = len({drift.judgement_id for drift in drifts})
        summary = f"{len(drifts)} drift(s) in {judgements} judgement(s)."
        if not fix:
            raise CommandError(f"{summary} Run with --fix to repair them.")
        repaired = integrity.repair(drifts)
        self.stdout.write(f"{summary} Repaired {len(repaired)} in one transaction.")
        left = integrity.find_drift({drift.judgement_id for drift in drifts})
        if left:
            raise CommandError(f"{len(left)} drift(s) remain after repair: {left[0]}")

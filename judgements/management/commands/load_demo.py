from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from judgements.demo.loader import DEMO_USERS, load_demo


class Command(BaseCommand):
    help = "Load demo users, the sample assessment and resolved history (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Load even when DEBUG is off (not for production)."
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Refusing to load demo accounts with DEBUG off; pass --force.")
        load_demo()
        self.stdout.write(self.style.SUCCESS("Demo data is loaded. Demo accounts:"))
        for person in DEMO_USERS:
            self.stdout.write(f"  {person.role.label:<11} {person.username:<6} {person.password}")

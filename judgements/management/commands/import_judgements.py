from django.core.management.base import BaseCommand, CommandError

from judgements.interchange.importing import ImportFailed, import_judgements


class Command(BaseCommand):
    help = (
        "Import judgements.csv (and optional estimates.csv, indicators.csv, resolutions.csv, "
        "signposts.csv) from DIR, all or nothing. References already present are left "
        "unchanged, so re-running is safe."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="folder holding the interchange files")
        parser.add_argument(
            "--create-users",
            action="store_true",
            help="create unknown owners, authors and loggers (without a usable password)",
        )

    def handle(self, *args, **options):
        try:
            result = import_judgements(options["directory"], create_users=options["create_users"])
        except ImportFailed as failed:
            for error in failed.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(failed.errors)} problem(s) found; nothing was imported."
            ) from None
        self.stdout.write(self.style.SUCCESS(str(result)))

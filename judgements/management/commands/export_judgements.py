from django.core.management.base import BaseCommand

from judgements.interchange.exporting import export_judgements


class Command(BaseCommand):
    help = "Write every judgement with its estimates, indicators and resolutions to DIR as CSV."

    def add_arguments(self, parser):
        parser.add_argument("directory", help="folder to write (created if missing)")

    def handle(self, *args, **options):
        self.stdout.write(self.style.SUCCESS(str(export_judgements(options["directory"]))))

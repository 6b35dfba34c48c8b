"""Print the key judgement candidates of a report file, as JSON, for scripting and checking."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from judgements.core.scales import SCALES
from judgements.reports import documents, extraction


class Command(BaseCommand):
    help = "Find the key judgements in a report (.txt, .md, .html, .docx, .pdf)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--published",
            help="Publication date YYYY-MM-DD that windows count from (default: today).",
        )
        parser.add_argument("--scale", choices=sorted(SCALES), help="Force a scale.")
        parser.add_argument("--json", action="store_true", help="Print a JSON list (default).")

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: cannot read the file ({error.strerror}).") from error
        try:
            text = documents.text_from_upload(
                path.name, data, max_bytes=settings.YARDSTICK_IMPORT_MAX_BYTES
            )
        except documents.DocumentError as error:
            raise CommandError(f"{path}: {error}") from error
        result = extraction.extract(
            text,
            published=_date(options["published"]) or timezone.localdate(),
            scale=options["scale"],
            default_scale=settings.YARDSTICK_SCALE,
        )
        candidates = [candidate.as_json() for candidate in result.candidates]
        self.stdout.write(json.dumps(candidates, indent=2, ensure_ascii=False))


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--published: '{value}' is not a date like 2026-03-31.") from None

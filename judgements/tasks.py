"""Celery tasks: thin wrappers around alerts.py; each is safe to run twice."""

from celery import shared_task


@shared_task
def scan_alerts() -> int:
    """Placeholder scan until the expiry watch lands: counts judgements due for a look."""
    from django.utils import timezone

    from .models import Judgement

    return Judgement.objects.filter(next_alert_at__lte=timezone.now()).count()

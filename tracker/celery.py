"""The Celery app. Broker: Redis when REDIS_URL is set, else Kombu's filesystem transport."""

import os
from pathlib import Path

from celery import Celery, signals

from tracker.database_timeouts import use_long_timeouts

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Tasks live in judgements/expiry/tasks.py and judgements/notices/tasks.py; their names are
# pinned ("judgements.tasks.…") so beat entries and queued messages from before the move still
# find them.
app.autodiscover_tasks(["judgements.expiry", "judgements.notices"])


@app.on_after_configure.connect
def _make_broker_folders(sender: Celery, **kwargs) -> None:
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if key in options:
            Path(options[key]).mkdir(parents=True, exist_ok=True)


@signals.worker_init.connect
@signals.worker_process_init.connect
def _long_database_timeouts(**kwargs) -> None:
    """Workers do long work (scans, sends): the long statement and lock timeouts, not the
    web's (tracker/database_timeouts.py)."""
    use_long_timeouts()

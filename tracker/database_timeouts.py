"""PostgreSQL's statement and lock timeouts (and SQLite's busy timeout) for a kind of process.

The settings give each process the limits of its kind (``YARDSTICK_PROCESS``: web requests
the short ones); ``use_long_timeouts`` switches a process that does long work to the long
ones before it opens its connections (the Celery app does, when a worker starts). They are
sent as connection options, so they cost no query per request.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import connections

_OURS = re.compile(r"-c statement_timeout=\d+ -c lock_timeout=\d+\s*")


def apply(database: dict, timeouts: tuple[int, int]) -> None:
    """Set ``(statement seconds, lock seconds)`` on one DATABASES entry (0: no limit)."""
    statement, lock = timeouts
    options = database.setdefault("OPTIONS", {})
    if database["ENGINE"] == "django.db.backends.postgresql":
        ours = f"-c statement_timeout={statement * 1000} -c lock_timeout={lock * 1000}"
        # Any options of DATABASE_URL's own (?options=…) follow ours, so theirs win.
        theirs = _OURS.sub("", options.get("options", ""), count=1)
        options["options"] = f"{ours} {theirs}".strip()
    elif database["ENGINE"] == "django.db.backends.sqlite3":
        # How long a writer waits for the file's lock; SQLite has no statement limit.
        options["timeout"] = lock or 600


def use_long_timeouts() -> None:
    """Give this process the long limits on the connections it opens from now on (open ones
    are closed, to be reopened with them)."""
    for database in settings.DATABASES.values():
        apply(database, settings.DATABASE_TIMEOUTS["long"])
    connections.close_all()

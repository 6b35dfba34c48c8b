"""The expiry watch (docs/design.md §5): alerts as windows close, exactly once, and the
weekly leadership digest.

Dependencies flow one way::

    tasks ──> scan, sending ──> policy, emails ──> models

- ``policy``: pure rules over dates (thresholds, catch-up plans, the digest's week) and who
  receives what; arming, re-arming and cancelling a judgement's alerts (called by workflows).
- ``scan``: finds what fell due, writes the alert and digest rows, hands their ids to an
  ``enqueue`` callable it is given.
- ``sending``: claims one row and sends its email, exactly once.
- ``emails``: renders the messages it is handed; it chooses nobody and queries nothing.
- ``tasks``: the Celery tasks; the only module that imports Celery.
"""

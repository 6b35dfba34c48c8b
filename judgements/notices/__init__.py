"""The notification outbox (docs/design.md §5.11) and what uses it: nudges about stale
estimates, signposts seen or lapsed, and the personal weekly digest (§5.12, §5.13).

Dependencies flow one way, as in the expiry watch::

    tasks ──> scan, sending ──> policy, emails ──> outbox, models

- ``outbox``: the reusable mechanism. A producer hands it ``Draft`` notices (kind, a unique
  dedupe key the policy chooses, recipient, judgement, payload, due and expiry moments); it
  inserts them ignoring keys already there, hands the new ones to an ``enqueue`` callable after
  commit, claims one with a filtered UPDATE before sending, records sent / skipped /
  cancelled / error, and sweeps claims and messages that were lost. It knows no kind.
- ``policy``: which notices exist and who gets them: dedupe keys, recipients, the contents
  of the weekly digest, and whether a notice still holds when it is sent.
- ``scan``: the freshness scan (O(due): one index probe when nothing is due) and the weekly
  digest's queueing; it produces drafts and writes them through ``outbox``.
- ``sending``: one notice, exactly once: ``outbox.deliver`` with the kind's preparation.
- ``emails``: renders what it is handed; it chooses nobody and queries nothing.
- ``tasks``: the Celery tasks; the only module here that imports Celery.

Adding a kind (issue 13's "your view is asked", issue 16's webhooks): a ``NoticeKind``, a
policy function that makes its drafts and dedupe key, a preparer in ``sending.PREPARERS``
(and, for another channel, a preparer that returns something with a ``send()`` method).
"""

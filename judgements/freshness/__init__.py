"""Signposts and fresh estimates on the pages (docs/design.md §2.10, §5.12, §6).

- ``reasons``: why judgements are due for a look, for many at once (one query).
- ``sections``: the context of each section this feature adds to other pages (the judgement
  page's first screen and signposts, the list rows, the dashboard panel), each rendered by its
  own template partial under ``templates/freshness/`` and included with one line, so a page
  redesign can move them.
- ``forms``, ``views``, ``urls``: adding, editing, withdrawing and seeing signposts;
  reaffirming an estimate.
"""

"""Every page of the app, one ``urls.py`` per feature. URL names are stable: emails, templates
and bookmarks use them."""

from django.urls import include, path

import judgements.converters  # noqa: F401  (registers <ref:…> and <username:…>)

urlpatterns = [
    path("", include("judgements.dashboard.urls")),
    path("", include("judgements.reports.urls")),
    path("", include("judgements.workspace.urls")),
    path("", include("judgements.track_records.urls")),
    path("", include("judgements.freshness.urls")),
    path("", include("judgements.topics.urls")),
]

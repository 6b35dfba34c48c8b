from django.urls import path

from judgements.reports import views

# Before the workspace's <ref:reference>/ patterns: "extract" would match a reference.
urlpatterns = [
    path("judgements/extract/", views.extract_report, name="extract-report"),
    path("judgements/extract/create/", views.extract_create, name="extract-create"),
    path("judgements/extract/placement/", views.extract_placement, name="extract-placement"),
]

from django.urls import path, register_converter

from . import dashboard_views, extract_views, track_records, views
from .models import REFERENCE_PATTERN


class ReferenceConverter:
    """A judgement reference: letters, digits, '.', '_', '-' (no slash, no control bytes)."""

    regex = REFERENCE_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class UsernameConverter(ReferenceConverter):
    """Django's username characters: letters, digits and @ . + - _."""

    regex = r"[\w.@+-]+"


register_converter(ReferenceConverter, "ref")
register_converter(UsernameConverter, "username")


urlpatterns = [
    path("dashboard/", dashboard_views.dashboard_page, name="dashboard"),
    path("dashboard/export.csv", dashboard_views.dashboard_export, name="dashboard-export"),
    path("judgements/", views.judgement_list, name="judgement-list"),
    path("judgements/new/", views.judgement_new, name="judgement-new"),
    path("judgements/placement/", views.estimate_placement, name="estimate-placement"),
    path("judgements/extract/", extract_views.extract_report, name="extract-report"),
    path("judgements/extract/create/", extract_views.extract_create, name="extract-create"),
    path(
        "judgements/extract/placement/",
        extract_views.extract_placement,
        name="extract-placement",
    ),
    path("assessments/<int:pk>/", extract_views.assessment_detail, name="assessment-detail"),
    path("judgements/<ref:reference>/", views.judgement_detail, name="judgement-detail"),
    path("judgements/<ref:reference>/edit/", views.judgement_edit, name="judgement-edit"),
    path("judgements/<ref:reference>/estimate/", views.estimate_revise, name="estimate-revise"),
    path("judgements/<ref:reference>/resolve/", views.judgement_resolve, name="judgement-resolve"),
    path("judgements/<ref:reference>/mute/", views.toggle_mute, name="judgement-mute"),
    path("judgements/<ref:reference>/indicators/", views.indicator_add, name="indicator-add"),
    path(
        "judgements/<ref:reference>/indicators/<int:pk>/",
        views.indicator_row,
        name="indicator-row",
    ),
    path(
        "judgements/<ref:reference>/indicators/<int:pk>/edit/",
        views.indicator_edit,
        name="indicator-edit",
    ),
    path(
        "judgements/<ref:reference>/indicators/<int:pk>/retract/",
        views.indicator_retract,
        name="indicator-retract",
    ),
    path(
        "track-record/team/<slug:slug>/",
        track_records.team_track_record,
        name="track-record-team",
    ),
    path(
        "track-record/<username:username>/",
        track_records.person_track_record,
        name="track-record-user",
    ),
]

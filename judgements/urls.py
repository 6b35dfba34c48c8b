from django.urls import path

from . import dashboard_views, extract_views, track_records, views

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
    path("judgements/<str:reference>/", views.judgement_detail, name="judgement-detail"),
    path("judgements/<str:reference>/edit/", views.judgement_edit, name="judgement-edit"),
    path("judgements/<str:reference>/estimate/", views.estimate_revise, name="estimate-revise"),
    path("judgements/<str:reference>/resolve/", views.judgement_resolve, name="judgement-resolve"),
    path("judgements/<str:reference>/mute/", views.toggle_mute, name="judgement-mute"),
    path("judgements/<str:reference>/indicators/", views.indicator_add, name="indicator-add"),
    path(
        "judgements/<str:reference>/indicators/<int:pk>/",
        views.indicator_row,
        name="indicator-row",
    ),
    path(
        "judgements/<str:reference>/indicators/<int:pk>/edit/",
        views.indicator_edit,
        name="indicator-edit",
    ),
    path(
        "judgements/<str:reference>/indicators/<int:pk>/retract/",
        views.indicator_retract,
        name="indicator-retract",
    ),
    path(
        "track-record/team/<slug:slug>/",
        track_records.team_track_record,
        name="track-record-team",
    ),
    path(
        "track-record/<str:username>/",
        track_records.person_track_record,
        name="track-record-user",
    ),
]

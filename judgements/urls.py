from django.urls import path

from . import track_records, views

urlpatterns = [
    path("judgements/", views.judgement_list, name="judgement-list"),
    path("judgements/<str:reference>/", views.judgement_detail, name="judgement-detail"),
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

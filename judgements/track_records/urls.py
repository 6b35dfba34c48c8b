from django.urls import path

from judgements.track_records import views

urlpatterns = [
    path("people/", views.people, name="people"),
    path("track-record/team/<slug:slug>/", views.team_track_record, name="track-record-team"),
    path("track-record/<username:username>/", views.person_track_record, name="track-record-user"),
]

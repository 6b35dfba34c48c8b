from django.urls import path

from . import views

urlpatterns = [
    path("judgements/", views.judgement_list, name="judgement-list"),
    path("judgements/<str:reference>/", views.judgement_detail, name="judgement-detail"),
    path("judgements/<str:reference>/mute/", views.toggle_mute, name="judgement-mute"),
]

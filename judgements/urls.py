from django.urls import path

from . import views

urlpatterns = [
    path("judgements/", views.judgement_list, name="judgement-list"),
    path("judgements/new/", views.judgement_new, name="judgement-new"),
    path("judgements/placement/", views.estimate_placement, name="estimate-placement"),
    path("judgements/<str:reference>/", views.judgement_detail, name="judgement-detail"),
    path("judgements/<str:reference>/edit/", views.judgement_edit, name="judgement-edit"),
    path("judgements/<str:reference>/estimate/", views.estimate_revise, name="estimate-revise"),
    path("judgements/<str:reference>/resolve/", views.judgement_resolve, name="judgement-resolve"),
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
]

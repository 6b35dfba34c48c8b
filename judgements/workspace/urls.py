from django.urls import path

from judgements.workspace import views

urlpatterns = [
    path("", views.home, name="home"),
    path("judgements/", views.judgement_list, name="judgement-list"),
    path("judgements/new/", views.judgement_new, name="judgement-new"),
    path("judgements/placement/", views.estimate_placement, name="estimate-placement"),
    path("judgements/choices/<str:kind>/", views.judgement_choices, name="judgement-choices"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment-detail"),
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
]

from django.urls import path

from judgements.freshness import views

urlpatterns = [
    path("judgements/<ref:reference>/reaffirm/", views.estimate_reaffirm, name="estimate-reaffirm"),
    path("judgements/<ref:reference>/signposts/", views.signpost_add, name="signpost-add"),
    path(
        "judgements/<ref:reference>/signposts/<int:pk>/edit/",
        views.signpost_edit,
        name="signpost-edit",
    ),
    path(
        "judgements/<ref:reference>/signposts/<int:pk>/withdraw/",
        views.signpost_withdraw,
        name="signpost-withdraw",
    ),
    path(
        "judgements/<ref:reference>/signposts/<int:pk>/seen/",
        views.signpost_see,
        name="signpost-see",
    ),
]

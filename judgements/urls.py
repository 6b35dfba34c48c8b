from django.urls import path

from . import dashboard_views, views

urlpatterns = [
    path("dashboard/", dashboard_views.dashboard_page, name="dashboard"),
    path("dashboard/export.csv", dashboard_views.dashboard_export, name="dashboard-export"),
    path("judgements/", views.judgement_list, name="judgement-list"),
    path("judgements/<str:reference>/", views.judgement_detail, name="judgement-detail"),
]

from django.urls import path

from judgements.dashboard import views

urlpatterns = [
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("dashboard/export.csv", views.dashboard_export, name="dashboard-export"),
]

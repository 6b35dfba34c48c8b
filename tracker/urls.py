from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("judgements.signin.urls")),
    path("admin/", admin.site.urls),
    path("", include("judgements.urls")),
]

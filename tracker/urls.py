from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="judgement-list", permanent=False)),
    path("", include("judgements.signin.urls")),
    path("admin/", admin.site.urls),
    path("", include("judgements.urls")),
]

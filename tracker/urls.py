from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("judgements.signin.urls")),
    path("admin/", admin.site.urls),
    path("", include("judgements.urls")),
]

# Styled pages that say what happened (judgements/errors.py); used when DEBUG is off.
handler400 = "judgements.errors.bad_request"
handler403 = "judgements.errors.permission_denied"
handler404 = "judgements.errors.page_not_found"
handler500 = "judgements.errors.server_error"

"""What every page's header needs: the site scale and the doors this user may open."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from judgements import access
from judgements.core import scales


def yardstick(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    nav = None
    if user is not None and user.is_authenticated:
        # Lazy: a fragment that never shows the header costs no query.
        nav = SimpleLazyObject(lambda: access.navigation(user))
    return {"site_scale": scales.get_scale(settings.YARDSTICK_SCALE), "nav": nav}

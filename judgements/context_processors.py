from django.conf import settings
from django.http import HttpRequest

from judgements import access
from judgements.core import scales


def yardstick(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {
        "site_scale": scales.get_scale(settings.YARDSTICK_SCALE),
        "user_role": access.role_of(user) if user is not None else None,
        # Called by the template only where the nav needs it (a query the first time).
        "can_create_judgements": lambda: user is not None and access.can_create_anywhere(user),
    }

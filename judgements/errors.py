"""What a failed request looks like (docs/design.md §6.10).

- Production error pages (400, 403, 404, 500) in the site's style that say what happened;
  a 403 says which role or team the thing needs (the message ``access`` refusals carry) and
  who the user is signed in as.
- A busy database (a statement or lock timeout, a deadlock) answers 503 "busy, try again"
  at once, instead of a hang and a 500: ``BusyDatabaseMiddleware`` for the views, and the
  500 handler for anything that fails before a view runs.
- An htmx request gets the same message as plain text, which the page shows in place while
  the form keeps what was typed (static/js/yardstick.js).

The 500 and 503 pages use no database (it may be what failed): no user, no header links.
"""

from __future__ import annotations

import logging
import sys

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from judgements import access

logger = logging.getLogger(__name__)

# PostgreSQL's codes for "gave up waiting or working": statement timeout (or a cancel), lock
# timeout, deadlock, serialisation failure. All mean: the same request may well work soon.
BUSY_SQLSTATES = {"57014", "55P03", "40P01", "40001"}

BUSY = (
    "Yardstick is busy",
    "The database did not answer in time, so nothing was changed. Wait a moment and try again.",
)


def is_busy(error: BaseException | None) -> bool:
    """Whether the error is the database giving up on a timeout or a lock (not a bug)."""
    if not isinstance(error, OperationalError):
        return False
    if getattr(error.__cause__, "sqlstate", None) in BUSY_SQLSTATES:
        return True
    return "database is locked" in str(error)  # SQLite's busy timeout


class BusyDatabaseMiddleware:
    """A view that ran into a database timeout answers 503 "busy, try again"."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_busy(exception):
            return None
        logger.warning("Database busy on %s %s: %s", request.method, request.path, exception)
        return busy(request)


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _page(
    request: HttpRequest | None,
    status: int,
    title: str,
    message: str,
    *,
    signed_in_as: str = "",
) -> HttpResponse:
    """The error page, or for htmx the message alone as plain text (shown in the page)."""
    if request is not None and _htmx(request):
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    context = {"status": status, "title": title, "message": message, "signed_in_as": signed_in_as}
    # Rendered without the request: no context processor, so no database query.
    return HttpResponse(render_to_string("errors/page.html", context), status=status)


def busy(request: HttpRequest | None) -> HttpResponse:
    response = _page(request, 503, *BUSY)
    response["Retry-After"] = "5"
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        400,
        "That request could not be understood",
        "Something in it was malformed or too large. Go back, check what you sent, and try again.",
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception is not None and str(exception) else ""
    return _page(
        request,
        403,
        "Not allowed",
        message or "Your role or teams do not allow this.",
        signed_in_as=_who(request),
    )


def _who(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    role = access.role_of(user)
    return f"{user.get_username()} ({role.label if role else 'no role'})"


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        404,
        "Not found",
        "There is nothing at this address: it may be mistyped, or the judgement, indicator, "
        "assessment, team or person it names does not exist.",
    )


def server_error(request: HttpRequest) -> HttpResponse:
    error = sys.exc_info()[1]
    if is_busy(error):
        logger.warning("Database busy before a view ran: %s", error)
        return busy(request)
    return _page(
        request,
        500,
        "Something went wrong on our side",
        "The error has been logged. Nothing you sent is lost from your browser: go back and "
        "try again; if it keeps happening, tell your administrator.",
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _page(
        request,
        403,
        "This form has expired",
        "The page was open for a long time, or you signed in again elsewhere, so it could "
        "not be checked as yours. Reload the page and send the form again.",
    )

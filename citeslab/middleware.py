import logging

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.http import urlencode

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """When the database does not answer, residents get a French 503 page, not a traceback."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DatabaseError) and _database_down():
            logger.error("base de données injoignable (%s)", type(exception).__name__)
            return service_indisponible()
        return None


def _database_down() -> bool:
    from django.db import connection

    try:
        connection.close()
        connection.ensure_connection()
    except DatabaseError:
        return True
    return False


def service_indisponible():
    # Rendered without the request context: no session, no user, nothing that needs the database.
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "120"
    add_never_cache_headers(response)
    return response


class NoStoreMiddleware:
    """Pages seen by a logged-in user and every download stay out of shared and browser caches."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        is_download = response.get("Content-Disposition", "").startswith("attachment")
        if is_download or (user is not None and user.is_authenticated):
            patch_cache_control(response, no_store=True, no_cache=True, private=True, must_revalidate=True)
        return response


class Require2FAMiddleware:
    """With REQUIRE_2FA, a staff member who has not passed the second factor only reaches the 2FA pages."""

    allowed_prefixes = ("/compte/", "/static/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.REQUIRE_2FA
            and user.is_authenticated
            and user.is_staff
            and not user.is_verified()
            and not request.path.startswith(self.allowed_prefixes)
            and request.path != reverse("admin:logout")
        ):
            return redirect(f"{reverse('deux_facteurs')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

import logging

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler
from django.db import DatabaseError
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.http import urlencode

from citeslab.core.formats import NBSP, nombre

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


# The admin's limit when settings.IMPORT_TAILLE_MAX is not set: a spreadsheet import of several thousand people.
IMPORT_TAILLE_MAX = 5 * 1024 * 1024


class FileRefused(MultiPartParserError):
    """A file in a form that takes none. A parse error for Django: should it escape, the answer is a 400."""


class NoFileUploadHandler(FileUploadHandler):
    """Stops the parsing at the first file, before a byte of it is kept in memory or on disk."""

    def new_file(self, *args, **kwargs):
        raise FileRefused("pièce jointe refusée hors de l'administration")

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None


class RequestBodyLimitMiddleware:
    """A body is measured before anyone reads it, files included, and only staff in the admin may send files.

    Django's DATA_UPLOAD_MAX_MEMORY_SIZE counts a form's fields but not its files, which it spools to disk whatever
    their size: a public form took 300 MB and created a person. Here the announced Content-Length decides first:
    DATA_UPLOAD_MAX_MEMORY_SIZE everywhere, IMPORT_TAILLE_MAX for staff in the admin (spreadsheet imports).
    Forms are read in CsrfViewMiddleware.process_view or in the view, both after every middleware's __call__:
    this one may sit after AuthenticationMiddleware and still come first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.refusal(request) or self.get_response(request)

    def refusal(self, request):
        length = request.META.get("CONTENT_LENGTH")
        if not length:
            if "HTTP_TRANSFER_ENCODING" in request.META:
                # A chunked body announces no size: Django would read none of it and the view would see an empty form.
                return self.page(request, 411, "400.html")
            return None
        try:
            size = int(length)
        except ValueError:
            size = -1
        if size < 0:
            return self.page(request, 400, "400.html")
        staff_in_admin = self.staff_in_admin(request)
        limit = (
            getattr(settings, "IMPORT_TAILLE_MAX", IMPORT_TAILLE_MAX)
            if staff_in_admin
            else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        )
        if limit is not None and size > limit:
            return self.page(request, 413, "413.html", {"limite": en_mo(limit)})
        if not staff_in_admin and request.method == "POST" and request.content_type == "multipart/form-data":
            request.upload_handlers = [NoFileUploadHandler(request)]
            try:
                # Parsed now, so that no middleware and no view ever sees a form that came with a file.
                request.POST  # noqa: B018
            except FileRefused:
                return self.page(request, 400, "413.html", {"piece_jointe": True})
        return None

    @staticmethod
    def staff_in_admin(request) -> bool:
        if not request.path.startswith(reverse("admin:index")):
            return False
        user = getattr(request, "user", None)
        return user is not None and user.is_authenticated and user.is_staff

    @staticmethod
    def page(request, status, template, context=None):
        response = render(request, template, context, status=status)
        add_never_cache_headers(response)
        return response


def en_mo(octets: int) -> str:
    """« 2,5 Mo »: Django's filesizeformat says « Mio », which residents do not read."""
    mo = octets / (1024 * 1024)
    return f"{nombre(mo, 0 if mo == int(mo) else 1)}{NBSP}Mo"

"""Browser tests: pytest-django's `live_server` and a Playwright `page` on Debian's Chromium, phone-sized.

Generic on purpose: any app's browser test file in this folder uses `live_server` and `page`.
Run them with `pytest -m browser`; pass `--liveserver localhost:PORT` to choose the port.
"""

import os

import pytest
from django.test.utils import override_settings

from tests.conftest import attendre_fin_des_requetes

VIEWPORT = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def _reglages_serveur_de_test():
    """Before the live server starts: static files from the source tree (no collectstatic), local hosts."""
    with override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        WHITENOISE_AUTOREFRESH=True,
        WHITENOISE_USE_FINDERS=True,
        ALLOWED_HOSTS=["localhost", "127.0.0.1", "testserver"],
    ):
        yield


@pytest.fixture
def page(chromium, live_server):
    """A fresh phone-sized page (390×844, French) whose relative URLs go to the live server."""
    context = chromium.new_context(
        viewport=VIEWPORT, base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris"
    )
    # No network beyond the live server: an external link is checked by its href, never loaded.
    context.route(
        lambda url: not url.startswith(live_server.url),
        lambda route: route.abort(),
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
    attendre_fin_des_requetes()

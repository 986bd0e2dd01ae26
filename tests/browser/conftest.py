"""Browser tests: pytest-django's `live_server` and a Playwright `page` on Debian's Chromium, phone-sized.

Generic on purpose: any app's browser test file in this folder uses `live_server` and `page`.
Run them with `pytest -m browser`; pass `--liveserver localhost:PORT` to choose the port.
"""

import os
import shutil

import pytest
from django.test.utils import override_settings

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make are still
# synchronous and sequential, so Django's async-safety guard has nothing to protect here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
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


@pytest.fixture(scope="session")
def _navigateur():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium introuvable ({CHROMIUM}) : .ci/run l'installe avec apt-get")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(_navigateur, live_server):
    """A fresh phone-sized page (390×844, French) whose relative URLs go to the live server."""
    context = _navigateur.new_context(
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


@pytest.fixture(autouse=True)
def _cache_vide():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()

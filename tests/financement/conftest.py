import pytest


@pytest.fixture(autouse=True)
def _statiques_sans_collectstatic(settings):
    # The foundation's settings use the manifest storage and whitenoise on STATIC_ROOT, which need a
    # collectstatic the tests do not run (see the report: a suite-wide fixture belongs in tests/conftest.py).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = True

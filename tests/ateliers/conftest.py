import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fichiers_statiques_sans_collectstatic(settings, tmp_path_factory):
    # Tests run with DEBUG off, where the manifest storage needs `collectstatic` and WhiteNoise warns about a
    # missing STATIC_ROOT; neither is what these tests are about.
    settings.STATIC_ROOT = tmp_path_factory.getbasetemp()
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def compteurs_remis_a_zero():
    """Rate-limit counters live in the cache: each test starts with a clean slate."""
    cache.clear()
    yield
    cache.clear()

import pytest


@pytest.fixture(autouse=True)
def _static_files_without_manifest(settings):
    # Tests run with DEBUG off but without collectstatic: the manifest storage would fail on every admin page.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

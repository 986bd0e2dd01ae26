import datetime

import pytest

from citeslab.seed import seed_carcassonne

# A Monday of an ordinary week (no public holiday): 30 November 2026.
LUNDI = datetime.date(2026, 11, 30)


@pytest.fixture
def site(db, settings):
    """The press kit's data, served to the test client's host."""
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
    seed_carcassonne()


@pytest.fixture
def a_l_heure(monkeypatch):
    """Freeze "now" for the views: a_l_heure(datetime.datetime(2026, 11, 30, 10, 0)) is Paris wall-clock time."""
    from django.utils import timezone

    def figer(moment: datetime.datetime):
        aware = timezone.make_aware(moment)
        monkeypatch.setattr(timezone, "now", lambda: aware)
        return aware

    return figer

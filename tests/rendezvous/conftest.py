import pytest
from django.core.cache import cache

from citeslab.core import sms


@pytest.fixture(autouse=True)
def sms_en_memoire(settings):
    """Text messages kept in `sms.boite` like e-mails in mail.outbox; rate-limit counters start clean."""
    settings.SMS_BACKEND = "citeslab.core.sms.MemoireBackend"
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
    sms.boite.clear()
    cache.clear()
    yield sms.boite
    sms.boite.clear()
    cache.clear()

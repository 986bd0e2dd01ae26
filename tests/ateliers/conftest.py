import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def compteurs_remis_a_zero():
    """Rate-limit counters live in the cache: each test starts with a clean slate."""
    cache.clear()
    yield
    cache.clear()

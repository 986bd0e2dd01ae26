import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def clear_the_rate_limit_counters():
    """Rate-limit counters live in the cache: each test starts with a clean slate."""
    cache.clear()
    yield
    cache.clear()

"""The public-page version with Redis: kept in each process, told of every change by pub/sub.

These tests need the Redis server of the machine (127.0.0.1:6379, database 8); they are skipped without one,
except in CI, which starts it.
"""

import os
from unittest import mock

import pytest
import redis
from django.core.cache import caches
from django.test import override_settings

from citeslab.core import cache as pages
from citeslab.core.cache_redis import CacheRedis, VersionEcoutee

URL = "redis://127.0.0.1:6379/8"
CACHES_REDIS = {"default": {"BACKEND": "citeslab.core.cache_redis.CacheRedis", "LOCATION": URL, "KEY_PREFIX": "t"}}


@pytest.fixture
def serveur_redis():
    client = redis.Redis.from_url(URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"Redis ne répond pas sur {URL} : {exc}")
        pytest.skip(f"demande Redis sur 127.0.0.1:6379 ({exc})")
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


def _backend(location=URL):
    return CacheRedis(location, {"KEY_PREFIX": "t"})


def _versions_lues(backend):
    """Count the reads of the version key that reach Redis."""
    return mock.patch.object(backend._cache, "get", wraps=backend._cache.get)


def test_a_process_hears_of_a_new_version_published_by_another_without_reading_redis(serveur_redis):
    processus_a, processus_b = _backend(), _backend()
    ecoute_a = VersionEcoutee(processus_a, pages.VERSION_KEY)
    assert ecoute_a.version() is None  # not subscribed yet: the caller reads the cache
    processus_a.set(pages.VERSION_KEY, 1, None)
    ecoute_a.retenir(1)

    processus_b.set(pages.VERSION_KEY, 2, None)
    VersionEcoutee(processus_b, pages.VERSION_KEY).annoncer(2)

    with _versions_lues(processus_a) as get:
        assert ecoute_a.version() == 2
    assert get.call_count == 0


def test_a_version_read_before_a_message_does_not_replace_the_newer_one(serveur_redis):
    ecoute = VersionEcoutee(_backend(), pages.VERSION_KEY)
    ecoute.version()
    VersionEcoutee(_backend(), pages.VERSION_KEY).annoncer(5)
    assert ecoute.version() == 5
    ecoute.retenir(4)  # a thread that read the cache just before the change
    assert ecoute.version() == 5


def test_a_lost_subscription_falls_back_to_reading_the_version_then_subscribes_again(serveur_redis):
    ecoute = VersionEcoutee(_backend(), pages.VERSION_KEY)
    ecoute.version()
    ecoute.retenir(1)
    serveur_redis.client_kill_filter(_type="pubsub")

    assert ecoute.version() is None  # the caller reads the cache: no change is missed
    assert ecoute.version() is None  # subscribed again, nothing kept yet
    ecoute.retenir(3)
    assert ecoute.version() == 3


def test_a_kept_version_is_read_again_after_at_most_a_second(serveur_redis):
    ecoute = VersionEcoutee(_backend(), pages.VERSION_KEY)
    ecoute.version()
    ecoute.retenir(1)
    with mock.patch("citeslab.core.cache_redis.time.monotonic", return_value=ecoute._lue_a + 1.5):
        assert ecoute.version() is None


def test_two_sites_on_two_databases_of_one_redis_do_not_hear_each_other(serveur_redis):
    ecoute = VersionEcoutee(_backend(), pages.VERSION_KEY)
    ecoute.version()
    ecoute.retenir(1)
    VersionEcoutee(_backend("redis://127.0.0.1:6379/9"), pages.VERSION_KEY).annoncer(99)
    assert ecoute.version() == 1


@pytest.mark.django_db
@override_settings(CACHES=CACHES_REDIS)
def test_a_cached_public_page_is_served_without_a_round_trip_to_redis(serveur_redis, seeded, client):
    client.get("/permanences/")
    client.get("/permanences/")
    with mock.patch.object(caches["default"]._cache, "get", wraps=caches["default"]._cache.get) as get:
        assert client.get("/permanences/").status_code == 200
    assert get.call_args_list == []


@pytest.mark.django_db
@override_settings(CACHES=CACHES_REDIS)
def test_a_change_reaches_the_next_page_with_redis(serveur_redis, seeded, client):
    from permanences.models import Lieu

    client.get("/permanences/")
    lieu = Lieu.objects.order_by("pk").first()
    lieu.nom = "Maison des associations rénovée"
    lieu.save()
    assert "Maison des associations rénovée" in client.get("/permanences/").content.decode()


@pytest.mark.django_db
def test_a_change_gives_a_new_version_again_when_its_transaction_commits(django_capture_on_commit_callbacks):
    avant = pages.version()
    with django_capture_on_commit_callbacks(execute=False) as rappels:
        pages.invalider()
    pendant = pages.version()
    for rappel in rappels:
        rappel()
    assert len({avant, pendant, pages.version()}) == 3

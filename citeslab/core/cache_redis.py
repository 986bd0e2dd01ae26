"""Django's Redis cache, with one Redis client kept per connection pool instead of one built per call.

Django's `RedisCacheClient.get_client()` builds a new `redis.Redis` on every cache operation; with
redis-py 8 that constructor registers its response callbacks anew each time, which costs more than the
round trip to a local Redis. A public page served from the cache does one operation (the data version,
see citeslab/core/cache.py), so that constructor was a third of the page's server time (bench/README.md).
A `redis.Redis` is thread-safe and holds no connection of its own (the pool does), so keeping one is what
redis-py recommends. The cache handler gives each thread its own backend instance anyway.
"""

import contextlib
import os
import threading
import time

import redis
from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ClientRedisPartage(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class CacheRedis(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ClientRedisPartage


class VersionEcoutee:
    """A version number kept in the process and told of every change by Redis pub/sub.

    Whoever changes the version publishes it on a channel after writing it (`annoncer`); every process
    subscribed reads the pending messages, without waiting, each time it is asked (`version`). Redis writes a
    published message to every subscriber before it answers the publisher, so the process that serves the
    next request, on any host, already has it in its socket. While not subscribed (start, Redis restarted,
    connection lost) it answers None and the caller reads the version from the cache as before; a value is
    also read again at least every `DUREE_MAX` seconds, in case a connection died without a word.
    """

    DUREE_MAX = 1.0

    def __init__(self, backend, cle):
        self._backend = backend
        # Channels are shared by every database of a Redis server: the database number keeps apart two sites
        # (or the tests) that use the same server with the same key prefix.
        base = backend._cache._get_connection_pool(True).connection_kwargs.get("db", 0)
        self._canal = f"{base}:{backend.make_and_validate_key(cle)}"
        self._verrou = threading.Lock()
        self._pubsub = None
        self._version = None
        self._lue_a = 0.0

    def version(self):
        with self._verrou:
            try:
                if self._pubsub is None:
                    self._abonner()
                    return None
                while (message := self._pubsub.get_message(timeout=0)) is not None:
                    if message["type"] == "message" and message["channel"] == self._canal.encode():
                        self._version, self._lue_a = int(message["data"]), time.monotonic()
            except (redis.RedisError, OSError, ValueError):
                self._oublier()
                return None
            if self._version is not None and time.monotonic() - self._lue_a > self.DUREE_MAX:
                self._version = None
            return self._version

    def retenir(self, version) -> None:
        """The version just read from the cache, kept unless a message already brought a newer one."""
        with self._verrou:
            if self._pubsub is not None and self._version is None:
                self._version, self._lue_a = version, time.monotonic()

    def annoncer(self, version) -> None:
        self._backend._cache.get_client(write=True).publish(self._canal, version)

    def _abonner(self) -> None:
        # The subscription is confirmed before any version is kept: a change published after it is heard.
        pubsub = self._backend._cache.get_client().pubsub()
        pubsub.subscribe(self._canal)
        confirmation = pubsub.get_message(timeout=self.DUREE_MAX)
        if confirmation is None or confirmation["type"] != "subscribe":
            pubsub.close()
            raise redis.ConnectionError("abonnement non confirmé")
        self._pubsub = pubsub

    def _oublier(self) -> None:
        pubsub, self._pubsub, self._version = self._pubsub, None, None
        if pubsub is not None:
            with contextlib.suppress(redis.RedisError, OSError):
                pubsub.close()


_ecoutes: dict = {}


def abonnement(backend, cle):
    """The `VersionEcoutee` of this process for `cle`, or None when the cache is not Redis."""
    if not isinstance(backend, CacheRedis):
        return None
    # One per process: the cache handler builds a backend per thread, the subscription is shared by them.
    # The pid is in the key so that a forked process does not read from its parent's socket.
    key = (os.getpid(), backend._servers[0], cle)
    if (ecoute := _ecoutes.get(key)) is None:
        ecoute = _ecoutes.setdefault(key, VersionEcoutee(backend, cle))
    return ecoute


def oublier_les_abonnements() -> None:
    for ecoute in _ecoutes.values():
        with ecoute._verrou:
            ecoute._oublier()
    _ecoutes.clear()

"""Public pages are cached under a version number that any change to what they show replaces.

Bumping one key invalidates every cached page and fragment at once: the chef de projet who enters a
closure in the admin sees it on the site at the next reload, without waiting for a timeout. With
several server processes, CACHES must be shared between them (see DJANGO_CACHE_DIR in settings).

Each app names, in its AppConfig, the models whose rows a public page shows (`modeles_publics`);
`brancher_invalidation()` connects their saves and deletes to `invalider`.
"""

import time

from django.apps import apps
from django.core.cache import cache, caches
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse

from citeslab.core.cache_redis import abonnement, oublier_les_abonnements

VERSION_KEY = "public:version"


def version() -> int:
    # With Redis, each process keeps the version and hears of every change by pub/sub (cache_redis.py):
    # no round trip per page, and still the new data at the next request on every host.
    suivi = abonnement(caches["default"], VERSION_KEY)
    if suivi is not None and (current := suivi.version()) is not None:
        return current
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, time.time_ns(), None)
        current = cache.get(VERSION_KEY)
    if suivi is not None:
        suivi.retenir(current)
    return current


def _nouvelle_version() -> None:
    nouvelle = time.time_ns()
    cache.set(VERSION_KEY, nouvelle, None)
    if (suivi := abonnement(caches["default"], VERSION_KEY)) is not None:
        suivi.annoncer(nouvelle)


def invalider(**kwargs) -> None:
    """Signal receiver: a new version makes every key built by `cle()` a miss.

    Once now, so that this process's next page is built anew, and once more when the transaction commits:
    a page another process rebuilt in between, from the rows as they were before the commit, is not kept.
    """
    _nouvelle_version()
    transaction.on_commit(_nouvelle_version)


def brancher_invalidation() -> None:
    """Connect `invalider` to every model listed in an app config's `modeles_publics`."""
    for app_config in apps.get_app_configs():
        for nom in getattr(app_config, "modeles_publics", ()):
            model = app_config.get_model(nom)
            for evenement, signal in (("save", post_save), ("delete", post_delete)):
                signal.connect(invalider, sender=model, dispatch_uid=f"public-cache-{evenement}-{model._meta.label}")


def cle(*parts) -> str:
    return ":".join(["public", str(version()), *(str(part) for part in parts)])


def memoriser(nom: str, calcul, timeout=None):
    """Reference data (the office, the funders) kept until the next change, shared by every page.

    `calcul` returns False rather than None for "nothing": None in the cache means a miss.
    """
    key = cle("ref", nom)
    value = cache.get(key)
    if value is None:
        value = calcul()
        cache.set(key, value, timeout)
    return value


# Each server process keeps the pages it has already read from the shared cache. The key holds the data
# version, which is still read from the shared cache on every request, so a change in the admin reaches
# every process at the next request; only the page body (tens of kB to unpickle and decompress) is saved.
_pages_du_processus: dict = {}
PAGES_DU_PROCESSUS_MAX = 200


def lire_page(key):
    """(content, headers, expiry) of a rendered page, from this process or the shared cache; None on a miss."""
    page = _pages_du_processus.get(key)
    if page is None or page[2] <= time.time():
        page = cache.get(key)
        if page is not None:
            _garder_dans_le_processus(key, page)
    return page


def ecrire_page(key, content: bytes, headers: dict, timeout: int) -> None:
    page = (content, headers, time.time() + timeout)
    cache.set(key, page, timeout)
    _garder_dans_le_processus(key, page)


def _garder_dans_le_processus(key, page) -> None:
    if len(_pages_du_processus) >= PAGES_DU_PROCESSUS_MAX:
        _pages_du_processus.clear()  # old versions and weeks nobody asks for any more
    _pages_du_processus[key] = page


def oublier_les_pages_du_processus() -> None:
    """Forget what this process keeps: the pages, and the version heard from Redis (for the tests)."""
    _pages_du_processus.clear()
    oublier_les_abonnements()


class PagePublique:
    """View mixin: serve the rendered page from the cache until the data or the moment changes.

    The key holds the data version (see `invalider`) and what the view says the page depends on
    (`parties_cle()`: the day, the week shown...); the timeout is `expire_dans()` seconds, so a home page
    that says "en ce moment" is rebuilt when the slot ends.
    """

    duree_max = 15 * 60

    def parties_cle(self) -> tuple:
        return (self.request.path,)

    def expire_dans(self) -> int:
        return self.duree_max

    def get(self, request, *args, **kwargs):
        key = cle("page", *self.parties_cle())
        page = lire_page(key)
        if page is not None:
            content, headers, _ = page
            return HttpResponse(content, headers=headers)
        response = super().get(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        if response.status_code == 200:
            headers = {name: response[name] for name in ("Content-Type", "Content-Disposition") if name in response}
            ecrire_page(key, response.content, headers, max(1, min(self.expire_dans(), self.duree_max)))
        return response

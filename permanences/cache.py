"""Public pages are cached under a version number that any change to what they show replaces.

Bumping one key invalidates every cached page and fragment at once: the chef de projet who enters a
closure in the admin sees it on the site at the next reload, without waiting for a timeout. With
several server processes, CACHES must be shared between them (see DJANGO_CACHE_DIR in settings).
"""

import time

from django.core.cache import cache

VERSION_KEY = "public:version"


def version() -> int:
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, time.time_ns(), None)
        current = cache.get(VERSION_KEY)
    return current


def invalider(**kwargs) -> None:
    """Signal receiver: a new version makes every key built by `cle()` a miss."""
    cache.set(VERSION_KEY, time.time_ns(), None)


def cle(*parts) -> str:
    return ":".join(["public", str(version()), *(str(part) for part in parts)])


def memoriser(nom: str, calcul, timeout=None):
    """Reference data (the office, the funders) kept until the next change, shared by every page."""
    key = cle("ref", nom)
    value = cache.get(key)
    if value is None:
        value = calcul()
        cache.set(key, value, timeout)
    return value


def bureau():
    """The office's contact row (seeded, edited in the admin), or None before the seed has run."""
    from permanences.models import Bureau

    return memoriser("bureau", lambda: Bureau.objects.select_related("lieu").first() or False) or None


# Each server process keeps the pages it has already read from the shared cache. The key holds the data
# version, which is still read from the shared cache on every request, so a change in the admin reaches
# every process at the next request; only the page body (tens of kB to unpickle and decompress) is saved.
_pages_du_processus: dict = {}
PAGES_DU_PROCESSUS_MAX = 200


def _garder_dans_le_processus(key, cached) -> None:
    if len(_pages_du_processus) >= PAGES_DU_PROCESSUS_MAX:
        _pages_du_processus.clear()  # old versions and weeks nobody asks for any more
    _pages_du_processus[key] = cached


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
        from django.http import HttpResponse

        key = cle("page", *self.parties_cle())
        cached = _pages_du_processus.get(key)
        if cached is None or cached[2] <= time.time():
            cached = cache.get(key)
            if cached is not None and len(cached) == 3:
                _garder_dans_le_processus(key, cached)
        if cached is not None:
            # (content, headers) entries written before this process kept pages are still served as they are.
            content, headers = cached[:2]
            return HttpResponse(content, headers=headers)
        response = super().get(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        if response.status_code == 200:
            headers = {name: response[name] for name in ("Content-Type", "Content-Disposition") if name in response}
            timeout = max(1, min(self.expire_dans(), self.duree_max))
            cached = (response.content, headers, time.time() + timeout)
            cache.set(key, cached, timeout)
            _garder_dans_le_processus(key, cached)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["bureau"] = bureau()
        return context

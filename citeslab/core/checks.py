from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    """Public pages and the registration limit live in the cache: several workers must share it."""
    if settings.CACHES["default"]["BACKEND"].endswith("LocMemCache"):
        return [
            Warning(
                "Le cache est propre à chaque processus (LocMemCache) : avec plusieurs processus gunicorn, "
                "une modification faite dans l'administration n'atteindrait qu'un seul d'entre eux.",
                hint="Définissez DJANGO_CACHE_DIR (cache fichier partagé).",
                id="citeslab.W001",
            )
        ]
    return []

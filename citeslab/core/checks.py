"""Deploy checks (`manage.py check --deploy`): a production that would lose data or leak it refuses to go on."""

from django.conf import settings
from django.core.checks import Error, Tags, register

JOURNALISANTS = ("console.EmailBackend", "filebased.EmailBackend")


@register(Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    """Public pages and the rate limits live in the cache: every process, on every host, must share it."""
    if settings.CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache")):
        return [
            Error(
                "Le cache est propre à chaque processus : avec plusieurs processus gunicorn, une modification "
                "faite dans l'administration n'atteindrait qu'un seul d'entre eux, et chacun compterait sa part des "
                "limites d'envoi.",
                hint="Définissez DJANGO_REDIS_URL (Redis, plusieurs serveurs) ou DJANGO_CACHE_DIR (un seul serveur).",
                id="citeslab.E001",
            )
        ]
    return []


@register(deploy=True)
def courriels_hors_du_journal(app_configs, **kwargs):
    """The console and file backends write recipients, first names and cancellation links where logs go."""
    if not settings.DEBUG and settings.EMAIL_BACKEND.endswith(JOURNALISANTS):
        return [
            Error(
                "Les courriels aux habitants seraient écrits dans le journal du serveur (adresses, prénoms, liens "
                "d'annulation) au lieu d'être envoyés.",
                hint="Retirez DJANGO_EMAIL_BACKEND (SMTP par défaut) et renseignez DJANGO_EMAIL_HOST et suivants.",
                id="citeslab.E002",
            )
        ]
    return []


@register(deploy=True)
def sms_hors_du_journal(app_configs, **kwargs):
    """The console SMS backend prints numbers and links into the server log.

    The inactive backend (the production default) is allowed: an office without an SMS provider still runs, its
    residents who left only a phone number are called by the chef de projet.
    """
    if settings.DEBUG:
        return []
    if settings.SMS_BACKEND.endswith("ConsoleBackend"):
        return [
            Error(
                "Les SMS aux habitants seraient écrits dans le journal du serveur (numéros, liens d'annulation) "
                "au lieu d'être envoyés.",
                hint="Définissez DJANGO_SMS_BACKEND=citeslab.core.sms.BrevoBackend et DJANGO_SMS_BREVO_API_KEY, "
                "ou retirez DJANGO_SMS_BACKEND (aucun SMS envoyé).",
                id="citeslab.E010",
            )
        ]
    if settings.SMS_BACKEND.endswith("BrevoBackend") and not settings.SMS_BREVO_API_KEY:
        return [
            Error(
                "Le fournisseur de SMS Brevo est choisi sans clé d'API.",
                hint="Définissez DJANGO_SMS_BREVO_API_KEY dans le fichier d'environnement.",
                id="citeslab.E011",
            )
        ]
    return []

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    """An app only so that its template tags and admin templates are found; it has no models."""

    name = "citeslab.core"
    label = "core"
    verbose_name = "Noyau"
    default = True

    def ready(self):
        from django.db.backends.signals import connection_created

        from citeslab.core import audit, checks  # noqa: F401  (login signals, deploy checks)
        from citeslab.core.texte import enregistrer_cle_sqlite

        connection_created.connect(enregistrer_cle_sqlite, dispatch_uid="citeslab_cle")


class AdminFrancaisConfig(admin_apps.AdminConfig):
    """django.contrib.admin whose admin.site is citeslab.core.admin.SiteFrancais (natural French everywhere)."""

    default = False  # named in INSTALLED_APPS; CoreConfig stays this module's default

    default_site = "citeslab.core.admin.SiteFrancais"

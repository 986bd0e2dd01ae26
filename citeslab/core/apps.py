from django.apps import AppConfig


class CoreConfig(AppConfig):
    """An app only so that its template tags and admin templates are found; it has no models."""

    name = "citeslab.core"
    label = "core"
    verbose_name = "Noyau"
    default = True

    def ready(self):
        from citeslab.core import audit, checks  # noqa: F401  (login signals, deploy checks)

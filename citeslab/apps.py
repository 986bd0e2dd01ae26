from django.apps import AppConfig


class CiteslabConfig(AppConfig):
    name = "citeslab"
    verbose_name = "CitésLab"

    def ready(self):
        from citeslab import audit, checks  # noqa: F401  (login signals, deploy checks)

from django.apps import AppConfig


class CiteslabConfig(AppConfig):
    name = "citeslab"
    verbose_name = "CitésLab"

    def ready(self):
        from citeslab import audit  # noqa: F401  (connects the login signals)

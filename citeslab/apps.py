from django.apps import AppConfig


class CiteslabConfig(AppConfig):
    name = "citeslab"
    verbose_name = "CitésLab"

    def ready(self):
        from citeslab.core.cache import brancher_invalidation

        brancher_invalidation()

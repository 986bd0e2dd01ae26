from django.apps import AppConfig


class AteliersConfig(AppConfig):
    name = "ateliers"
    verbose_name = "Ateliers"
    # Shown on public pages: a change invalidates the public cache (citeslab.core.cache.brancher_invalidation).
    modeles_publics = ["Atelier"]

    def ready(self):
        from ateliers import rgpd

        rgpd.declarer()

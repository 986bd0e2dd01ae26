from django.apps import AppConfig


class AteliersConfig(AppConfig):
    name = "ateliers"
    verbose_name = "Ateliers"
    # Shown on public pages: a change invalidates the public cache (citeslab.core.cache.brancher_invalidation).
    # Inscription too: the week table (/permanences/) shows the seats left of the week's workshops.
    modeles_publics = ["Atelier", "Inscription"]

    def ready(self):
        from ateliers import rgpd
        from ateliers.activites import ateliers_entre
        from permanences import activites

        rgpd.declarer()
        # The week table and the poster show the real workshop of the day (permanences cannot import ateliers).
        activites.enregistrer("ateliers", ateliers_entre)

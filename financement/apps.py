from django.apps import AppConfig


class FinancementConfig(AppConfig):
    name = "financement"
    verbose_name = "Financement"
    # Shown on public pages: a change invalidates the public cache (citeslab.core.cache.brancher_invalidation).
    modeles_publics = ["Financeur", "Convention", "Contribution"]

    def ready(self):
        from citeslab.core.donnees_personnelles import registre

        publiques = registre.declarer_donnees_publiques
        publiques(self.get_model("Financeur"), ("nom",), "une institution")
        publiques(self.get_model("Convention"), ("intitule",), "l'intitulé d'une convention entre institutions")
        publiques(self.get_model("Versement"), ("reference",), "la référence comptable d'un versement")

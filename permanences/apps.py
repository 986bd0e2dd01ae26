from django.apps import AppConfig


class PermanencesConfig(AppConfig):
    name = "permanences"
    verbose_name = "Permanences et lieux"
    # Shown on public pages: a change invalidates the public cache (citeslab.core.cache.brancher_invalidation).
    modeles_publics = ["Quartier", "Lieu", "Permanence", "Fermeture", "Bureau"]

    def ready(self):
        from citeslab.core.donnees_personnelles import registre

        publiques = registre.declarer_donnees_publiques
        publiques(self.get_model("Quartier"), ("nom",), "le nom d'un quartier prioritaire")
        publiques(self.get_model("Lieu"), ("nom", "adresse", "ville"), "un lieu public où se tiennent les permanences")
        publiques(self.get_model("Fermeture"), ("motif",), "le motif affiché sur le site public")
        publiques(
            self.get_model("Bureau"),
            ("nom", "responsable", "fonction", "telephone", "email", "structure_porteuse"),
            "les coordonnées professionnelles publiées du bureau (dossier de presse)",
        )

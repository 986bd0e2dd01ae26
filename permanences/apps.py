from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class PermanencesConfig(AppConfig):
    name = "permanences"
    verbose_name = "Permanences et lieux"

    # Every model whose rows a public page shows: a change to any of them invalidates the public cache.
    MODELES_PUBLICS = [
        "permanences.Quartier",
        "permanences.Lieu",
        "permanences.Permanence",
        "permanences.Fermeture",
        "permanences.Bureau",
        "ateliers.Atelier",
        "financement.Financeur",
        "financement.Convention",
        "financement.Contribution",
    ]

    def ready(self):
        from django.apps import apps

        from permanences.cache import invalider

        for label in self.MODELES_PUBLICS:
            model = apps.get_model(label)
            for nom, signal in (("save", post_save), ("delete", post_delete)):
                signal.connect(invalider, sender=model, dispatch_uid=f"public-cache-{nom}-{label}")

from django.apps import AppConfig


class RendezVousConfig(AppConfig):
    name = "rendezvous"
    verbose_name = "Rendez-vous"

    def ready(self):
        from rendezvous import rgpd, signaux

        rgpd.declarer()
        signaux.brancher()

"""Queue the day-before reminder of tomorrow's appointments. Run it hourly (deploy/ timer); each goes once."""

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from rendezvous import taches
from rendezvous.models import RendezVous


class Command(BaseCommand):
    help = (
        "Met en file d'envoi le rappel de la veille des rendez-vous de demain (une seule fois chacun) ; "
        "le processus des tâches (manage.py db_worker) les envoie par courriel et par SMS."
    )

    def handle(self, *args, **options):
        demain = timezone.localdate() + datetime.timedelta(days=1)
        programmes = 0
        for rdv in RendezVous.objects.rappels_a_envoyer(demain):
            with transaction.atomic():
                # A conditional UPDATE claims the appointment: of two runs at once, only the one whose UPDATE
                # changed the row queues the messages, in the same transaction as the claim.
                reclame = RendezVous.objects.filter(
                    pk=rdv.pk, statut=RendezVous.Statut.RESERVE, rappel_envoye_le__isnull=True
                ).update(rappel_envoye_le=timezone.now())
                if reclame:
                    taches.prevenir(rdv, "rappel")
                    programmes += 1
        self.stdout.write(f"{programmes} rappel(s) de rendez-vous mis en file d'envoi pour le {demain:%d/%m/%Y}.")

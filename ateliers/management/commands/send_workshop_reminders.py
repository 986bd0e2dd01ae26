"""Queue the day-before reminder of everyone confirmed for tomorrow's workshops. Run it hourly (deploy/ timer)."""

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from ateliers import taches
from ateliers.models import Inscription


class Command(BaseCommand):
    help = (
        "Met en file d'envoi le rappel de la veille des inscrits confirmés aux ateliers de demain (une seule fois "
        "chacun) ; le processus des tâches (manage.py db_worker) les envoie."
    )

    def handle(self, *args, **options):
        demain = timezone.localdate() + datetime.timedelta(days=1)
        programmes = 0
        for pk in Inscription.objects.rappels_a_envoyer(demain).values_list("pk", flat=True):
            with transaction.atomic():
                # A conditional UPDATE claims the registration: of two runs at once, only the one whose UPDATE
                # changed the row queues the message, in the same transaction as the claim.
                reclamee = Inscription.objects.filter(pk=pk, rappel_envoye_le__isnull=True).update(
                    rappel_envoye_le=timezone.now()
                )
                if reclamee:
                    taches.envoyer_message.enqueue(pk, "rappel")
                    programmes += 1
        self.stdout.write(f"{programmes} rappel(s) mis en file d'envoi pour les ateliers du {demain:%d/%m/%Y}.")

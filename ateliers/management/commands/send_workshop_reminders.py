"""Send the day-before reminder to everyone confirmed for tomorrow's workshops. Run it hourly from cron."""

import datetime
import logging

from django.core.management.base import BaseCommand
from django.utils import timezone

from ateliers import emails
from ateliers.models import Inscription

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Envoie le rappel de la veille aux inscrits confirmés des ateliers de demain (une seule fois chacun)."

    def handle(self, *args, **options):
        demain = timezone.localdate() + datetime.timedelta(days=1)
        envoyes = 0
        for inscription in Inscription.objects.rappels_a_envoyer(demain).select_related("atelier__lieu"):
            # Claim the registration with a conditional UPDATE: of two crons running at once, only the one
            # whose UPDATE changed the row sends the message.
            reclamee = Inscription.objects.filter(pk=inscription.pk, rappel_envoye_le__isnull=True).update(
                rappel_envoye_le=timezone.now()
            )
            if not reclamee:
                continue
            try:
                emails.envoyer_rappel(inscription)
            except Exception:
                # Release the claim so the next hourly run tries again.
                Inscription.objects.filter(pk=inscription.pk).update(rappel_envoye_le=None)
                logger.exception("Rappel non envoyé pour l'inscription %s", inscription.pk)
                continue
            envoyes += 1
        self.stdout.write(f"{envoyes} rappel(s) envoyé(s) pour les ateliers du {demain:%d/%m/%Y}.")

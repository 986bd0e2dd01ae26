"""What an appointment holds about a person, declared to the personal-data registry of the kernel.

An appointment is linked to its person when booked: erased and exported with them. Any appointment older than the
retention period is erased by the daily purge, linked or not (the date, place and status stay for the report).
"""

import datetime

from django.utils import timezone

from citeslab.core.donnees_personnelles import ANONYME, EMAIL_ANONYME, Declaration, Purge, duree_conservation, registre
from rendezvous.models import RendezVous

RENDEZ_VOUS = Declaration(
    modele=RendezVous,
    cle="porteur_id",
    # The row must keep a contact (a check constraint): the reserved .invalid address, as for registrations.
    effacer={
        "prenom": ANONYME,
        "nom": "",
        "telephone": "",
        "email": EMAIL_ANONYME,
        "idee": "",
        "motif_annulation": "",
    },
    section="rendez_vous",
    ordre=("date", "debut", "pk"),
    avec=("permanence__lieu",),
)


def a_anonymiser(le: datetime.date | None = None):
    le = le or timezone.localdate()
    return RendezVous.objects.filter(date__lt=le - duree_conservation()).exclude(prenom=ANONYME, email=EMAIL_ANONYME)


def declarer() -> None:
    registre.declarer(RENDEZ_VOUS)
    registre.declarer_purge(Purge(libelle="rendez-vous", a_purger=a_anonymiser, executer=RENDEZ_VOUS.effacer_lignes))

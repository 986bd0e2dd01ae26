"""What a workshop registration holds about a person, declared to the personal-data registry of the kernel.

A registration linked to a person is erased with them; any registration to a workshop over for longer than the
retention period is erased by the daily purge, linked or not (residents who never became a "porteur").
"""

import datetime

from django.utils import timezone

from ateliers.models import Atelier, Inscription
from citeslab.core.donnees_personnelles import ANONYME, EMAIL_ANONYME, Declaration, Purge, duree_conservation, registre

INSCRIPTIONS = Declaration(
    modele=Inscription,
    cle="porteur_id",
    effacer={"prenom": ANONYME, "nom": "", "telephone": "", "email": EMAIL_ANONYME},
    conserver=("quartier",),
    section="inscriptions_aux_ateliers",
    section_historique="inscriptions",
    avec=("atelier", "quartier"),
)


def a_anonymiser(le: datetime.date | None = None):
    le = le or timezone.localdate()
    limite = timezone.make_aware(datetime.datetime.combine(le - duree_conservation(), datetime.time.min))
    return Inscription.objects.filter(atelier__fin__lt=limite).exclude(prenom=ANONYME, email=EMAIL_ANONYME)


def declarer() -> None:
    registre.declarer(INSCRIPTIONS)
    registre.declarer_donnees_publiques(Atelier, ("titre", "description"), "un atelier annoncé sur le site public")
    registre.declarer_purge(
        Purge(libelle="inscription(s)", a_purger=a_anonymiser, executer=INSCRIPTIONS.effacer_lignes)
    )

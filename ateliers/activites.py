"""The public workshops of a week, for the week table and the poster of `permanences` (permanences.activites)."""

import datetime

from django.utils import timezone

from ateliers.models import Atelier
from permanences.activites import Activite


def ateliers_entre(debut: datetime.date, fin: datetime.date) -> list[Activite]:
    """Public workshops starting between two dates (inclusive, Paris days), with their seats left: one query."""
    de = timezone.make_aware(datetime.datetime.combine(debut, datetime.time.min))
    a = timezone.make_aware(datetime.datetime.combine(fin + datetime.timedelta(days=1), datetime.time.min))
    ateliers = Atelier.objects.publics().filter(debut__gte=de, debut__lt=a).avec_effectifs().order_by("debut")
    return [
        Activite(
            titre=atelier.titre,
            debut=atelier.debut,
            fin=atelier.fin,
            url=atelier.get_absolute_url(),
            # Only while the resident can still register: a past or closed workshop has no seat to offer.
            places_restantes=atelier.places_restantes if atelier.accepte_inscriptions else None,
        )
        for atelier in ateliers
    ]

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from permanences.planning import jour_ferie
from rendezvous.models import RendezVous
from tests.permanences.factories import PermanenceFactory


def jour_ouvert(dans: int = 2) -> datetime.date:
    """The first day at least `dans` days ahead that is not a public holiday (the suite runs on any date)."""
    jour = timezone.localdate() + datetime.timedelta(days=dans)
    while jour_ferie(jour):
        jour += datetime.timedelta(days=1)
    return jour


class PermanenceRdvFactory(PermanenceFactory):
    """A 9 h – 12 h permanence on the weekday of `jour_ouvert()`, offering two half-hours: 9 h and 9 h 30."""

    jour = factory.LazyFunction(lambda: jour_ouvert().weekday())
    prend_rdv = True
    duree_rdv = 30
    nb_rdv = 2


class RendezVousFactory(DjangoModelFactory):
    class Meta:
        model = RendezVous

    permanence = factory.SubFactory(PermanenceRdvFactory)
    date = factory.LazyFunction(jour_ouvert)
    debut = datetime.time(9)
    fin = datetime.time(9, 30)
    prenom = factory.Faker("first_name", locale="fr_FR")
    nom = factory.Faker("last_name", locale="fr_FR")
    telephone = factory.Sequence(lambda n: f"06 12 34 {n // 100 % 100:02d} {n % 100:02d}")
    email = factory.Sequence(lambda n: f"personne{n}@example.org")

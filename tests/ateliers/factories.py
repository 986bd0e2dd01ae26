import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from ateliers.models import Atelier, Inscription
from tests.permanences.factories import LieuFactory


def _dans_une_semaine():
    return timezone.now().replace(hour=9, minute=0, second=0, microsecond=0) + datetime.timedelta(days=7)


class AtelierFactory(DjangoModelFactory):
    class Meta:
        model = Atelier

    titre = factory.Sequence(lambda n: f"Atelier Émergence n° {n}")
    theme = Atelier.Theme.EMERGENCE
    debut = factory.LazyFunction(_dans_une_semaine)
    fin = factory.LazyAttribute(lambda o: o.debut + datetime.timedelta(hours=3))
    lieu = factory.SubFactory(LieuFactory)
    capacite = 10

    class Params:
        passe = factory.Trait(debut=factory.LazyFunction(lambda: _dans_une_semaine() - datetime.timedelta(days=30)))


class InscriptionFactory(DjangoModelFactory):
    class Meta:
        model = Inscription

    atelier = factory.SubFactory(AtelierFactory)
    prenom = factory.Faker("first_name", locale="fr_FR")
    nom = factory.Faker("last_name", locale="fr_FR")
    email = factory.Sequence(lambda n: f"inscrit{n}@example.org")

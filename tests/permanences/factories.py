import datetime

import factory
from factory.django import DjangoModelFactory

from permanences.models import Fermeture, Lieu, Permanence, Quartier


class QuartierFactory(DjangoModelFactory):
    class Meta:
        model = Quartier
        django_get_or_create = ["slug"]

    nom = factory.Sequence(lambda n: f"Quartier {n}")
    slug = factory.Sequence(lambda n: f"quartier-{n}")


class LieuFactory(DjangoModelFactory):
    class Meta:
        model = Lieu

    nom = factory.Sequence(lambda n: f"Centre social n° {n}")
    adresse = factory.Faker("street_address", locale="fr_FR")
    quartier = factory.SubFactory(QuartierFactory)


class PermanenceFactory(DjangoModelFactory):
    class Meta:
        model = Permanence

    type = Permanence.Type.ACCUEIL
    jour = Permanence.Jour.LUNDI
    debut = datetime.time(9)
    fin = datetime.time(12)
    lieu = factory.SubFactory(LieuFactory)
    valide_du = datetime.date(2018, 3, 8)

    class Params:
        ateliers = factory.Trait(type=Permanence.Type.ATELIERS_EMERGENCE, lieu=None)


class FermetureFactory(DjangoModelFactory):
    class Meta:
        model = Fermeture

    debut = factory.LazyFunction(datetime.date.today)
    fin = factory.LazyAttribute(lambda o: o.debut)
    motif = "Congés"

import datetime

import factory
from factory.django import DjangoModelFactory

from porteurs.models import ChangementEtape, Etape, Orientation, Partenaire, Porteur, Suivi
from tests.permanences.factories import QuartierFactory


class PartenaireFactory(DjangoModelFactory):
    class Meta:
        model = Partenaire
        django_get_or_create = ["nom"]

    nom = factory.Sequence(lambda n: f"Partenaire {n}")
    sigle = factory.Sequence(lambda n: f"P{n}")


class PorteurFactory(DjangoModelFactory):
    class Meta:
        model = Porteur

    prenom = factory.Faker("first_name", locale="fr_FR")
    nom = factory.Faker("last_name", locale="fr_FR")
    telephone = factory.Sequence(lambda n: f"06 12 {n // 10000 % 100:02d} {n // 100 % 100:02d} {n % 100:02d}")
    email = factory.Sequence(lambda n: f"porteur{n}@example.org")
    quartier = factory.SubFactory(QuartierFactory)
    genre = Porteur.Genre.FEMME
    idee = factory.Faker("sentence", locale="fr_FR")
    date_naissance = datetime.date(1990, 5, 17)
    situation = Porteur.Situation.DEMANDEUR_EMPLOI
    date_premier_contact = datetime.date(2019, 3, 4)

    class Params:
        homme = factory.Trait(genre=Porteur.Genre.HOMME)
        hors_qpv = factory.Trait(quartier=None)
        a_relancer = factory.Trait(relance_le=factory.LazyFunction(datetime.date.today))


class ChangementEtapeFactory(DjangoModelFactory):
    class Meta:
        model = ChangementEtape

    porteur = factory.SubFactory(PorteurFactory)
    etape = Etape.CREATION
    date = datetime.date(2019, 6, 1)


class SuiviFactory(DjangoModelFactory):
    class Meta:
        model = Suivi

    porteur = factory.SubFactory(PorteurFactory)
    date = datetime.date(2019, 3, 4)
    type = Suivi.Type.ENTRETIEN
    duree_minutes = 45
    notes = factory.Faker("paragraph", locale="fr_FR")


class OrientationFactory(DjangoModelFactory):
    class Meta:
        model = Orientation

    porteur = factory.SubFactory(PorteurFactory)
    partenaire = factory.SubFactory(PartenaireFactory)
    date = datetime.date(2019, 4, 1)

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from financement.models import Contribution, Convention, Financeur, Versement


class FinanceurFactory(DjangoModelFactory):
    class Meta:
        model = Financeur
        django_get_or_create = ["nom"]

    nom = factory.Sequence(lambda n: f"Financeur {n}")


class ConventionFactory(DjangoModelFactory):
    class Meta:
        model = Convention

    intitule = factory.Sequence(lambda n: f"Convention {n}")
    debut = datetime.date(2021, 1, 1)
    fin = datetime.date(2023, 12, 31)
    montant_total = Decimal("100000")


class ContributionFactory(DjangoModelFactory):
    class Meta:
        model = Contribution

    convention = factory.SubFactory(ConventionFactory)
    financeur = factory.SubFactory(FinanceurFactory)
    montant = Decimal("50000")


class VersementFactory(DjangoModelFactory):
    class Meta:
        model = Versement

    contribution = factory.SubFactory(ContributionFactory)
    date = datetime.date(2021, 6, 1)
    montant = Decimal("10000")

"""The purge keeps what the yearly reports count: past bilans give the same figures before and after it."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from citeslab.bilan.sections import construire_bilan
from citeslab.generation import Generateur
from porteurs.models import Porteur
from tests.porteurs.factories import PorteurFactory, SuiviFactory

pytestmark = pytest.mark.django_db


def _figures(annees):
    return {annee: [(t.cle, t.lignes) for t in construire_bilan(annee).tableaux] for annee in annees}


def test_past_bilans_are_identical_after_the_purge():
    Generateur(seed=6).run(people=240)
    # Birthdays on the edges of the age bands: the purge keeps the year of birth only.
    for naissance in [datetime.date(1995, 12, 31), datetime.date(1996, 1, 1), datetime.date(1975, 12, 31)]:
        porteur = PorteurFactory(date_naissance=naissance, date_premier_contact=datetime.date(2020, 2, 3))
        SuiviFactory(porteur=porteur, date=datetime.date(2021, 12, 30))
    annees = list(range(2018, timezone.localdate().year + 1))
    before = _figures(annees)

    call_command("purge_personal_data", stdout=io.StringIO())

    anonymised = Porteur.objects.filter(anonymise_le__isnull=False).count()
    assert anonymised > 50, "the purge must have had people to anonymise for this test to mean anything"
    after = _figures(annees)
    for annee in annees:
        assert after[annee] == before[annee], f"bilan {annee} changed after the purge"

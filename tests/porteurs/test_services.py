import datetime

import pytest
from django.utils import timezone

from porteurs import services
from porteurs.models import ChangementEtape, Etape, Porteur
from tests.porteurs.factories import ChangementEtapeFactory, PorteurFactory

pytestmark = pytest.mark.django_db


def test_creer_porteur_opens_the_history_at_the_first_contact(chef):
    porteur = services.creer_porteur(
        prenom="Nadia",
        nom="Ferrand",
        telephone="0612345678",
        date_premier_contact=datetime.date(2019, 3, 4),
        auteur=chef,
    )
    assert porteur.telephone == "06 12 34 56 78"
    [row] = porteur.changements_etape.all()
    assert (row.etape, row.date, row.auteur) == (Etape.EMERGENCE, datetime.date(2019, 3, 4), chef)


def test_changer_etape_records_a_dated_row_and_moves_the_person():
    porteur = PorteurFactory(etape=Etape.EMERGENCE)
    row = services.changer_etape(porteur=porteur, etape=Etape.CREATION, date=datetime.date(2019, 6, 1))
    porteur.refresh_from_db()
    assert porteur.etape == Etape.CREATION
    assert (row.etape, row.date) == (Etape.CREATION, datetime.date(2019, 6, 1))


def test_changer_etape_to_the_same_stage_writes_nothing():
    porteur = PorteurFactory(etape=Etape.CREATION)
    assert services.changer_etape(porteur=porteur, etape=Etape.CREATION) is None
    assert not ChangementEtape.objects.exists()


def test_history_answers_who_reached_creation_in_a_given_year():
    in_2019 = PorteurFactory(etape=Etape.EMERGENCE)
    in_2021 = PorteurFactory(etape=Etape.EMERGENCE)
    services.changer_etape(porteur=in_2019, etape=Etape.CREATION, date=datetime.date(2019, 5, 2))
    services.changer_etape(porteur=in_2019, etape=Etape.ENTREPRISE_CREEE, date=datetime.date(2020, 2, 1))
    services.changer_etape(porteur=in_2021, etape=Etape.CREATION, date=datetime.date(2021, 1, 5))
    reached = Porteur.objects.filter(changements_etape__etape=Etape.CREATION, changements_etape__date__year=2019)
    assert list(reached) == [in_2019]
    assert in_2019.changements_etape.count() == 2


def test_changer_etape_en_masse_writes_one_row_per_person_who_changes(django_assert_max_num_queries):
    moving = PorteurFactory.create_batch(5, etape=Etape.EMERGENCE)
    staying = PorteurFactory(etape=Etape.FORMATION)
    with django_assert_max_num_queries(6):
        n = services.changer_etape_en_masse(
            porteurs=Porteur.objects.all(), etape=Etape.FORMATION, date=datetime.date(2024, 9, 1)
        )
    assert n == 5
    assert sorted(ChangementEtape.objects.values_list("porteur_id", flat=True)) == sorted(p.pk for p in moving)
    assert not ChangementEtape.objects.filter(porteur=staying).exists()
    assert set(Porteur.objects.values_list("etape", flat=True)) == {Etape.FORMATION}


def test_changer_etape_en_masse_keeps_earlier_rows():
    porteur = PorteurFactory(etape=Etape.CREATION)
    ChangementEtapeFactory(porteur=porteur, etape=Etape.CREATION)
    services.changer_etape_en_masse(porteurs=[porteur], etape=Etape.SANS_SUITE)
    assert porteur.changements_etape.count() == 2


def test_enregistrer_suivi_sets_then_closes_the_call_back():
    porteur = PorteurFactory()
    services.enregistrer_suivi(porteur=porteur, relance_le=datetime.date(2026, 12, 1))
    assert Porteur.objects.get(pk=porteur.pk).relance_le == datetime.date(2026, 12, 1)
    services.enregistrer_suivi(porteur=porteur, date=timezone.localdate())
    assert Porteur.objects.get(pk=porteur.pk).relance_le is None

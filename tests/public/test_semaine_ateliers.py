"""The week table shows the real workshop of an "Ateliers Émergence" slot, or says that none is planned."""

import datetime

import pytest
from django.utils import timezone

from ateliers.models import Inscription
from permanences.models import Lieu
from tests.ateliers.factories import AtelierFactory, InscriptionFactory

SEMAINE = "/permanences/?semaine=2026-W49"  # Monday 30 November – Friday 4 December 2026
MERCREDI = datetime.date(2026, 12, 2)
JEUDI = datetime.date(2026, 12, 3)


def a(jour, heure, minute=0):
    return timezone.make_aware(datetime.datetime.combine(jour, datetime.time(heure, minute)))


@pytest.fixture
def avant_la_semaine(a_l_heure):
    a_l_heure(datetime.datetime(2026, 11, 25, 10, 0))


def cellule(html, jour: str, colonne: int) -> str:
    """The text of one cell of the week table: the row of `jour`, column 0 (morning) or 1 (afternoon)."""
    ligne = html.split(f'<th scope="row">{jour}')[1].split("</tr>")[0]
    return ligne.split("<td>")[colonne + 1].split("</td>")[0]


def test_a_week_without_workshop_says_none_is_planned_in_the_workshop_slots(client, site, avant_la_semaine):
    html = client.get(SEMAINE).content.decode()
    assert "pas d'atelier prévu" in cellule(html, "mercredi", 1)
    assert "pas d'atelier prévu" in cellule(html, "jeudi", 0)
    assert "sur inscription" not in html.split("<table")[1].split("</table>")[0]


def test_the_workshop_slot_shows_the_real_workshop_with_its_time_link_and_seats_left(client, site, avant_la_semaine):
    atelier = AtelierFactory(
        titre="De l'idée au projet", debut=a(MERCREDI, 14), fin=a(MERCREDI, 16, 30), capacite=10, lieu=None
    )
    InscriptionFactory.create_batch(3, atelier=atelier)
    InscriptionFactory(atelier=atelier, statut=Inscription.Statut.ANNULEE)
    html = client.get(SEMAINE).content.decode()
    mercredi = cellule(html, "mercredi", 1)
    assert f'<a class="cell-atelier" href="/ateliers/{atelier.pk}/">De l&#x27;idée au projet</a>' in mercredi
    assert "14\u00a0h – 16\u00a0h\u00a030" in mercredi
    assert "7 places restantes" in mercredi
    assert "pas d'atelier prévu" not in mercredi
    assert "pas d'atelier prévu" in cellule(html, "jeudi", 0)


def test_a_full_workshop_says_so_in_the_week_table(client, site, avant_la_semaine):
    atelier = AtelierFactory(titre="Atelier complet", debut=a(JEUDI, 9), fin=a(JEUDI, 12), capacite=1)
    InscriptionFactory(atelier=atelier)
    assert "complet, liste d'attente" in cellule(client.get(SEMAINE).content.decode(), "jeudi", 0)


def test_a_registration_updates_the_seats_left_of_the_cached_week_table(client, site, avant_la_semaine):
    atelier = AtelierFactory(titre="Atelier", debut=a(JEUDI, 9), fin=a(JEUDI, 12), capacite=2)
    assert "2 places restantes" in client.get(SEMAINE).content.decode()
    InscriptionFactory(atelier=atelier)
    assert "1 place restante" in client.get(SEMAINE).content.decode()


def test_a_workshop_outside_the_workshop_slots_is_listed_in_its_half_day(client, site, avant_la_semaine):
    AtelierFactory(
        titre="Entreprendre au féminin",
        debut=a(datetime.date(2026, 12, 1), 14),
        fin=a(datetime.date(2026, 12, 1), 16),
        lieu=Lieu.objects.get(nom="Centre social Max Savy"),
    )
    mardi = cellule(client.get(SEMAINE).content.decode(), "mardi", 1)
    assert "Entreprendre au féminin" in mardi
    assert "FJT Le Viguier" in mardi or "Centre social" in mardi  # the walk-in permanence stays


def test_private_workshops_and_other_weeks_workshops_are_not_shown(client, site, avant_la_semaine):
    AtelierFactory(titre="Réunion interne", debut=a(MERCREDI, 14), fin=a(MERCREDI, 16), public=False)
    AtelierFactory(titre="La semaine suivante", debut=a(MERCREDI, 14) + datetime.timedelta(weeks=1))
    html = client.get(SEMAINE).content.decode()
    assert "Réunion interne" not in html and "La semaine suivante" not in html
    assert "pas d'atelier prévu" in cellule(html, "mercredi", 1)


def test_a_workshop_slot_closed_by_a_holiday_still_says_closed(client, site, a_l_heure):
    a_l_heure(datetime.datetime(2026, 12, 20, 10, 0))
    html = client.get("/permanences/?semaine=2026-W52").content.decode()  # Friday 25 December
    assert "Fermé" in cellule(html, "vendredi", 0)


def test_the_week_table_makes_the_same_number_of_queries_whatever_the_number_of_workshops(
    client, site, avant_la_semaine, django_assert_num_queries, monkeypatch
):
    """Slots, closures and the week's workshops with their seats: three queries, page cache missed."""
    from citeslab.core import cache as cache_public

    def sans_cache_des_pages():
        monkeypatch.setattr(cache_public, "lire_page", lambda key: None)
        monkeypatch.setattr(cache_public, "ecrire_page", lambda key, *args: None)

    client.get(SEMAINE)  # the office's contact, then kept as reference data
    sans_cache_des_pages()
    with django_assert_num_queries(3):
        client.get(SEMAINE)
    for jour, heure in [(MERCREDI, 14), (JEUDI, 9), (MERCREDI, 15), (datetime.date(2026, 12, 1), 14)]:
        InscriptionFactory.create_batch(2, atelier=AtelierFactory(debut=a(jour, heure), fin=a(jour, heure + 2)))
    client.get(SEMAINE)  # the changes replaced the cached reference data too: the office's contact is read again
    with django_assert_num_queries(3):
        html = client.get(SEMAINE).content.decode()
    assert html.count("8 places restantes") == 4


def test_a_saturday_workshop_adds_the_saturday_row(client, site, avant_la_semaine):
    samedi = datetime.date(2026, 12, 5)
    AtelierFactory(titre="Atelier du samedi", debut=a(samedi, 10), fin=a(samedi, 12))
    html = client.get(SEMAINE).content.decode()
    assert "Atelier du samedi" in cellule(html, "samedi", 0)
    assert '<th scope="row">dimanche' not in html

"""The home page names the funders of the convention in force that day, and the dashboard asks for a renewal.

Every test pins "today" (a_l_heure): the press kit's convention runs from 2018 to 2020, so the answer
depends on the date and must not change with the day the suite runs.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.financement.factories import ContributionFactory, ConventionFactory, FinanceurFactory

EN_2019 = datetime.datetime(2019, 6, 12, 10, 0)
EN_2026 = datetime.datetime(2026, 11, 30, 10, 0)


def soutien(html: str) -> str:
    return html.split('id="soutien"')[1].split("</section>")[0] if 'id="soutien"' in html else ""


def test_home_names_the_press_kit_funders_while_their_convention_is_in_force(client, site, a_l_heure):
    a_l_heure(EN_2019)
    section = soutien(client.get("/").content.decode())
    assert "État" in section and "40\u202f%" in section
    assert "Caisse des Dépôts" in section and "Carcassonne Agglo" in section
    assert "Convention CitésLab Carcassonne 2018–2020, en vigueur jusqu'au jeudi 31 décembre 2020" in section


def test_home_shows_no_funder_once_the_convention_has_ended(client, site, a_l_heure):
    a_l_heure(EN_2026)
    html = client.get("/").content.decode()
    assert "Avec le soutien de" not in html
    assert "2018–2020" not in html and "180\u202f000" not in html


def test_home_names_the_funders_of_the_renewed_convention_not_the_old_one(client, site, a_l_heure):
    a_l_heure(EN_2026)
    convention = ConventionFactory(
        intitule="Convention CitésLab Carcassonne 2026",
        debut=datetime.date(2026, 1, 1),
        fin=datetime.date(2026, 12, 31),
        montant_total=Decimal("60000"),
    )
    ContributionFactory(convention=convention, financeur=FinanceurFactory(nom="Bpifrance"), montant=Decimal("30000"))
    ContributionFactory(
        convention=convention, financeur=FinanceurFactory(nom="Carcassonne Agglo"), montant=Decimal("30000")
    )
    section = soutien(client.get("/").content.decode())
    assert "Bpifrance" in section and "Carcassonne Agglo" in section and "50\u202f%" in section
    assert "Caisse des Dépôts" not in section and "2018–2020" not in section


def test_home_shows_a_convention_on_its_last_day_and_not_the_day_after(client, site, a_l_heure):
    a_l_heure(datetime.datetime(2020, 12, 31, 18, 0))
    assert "Avec le soutien de" in client.get("/").content.decode()
    a_l_heure(datetime.datetime(2021, 1, 1, 9, 0))
    assert "Avec le soutien de" not in client.get("/").content.decode()


def tableau_de_bord(client, utilisateur, a_l_heure, moment) -> str:
    """The admin index seen at `moment`: logged in after freezing the clock, or the session would have expired."""
    a_l_heure(moment)
    client.force_login(utilisateur)
    return client.get(reverse("admin:index")).content.decode()


def test_dashboard_asks_the_administrator_to_enter_the_renewal_with_a_link(client, administrateur, seeded, a_l_heure):
    html = tableau_de_bord(client, administrateur, a_l_heure, EN_2026)
    assert "Convention de financement à renouveler" in html
    assert "a pris fin le jeudi 31 décembre 2020" in html
    assert f'href="{reverse("admin:financement_convention_add")}"' in html


def test_dashboard_tells_the_chef_de_projet_that_the_renewal_is_missing_and_who_enters_it(
    client, chef, seeded, a_l_heure
):
    html = tableau_de_bord(client, chef, a_l_heure, EN_2026)
    assert "Convention de financement à renouveler" in html
    assert "Transmettez la nouvelle convention à l'administrateur" in html
    # The chef de projet's role may not add conventions: no link that would end on a 403.
    assert reverse("admin:financement_convention_add") not in html


@pytest.mark.parametrize("moment", [EN_2019, datetime.datetime(2020, 10, 31, 9, 0)])
def test_dashboard_says_nothing_while_a_convention_is_in_force(client, administrateur, seeded, a_l_heure, moment):
    html = tableau_de_bord(client, administrateur, a_l_heure, moment)
    assert "Tableau de bord" in html and "à renouveler" not in html


def test_dashboard_does_not_ask_the_agglo_for_the_renewal(client, agglo, seeded, a_l_heure):
    html = tableau_de_bord(client, agglo, a_l_heure, EN_2026)
    assert "Bilan annuel" in html and "à renouveler" not in html


def test_dashboard_warns_two_months_before_the_convention_ends_without_a_successor(
    client, administrateur, seeded, a_l_heure
):
    html = tableau_de_bord(client, administrateur, a_l_heure, datetime.datetime(2020, 11, 15, 9, 0))
    assert "« Convention CitésLab Carcassonne 2018–2020 » prend fin le jeudi 31 décembre 2020" in html
    assert f'href="{reverse("admin:financement_convention_add")}"' in html


def test_dashboard_says_nothing_once_the_next_convention_is_entered(client, administrateur, seeded, a_l_heure):
    ConventionFactory(debut=datetime.date(2021, 1, 1), fin=datetime.date(2023, 12, 31))
    html = tableau_de_bord(client, administrateur, a_l_heure, datetime.datetime(2020, 11, 15, 9, 0))
    assert "Tableau de bord" in html and "à renouveler" not in html

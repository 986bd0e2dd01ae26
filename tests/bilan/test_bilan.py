import datetime
from decimal import Decimal

import pytest

from citeslab.bilan.sections import construire_bilan
from porteurs.models import Etape, Porteur
from tests.porteurs.factories import ChangementEtapeFactory, PorteurFactory, SuiviFactory


def lignes(bilan, cle):
    return {ligne[0]: ligne[1:] for ligne in bilan.tableau(cle).lignes}


def test_accompanied_counts_people_with_a_follow_up_in_the_year(activite):
    chiffres = lignes(construire_bilan(2019), "Chiffres clés")
    assert chiffres["Personnes accompagnées (au moins un suivi dans l'année)"] == [4, 1]


def test_new_people_are_those_first_met_in_the_year(activite):
    chiffres = lignes(construire_bilan(2019), "Chiffres clés")
    assert chiffres["Nouvelles personnes (premier contact dans l'année)"] == [4, 1]


def test_share_of_women_among_people_accompanied(activite):
    chiffres = lignes(construire_bilan(2019), "Chiffres clés")
    assert chiffres["Part de femmes parmi les personnes accompagnées"][0] == Decimal(3) / 4


def test_age_bands_use_the_age_on_31_december(activite):
    ages = lignes(construire_bilan(2019), "Âge")
    # Alice born 1/1/2000 is 19; Berthe (1980) 39; Claire (1960) 59; Denis unknown.
    assert ages["Moins de 26 ans"][0] == 1
    assert ages["26 à 45 ans"][0] == 1
    assert ages["Plus de 45 ans"][0] == 1
    assert ages["Non renseigné"][0] == 1


def test_quartier_and_qpv_tables_count_people_outside_qpv(activite):
    bilan = construire_bilan(2019)
    assert lignes(bilan, "Quartier")["La Conte / Ozanam"][0] == 2
    assert lignes(bilan, "Quartier")["Hors QPV"][0] == 1
    assert lignes(bilan, "QPV")["En quartier prioritaire (QPV)"][0] == 3


def test_stage_at_year_end_ignores_changes_after_31_december(activite):
    etapes = lignes(construire_bilan(2019), "Étape au 31-12")
    assert etapes["Parcours de création"][0] == 1  # Berthe: company created only in 2020
    assert etapes["Entreprise créée"][0] == 1  # Denis
    assert etapes["Retour à l'emploi"][0] == 1
    assert etapes["Émergence"][0] == 1


def test_network_shares_count_creation_and_company_created_together(activite):
    parcours = lignes(construire_bilan(2019), "Parcours")
    assert parcours["Parcours de création engagé (création ou entreprise créée)"][:2] == [2, Decimal("0.5")]
    assert parcours["Retour à l'emploi"][1] == Decimal("0.25")


def test_hours_are_minutes_of_follow_ups_over_sixty(activite):
    chiffres = lignes(construire_bilan(2019), "Chiffres clés")
    assert chiffres["Suivis"] == [5, 1]
    assert chiffres["Heures d'accompagnement"] == [Decimal(240) / 60, Decimal(2)]


def test_referrals_by_partner_and_outcome(activite):
    bilan = construire_bilan(2019)
    assert lignes(bilan, "Orientations partenaire")["ADIE"][0] == 2
    assert lignes(bilan, "Orientations partenaire")["CCI"][2] == 1
    assert lignes(bilan, "Orientations résultat")["Pris en charge"][0] == 1


def test_workshops_by_theme_and_attendance_rate_of_confirmed(activite):
    bilan = construire_bilan(2019)
    assert lignes(bilan, "Ateliers")["Atelier Émergence"][:3] == [1, 3, Decimal(2) / 3]
    chiffres = lignes(bilan, "Chiffres clés")
    assert chiffres["Inscriptions confirmées aux ateliers"] == [4, 1]
    assert chiffres["Taux de présence aux ateliers passés"][0] == Decimal(3) / 4


def test_permanences_held_exclude_public_holidays_and_closures(activite):
    chiffres = lignes(construire_bilan(2019), "Chiffres clés")
    # 52 Mondays in 2019, minus Easter Monday, Whit Monday, 11 November and the leave of 5/8.
    assert chiffres["Permanences d'accueil tenues (fermetures et jours fériés exclus)"][0] == 52 - 4


def test_financing_prorates_the_contribution_by_days_in_the_year(activite):
    financement = lignes(construire_bilan(2019), "Financement")
    part, du, recu, reste, _, _ = financement["État"]
    assert part == Decimal("0.6")
    assert du == (Decimal(54000) * 365 / 1096).quantize(Decimal("0.01"))
    assert recu == Decimal("15000")
    assert reste == du - recu


def test_report_picks_the_renewed_convention_for_a_later_year(activite):
    from tests.financement.factories import ContributionFactory, ConventionFactory, FinanceurFactory

    suivante = ConventionFactory(
        intitule="Renouvellement 2021-2023",
        debut=datetime.date(2021, 1, 1),
        fin=datetime.date(2023, 12, 31),
        montant_total=Decimal("30000"),
    )
    ContributionFactory(convention=suivante, financeur=FinanceurFactory(nom="Région"), montant=Decimal("30000"))
    bilan = construire_bilan(2022)
    assert [str(c) for c in bilan.conventions] == ["Renouvellement 2021-2023"]
    assert lignes(bilan, "Financement")["Région"][1] == Decimal("10000.00")


def test_report_holds_no_name_nor_note(activite):
    bilan = construire_bilan(2019)
    textes = {str(v) for t in bilan.tableaux for ligne in t.lignes for v in ligne}
    for porteur in Porteur.objects.all():
        assert porteur.nom not in textes and porteur.prenom not in textes
    assert not any("notes" in c.titre.lower() for t in bilan.tableaux for c in t.colonnes)


def _personnes(n):
    for i in range(n):
        porteur = PorteurFactory(genre=Porteur.Genre.FEMME if i % 2 else Porteur.Genre.HOMME)
        ChangementEtapeFactory(porteur=porteur, etape=Etape.CREATION)
        SuiviFactory(porteur=porteur)


def test_report_query_count_does_not_grow_with_people(activite, django_assert_num_queries):
    _personnes(3)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as petit:
        construire_bilan(2019)
    _personnes(30)
    with django_assert_num_queries(len(petit.captured_queries)):
        construire_bilan(2019)


def test_report_runs_in_a_pinned_number_of_queries(activite, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        construire_bilan(2019)


@pytest.mark.django_db
def test_report_of_an_empty_year_shows_dashes_not_errors():
    bilan = construire_bilan(2019)
    chiffres = lignes(bilan, "Chiffres clés")
    assert chiffres["Part de femmes parmi les personnes accompagnées"] == [None, None]

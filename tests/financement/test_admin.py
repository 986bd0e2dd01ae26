import datetime
from decimal import Decimal

from django.urls import reverse

from financement.models import Convention
from financement.stats import echeancier
from tests.financement.factories import ContributionFactory, ConventionFactory, FinanceurFactory, VersementFactory


def _donnees(etat, cdc, agglo, total="180000.00"):
    data = {
        "intitule": "Convention CitésLab 2021-2023",
        "debut": "01/01/2021",
        "fin": "31/12/2023",
        "montant_total": total,
        "contributions-TOTAL_FORMS": "3",
        "contributions-INITIAL_FORMS": "0",
        "contributions-MIN_NUM_FORMS": "0",
        "contributions-MAX_NUM_FORMS": "1000",
    }
    for i, (financeur, montant) in enumerate([etat, cdc, agglo]):
        data[f"contributions-{i}-financeur"] = str(financeur.pk)
        data[f"contributions-{i}-montant"] = montant
    return data


def _financeurs():
    return (
        FinanceurFactory(nom="État"),
        FinanceurFactory(nom="Caisse des Dépôts"),
        FinanceurFactory(nom="Carcassonne Agglo"),
    )


def test_convention_whose_contributions_fall_short_is_refused_with_the_gap(admin_client_):
    etat, cdc, agglo = _financeurs()
    response = admin_client_.post(
        reverse("admin:financement_convention_add"),
        _donnees((etat, "72000"), (cdc, "54000"), (agglo, "44000")),
    )
    assert response.status_code == 200
    assert not Convention.objects.exists()
    texte = response.content.decode().replace("\u00a0", " ").replace("\u202f", " ")
    assert "Les contributions totalisent 170 000,00 € : il manque 10 000,00 €" in texte


def test_convention_whose_contributions_exceed_is_refused_with_the_excess(admin_client_):
    etat, cdc, agglo = _financeurs()
    response = admin_client_.post(
        reverse("admin:financement_convention_add"),
        _donnees((etat, "72000"), (cdc, "54000"), (agglo, "64000")),
    )
    assert not Convention.objects.exists()
    assert "10 000,00 € de trop" in response.content.decode().replace("\u00a0", " ").replace("\u202f", " ")


def test_convention_that_adds_up_is_saved_and_shows_each_share(admin_client_):
    etat, cdc, agglo = _financeurs()
    response = admin_client_.post(
        reverse("admin:financement_convention_add"),
        _donnees((etat, "72000"), (cdc, "54000"), (agglo, "54000")),
    )
    assert response.status_code == 302
    convention = Convention.objects.get()
    assert convention.ecart() == 0
    page = admin_client_.get(reverse("admin:financement_convention_change", args=[convention.pk]))
    texte = page.content.decode().replace("\u00a0", " ").replace("\u202f", " ")
    assert "72 000,00 € sur 180 000,00 € = 40 %" in texte
    assert "54 000,00 € sur 180 000,00 € = 30 %" in texte


def test_schedule_gives_due_received_and_remaining_per_year_and_funder(db):
    convention = ConventionFactory(
        debut=datetime.date(2021, 1, 1), fin=datetime.date(2023, 12, 31), montant_total=Decimal("180000")
    )
    etat = ContributionFactory(convention=convention, financeur__nom="État", montant=Decimal("72000"))
    ContributionFactory(convention=convention, financeur__nom="Agglo", montant=Decimal("108000"))
    VersementFactory(contribution=etat, date=datetime.date(2022, 4, 1), montant=Decimal("20000"))
    lignes = {(e.annee, e.financeur): e for e in echeancier(convention)}
    assert len(lignes) == 6
    etat_2022 = lignes[(2022, "État")]
    assert etat_2022.du == (Decimal(72000) * 365 / 1095).quantize(Decimal("0.01"))
    assert etat_2022.recu == Decimal("20000")
    assert etat_2022.reste == etat_2022.du - Decimal("20000")


def test_convention_page_shows_the_schedule(admin_client_):
    convention = ConventionFactory(montant_total=Decimal("100000"))
    contribution = ContributionFactory(convention=convention, montant=Decimal("100000"), financeur__nom="État")
    VersementFactory(contribution=contribution, date=datetime.date(2021, 6, 1), montant=Decimal("10000"))
    texte = (
        admin_client_.get(reverse("admin:financement_convention_change", args=[convention.pk]))
        .content.decode()
        .replace("\u00a0", " ")
        .replace("\u202f", " ")
    )
    assert "Échéancier par année" in texte
    assert "10 000,00 €" in texte


def _verser(client, contribution, *, date="15/03/2021", **champs):
    """Post one payment from the contribution's page, as the admin's inline form sends it."""
    donnees = {
        "versements-TOTAL_FORMS": "1",
        "versements-INITIAL_FORMS": "0",
        "versements-MIN_NUM_FORMS": "0",
        "versements-MAX_NUM_FORMS": "1000",
        "versements-0-date": date,
        **{f"versements-0-{nom}": valeur for nom, valeur in champs.items()},
    }
    return client.post(reverse("admin:financement_contribution_change", args=[contribution.pk]), donnees)


def test_payments_are_entered_on_the_contribution(admin_client_):
    contribution = ContributionFactory()
    response = _verser(admin_client_, contribution, montant="12500,50", reference="VIR-2021-03")
    assert response.status_code == 302, response.content.decode()[:3000]
    assert contribution.versements.get().montant == Decimal("12500.50")


def test_agglo_cannot_open_the_financing_admin(agglo_client):
    assert agglo_client.get(reverse("admin:financement_convention_changelist")).status_code == 403


def test_convention_ending_before_it_starts_is_refused_in_french(admin_client_):
    etat, cdc, agglo = _financeurs()
    data = _donnees((etat, "72000"), (cdc, "54000"), (agglo, "54000"))
    data["fin"] = "01/01/2020"
    response = admin_client_.post(reverse("admin:financement_convention_add"), data)
    assert "La fin de la convention doit être postérieure à son début." in response.content.decode()
    assert not Convention.objects.exists()


def test_negative_payment_is_refused_in_french(admin_client_):
    contribution = ContributionFactory()
    response = _verser(admin_client_, contribution, montant="-5")
    assert "Le montant d&#x27;un versement doit être positif." in response.content.decode()
    assert not contribution.versements.exists()

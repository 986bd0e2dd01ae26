import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from ateliers.models import Atelier, Inscription
from porteurs.models import Etape, Orientation, Porteur
from tests.ateliers.factories import AtelierFactory, InscriptionFactory
from tests.financement.factories import ContributionFactory, ConventionFactory, FinanceurFactory, VersementFactory
from tests.permanences.factories import FermetureFactory, PermanenceFactory, QuartierFactory
from tests.porteurs.factories import ChangementEtapeFactory, OrientationFactory, PorteurFactory, SuiviFactory


def _atelier(jour, theme=Atelier.Theme.EMERGENCE):
    debut = datetime.datetime.combine(jour, datetime.time(14), tzinfo=timezone.get_current_timezone())
    return AtelierFactory(debut=debut, fin=debut + datetime.timedelta(hours=2), theme=theme)


@pytest.fixture
def activite(db):
    """A small, hand-countable activity over 2018 and 2019."""
    conte = QuartierFactory(nom="La Conte / Ozanam", slug="la-conte-ozanam")
    grazailles = QuartierFactory(nom="Grazailles", slug="grazailles")
    # 2019: four people accompanied, three of them women; one new in 2018 only accompanied in 2018.
    alice = PorteurFactory(
        quartier=conte, date_naissance=datetime.date(2000, 1, 1), date_premier_contact=datetime.date(2019, 2, 1)
    )
    berthe = PorteurFactory(quartier=grazailles, date_naissance=datetime.date(1980, 6, 1))
    claire = PorteurFactory(hors_qpv=True, date_naissance=datetime.date(1960, 1, 1), situation=Porteur.Situation.RSA)
    denis = PorteurFactory(homme=True, quartier=conte, date_naissance=None, source=Porteur.Source.PARTENAIRE)
    eve = PorteurFactory(quartier=conte, date_premier_contact=datetime.date(2018, 5, 2))
    for porteur in (alice, berthe, claire, denis, eve):
        ChangementEtapeFactory(porteur=porteur, etape=Etape.EMERGENCE, date=porteur.date_premier_contact)
    SuiviFactory(porteur=alice, date=datetime.date(2019, 2, 1), duree_minutes=60)
    SuiviFactory(porteur=alice, date=datetime.date(2019, 3, 1), duree_minutes=30)
    SuiviFactory(porteur=berthe, date=datetime.date(2019, 4, 1), duree_minutes=90)
    SuiviFactory(porteur=claire, date=datetime.date(2019, 12, 31), duree_minutes=30, type="telephone")
    SuiviFactory(porteur=denis, date=datetime.date(2019, 1, 1), duree_minutes=30)
    SuiviFactory(porteur=eve, date=datetime.date(2018, 6, 1), duree_minutes=120)
    # Berthe starts a creation path in 2019 and creates her company in 2020 (after the year's end).
    ChangementEtapeFactory(porteur=berthe, etape=Etape.CREATION, date=datetime.date(2019, 9, 1))
    ChangementEtapeFactory(porteur=berthe, etape=Etape.ENTREPRISE_CREEE, date=datetime.date(2020, 2, 1))
    # Claire goes back to work in 2019; Denis's company is created in 2019.
    ChangementEtapeFactory(porteur=claire, etape=Etape.RETOUR_EMPLOI, date=datetime.date(2019, 11, 1))
    ChangementEtapeFactory(porteur=denis, etape=Etape.ENTREPRISE_CREEE, date=datetime.date(2019, 10, 1))
    OrientationFactory(
        porteur=alice,
        date=datetime.date(2019, 3, 1),
        partenaire__nom="ADIE",
        resultat=Orientation.Resultat.PRIS_EN_CHARGE,
    )
    OrientationFactory(porteur=berthe, date=datetime.date(2019, 5, 1), partenaire__nom="ADIE")
    OrientationFactory(porteur=eve, date=datetime.date(2018, 7, 1), partenaire__nom="CCI")
    # Workshops: two in 2019 (4 confirmed, 3 present, 1 cancelled), one in 2018.
    a1 = _atelier(datetime.date(2019, 3, 6))
    a2 = _atelier(datetime.date(2019, 10, 9), theme=Atelier.Theme.FEMININ)
    for atelier, presences in ((a1, [True, True, False]), (a2, [True])):
        for present in presences:
            InscriptionFactory(atelier=atelier, present=present)
    InscriptionFactory(atelier=a1, statut=Inscription.Statut.ANNULEE)
    InscriptionFactory(atelier=_atelier(datetime.date(2018, 11, 7)), present=True)
    # Permanences: one Monday slot; 2019 has 52 Mondays, minus Easter Monday and Whit Monday, minus a week's leave.
    PermanenceFactory(jour=0, valide_du=datetime.date(2018, 1, 1))
    FermetureFactory(debut=datetime.date(2019, 8, 5), fin=datetime.date(2019, 8, 9), motif="Congés")
    # Financing: 2018-01-01 → 2020-12-31, 90 000 € from two funders; payments in 2019.
    convention = ConventionFactory(
        intitule="Convention 2018-2020",
        debut=datetime.date(2018, 1, 1),
        fin=datetime.date(2020, 12, 31),
        montant_total=Decimal("90000"),
    )
    etat = ContributionFactory(convention=convention, financeur=FinanceurFactory(nom="État"), montant=Decimal("54000"))
    ContributionFactory(convention=convention, financeur=FinanceurFactory(nom="Agglo"), montant=Decimal("36000"))
    VersementFactory(contribution=etat, date=datetime.date(2019, 3, 1), montant=Decimal("10000"))
    VersementFactory(contribution=etat, date=datetime.date(2019, 9, 1), montant=Decimal("5000"))
    return {"convention": convention}

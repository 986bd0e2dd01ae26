import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from ateliers.models import Inscription
from citeslab.core.donnees_personnelles import EMAIL_ANONYME
from porteurs import rgpd
from porteurs.models import Porteur, Suivi
from tests.ateliers.factories import AtelierFactory, InscriptionFactory
from tests.porteurs.factories import OrientationFactory, PorteurFactory, SuiviFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LONG_AGO = TODAY - datetime.timedelta(days=3 * 365)


def _ancien(**kwargs):
    porteur = PorteurFactory(date_premier_contact=LONG_AGO, date_naissance=datetime.date(1985, 8, 23), **kwargs)
    SuiviFactory(porteur=porteur, date=LONG_AGO, notes="Notes d'entretien confidentielles")
    return porteur


def test_people_out_of_contact_for_two_years_are_due_for_anonymisation():
    ancien = _ancien()
    recent = _ancien()
    SuiviFactory(porteur=recent, date=TODAY - datetime.timedelta(days=30))
    assert list(rgpd.a_anonymiser()) == [ancien]


def test_a_recent_referral_counts_as_contact():
    porteur = _ancien()
    OrientationFactory(porteur=porteur, date=TODAY)
    assert not rgpd.a_anonymiser().exists()


def test_anonymisation_erases_identity_contacts_and_notes_but_keeps_what_reports_count():
    porteur = _ancien(genre=Porteur.Genre.FEMME, adresse="3 rue des Lilas")
    InscriptionFactory(porteur=porteur, prenom=porteur.prenom, nom=porteur.nom, email="x@example.org")
    kept = Porteur.objects.filter(pk=porteur.pk).values(
        "genre", "quartier", "situation", "source", "etape", "date_premier_contact"
    )[0]

    assert rgpd.anonymiser(Porteur.objects.filter(pk=porteur.pk)) == 1

    porteur.refresh_from_db()
    assert (porteur.prenom, porteur.nom, porteur.telephone, porteur.email, porteur.adresse, porteur.idee) == (
        "Anonyme",
        "",
        "",
        "",
        "",
        "",
    )
    assert porteur.date_naissance == datetime.date(1985, 1, 1)
    assert porteur.anonymise_le is not None
    assert Porteur.objects.filter(pk=porteur.pk).values(*kept)[0] == kept
    assert not Suivi.objects.filter(porteur=porteur).exclude(notes="").exists()
    assert Suivi.objects.filter(porteur=porteur).count() == 1  # the follow-up still counts
    inscription = Inscription.objects.get(porteur=porteur)
    assert (inscription.prenom, inscription.nom, inscription.email) == ("Anonyme", "", EMAIL_ANONYME)


def test_people_due_within_thirty_days_are_listed_before_the_purge():
    bientot = PorteurFactory(date_premier_contact=TODAY - rgpd.duree_conservation() + datetime.timedelta(days=10))
    PorteurFactory(date_premier_contact=TODAY)
    _ancien()  # already due: not "bientôt"
    assert list(rgpd.bientot_anonymises(30)) == [bientot]


def test_old_workshop_registrations_are_anonymised_too():
    atelier = AtelierFactory(
        debut=timezone.now() - datetime.timedelta(days=3 * 365),
        fin=timezone.now() - datetime.timedelta(days=3 * 365 - 1),
    )
    old = InscriptionFactory(atelier=atelier)
    recent = InscriptionFactory()
    call_command("purge_personal_data", stdout=io.StringIO())
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.prenom == "Anonyme"
    assert recent.prenom != "Anonyme"


def test_dry_run_changes_nothing_and_names_no_one():
    porteur = _ancien()
    out = io.StringIO()
    call_command("purge_personal_data", dry_run=True, stdout=out)
    assert "1 porteur(s)" in out.getvalue()
    assert porteur.nom not in out.getvalue()
    porteur.refresh_from_db()
    assert porteur.anonymise_le is None


def test_purge_twice_anonymises_once():
    _ancien()
    call_command("purge_personal_data", stdout=io.StringIO())
    out = io.StringIO()
    call_command("purge_personal_data", stdout=out)
    assert "0 porteur(s)" in out.getvalue()


def test_old_registrations_lose_their_earlier_versions_too():
    atelier = AtelierFactory(
        debut=timezone.now() - datetime.timedelta(days=3 * 365),
        fin=timezone.now() - datetime.timedelta(days=3 * 365 - 1),
    )
    old = InscriptionFactory(atelier=atelier, nom="Benali", telephone="06 12 34 56 78")
    old.telephone = "06 98 76 54 32"
    old.save()
    call_command("purge_personal_data", stdout=io.StringIO())
    assert old.history.count() == 2
    assert not old.history.exclude(nom="").exists()
    assert not old.history.exclude(telephone="").exists()


def test_a_person_anonymised_loses_the_earlier_versions_of_registrations_linked_to_them_later():
    porteur = _ancien()
    inscription = InscriptionFactory(nom="Benali")  # registered first, linked to the person afterwards
    inscription.porteur = porteur
    inscription.save()
    rgpd.anonymiser([porteur.pk])
    assert not inscription.history.exclude(nom="").exists()


def test_the_personal_data_page_states_the_legal_basis_and_the_period_the_purge_applies(client, settings):
    settings.RGPD_DUREE_CONSERVATION_JOURS = 3 * 365
    html = client.get("/donnees-personnelles/").content.decode()
    assert "mission d&#x27;intérêt public" in html or "mission d'intérêt public" in html
    assert "article 6.1.e" in html
    assert "Trois ans après notre dernier contact" in html


def test_bientot_anonymises_takes_exactly_the_people_the_purge_will_take_within_the_period():
    debut = TODAY - rgpd.duree_conservation()
    people = {
        jours: PorteurFactory(date_premier_contact=debut + datetime.timedelta(days=jours)) for jours in (-1, 0, 29, 30)
    }
    # Someone first seen long ago but followed recently is not concerned.
    suivi_recent = _ancien()
    SuiviFactory(porteur=suivi_recent, date=TODAY)
    soon = set(rgpd.bientot_anonymises(30))
    assert soon == {people[0], people[29]}
    assert soon == set(rgpd.a_anonymiser(TODAY + datetime.timedelta(days=30))) - set(rgpd.a_anonymiser(TODAY))

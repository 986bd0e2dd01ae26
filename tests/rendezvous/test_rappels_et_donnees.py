import datetime
import io
import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from citeslab.bilan.sections import Statistiques, rendez_vous
from citeslab.core.donnees_personnelles import ANONYME, EMAIL_ANONYME
from porteurs.rgpd import anonymiser, export_droit_d_acces
from rendezvous.models import RendezVous
from tests.porteurs.factories import PorteurFactory
from tests.rendezvous.factories import PermanenceRdvFactory, RendezVousFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rappels(executer_taches):
    def lancer():
        sortie = io.StringIO()
        call_command("send_appointment_reminders", stdout=sortie)
        executer_taches()
        return sortie.getvalue()

    return lancer


def demain():
    return timezone.localdate() + datetime.timedelta(days=1)


def test_the_reminder_goes_the_day_before_by_e_mail_and_sms(rappels, sms_en_memoire):
    permanence = PermanenceRdvFactory(jour=demain().weekday())
    rdv = RendezVousFactory(permanence=permanence, date=demain())
    assert "1 rappel(s)" in rappels()
    assert [m.to for m in mail.outbox] == [[rdv.email]]
    assert mail.outbox[0].subject == "Rappel : votre rendez-vous au CitésLab demain"
    assert [s["numero"] for s in sms_en_memoire] == [rdv.telephone]


def test_running_the_reminders_every_hour_sends_each_only_once(rappels, sms_en_memoire):
    permanence = PermanenceRdvFactory(jour=demain().weekday())
    RendezVousFactory(permanence=permanence, date=demain())
    RendezVousFactory(permanence=permanence, date=demain(), debut=datetime.time(9, 30), fin=datetime.time(10))
    rappels()
    rappels()
    assert "0 rappel(s)" in rappels()
    assert len(mail.outbox) == 2 and len(sms_en_memoire) == 2


def test_no_reminder_for_cancelled_appointments_or_other_days(rappels):
    permanence = PermanenceRdvFactory(jour=demain().weekday())
    RendezVousFactory(permanence=permanence, date=demain(), statut=RendezVous.Statut.ANNULE)
    RendezVousFactory(permanence=permanence, date=demain() + datetime.timedelta(days=7))
    rappels()
    assert mail.outbox == []


def test_erasing_a_person_erases_her_appointments_and_the_export_lists_them():
    rdv = RendezVousFactory(idee="Une épicerie solidaire")
    porteur = PorteurFactory()
    RendezVous.objects.filter(pk=rdv.pk).update(porteur=porteur)
    contenu, nombre = export_droit_d_acces([porteur.pk])
    document = json.loads(contenu)
    assert nombre == 1
    assert document["personnes"][0]["rendez_vous"][0]["idee"] == "Une épicerie solidaire"
    anonymiser([porteur.pk])
    rdv.refresh_from_db()
    assert (rdv.prenom, rdv.nom, rdv.telephone, rdv.email, rdv.idee) == (ANONYME, "", "", EMAIL_ANONYME, "")
    assert rdv.date and rdv.statut == RendezVous.Statut.RESERVE  # the report still counts it


def test_the_daily_purge_erases_appointments_older_than_the_retention(settings):
    settings.RGPD_DUREE_CONSERVATION_JOURS = 30
    ancien = RendezVousFactory(date=timezone.localdate() - datetime.timedelta(days=40))
    recent = RendezVousFactory()
    sortie = io.StringIO()
    call_command("purge_personal_data", stdout=sortie)
    ancien.refresh_from_db()
    recent.refresh_from_db()
    assert ancien.prenom == ANONYME and ancien.telephone == ""
    assert recent.prenom != ANONYME
    assert "rendez-vous" in sortie.getvalue()


def test_the_yearly_report_counts_booked_honoured_missed_and_cancelled(django_assert_max_num_queries):
    annee = timezone.localdate().year
    permanence = PermanenceRdvFactory()
    jour = datetime.date(annee, 3, 2)
    for i, statut in enumerate(["honore", "honore", "manque", "annule"]):
        RendezVousFactory(
            permanence=permanence, date=jour, debut=datetime.time(9 + i), fin=datetime.time(9 + i, 30), statut=statut
        )
    RendezVousFactory(permanence=permanence, date=datetime.date(annee - 1, 3, 2))
    with django_assert_max_num_queries(1):
        tableau = rendez_vous(Statistiques(annee))
    lignes = {ligne[0]: ligne[1:] for ligne in tableau.lignes}
    assert lignes["Réservés"] == [4, 1]
    assert lignes["Honorés"] == [2, 0] and lignes["Manqués"] == [1, 0] and lignes["Annulés"] == [1, 0]

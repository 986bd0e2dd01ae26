import datetime

import pytest
from django.core import mail
from django.db import IntegrityError, OperationalError

from porteurs.models import Porteur
from rendezvous import creneaux, services
from rendezvous.models import RendezVous
from tests.permanences.factories import FermetureFactory
from tests.porteurs.factories import PorteurFactory
from tests.rendezvous.factories import PermanenceRdvFactory, RendezVousFactory, jour_ouvert

pytestmark = pytest.mark.django_db

NEUF, NEUF_ET_DEMIE, DIX = datetime.time(9), datetime.time(9, 30), datetime.time(10)


def reserver(permanence, debut=NEUF, jour=None, **personne):
    personne = {"prenom": "Nadia", "nom": "Exemple", "telephone": "06 12 34 56 78", **personne}
    return services.reserver(permanence=permanence, date=jour or jour_ouvert(), debut=debut, **personne)


def horaires_du_jour(permanence, jour=None):
    jour = jour or jour_ouvert()
    return [h.debut for h in creneaux.horaires_libres(debut=jour, fin=jour) if h.permanence == permanence]


def test_a_permanence_offers_its_first_bookable_times_and_keeps_the_rest_for_walk_ins():
    permanence = PermanenceRdvFactory(nb_rdv=3, duree_rdv=20)
    assert horaires_du_jour(permanence) == [NEUF, datetime.time(9, 20), datetime.time(9, 40)]


def test_a_permanence_that_takes_no_appointment_offers_none():
    permanence = PermanenceRdvFactory(prend_rdv=False)
    assert horaires_du_jour(permanence) == []


def test_a_closure_or_a_public_holiday_removes_the_times(monkeypatch):
    permanence = PermanenceRdvFactory()
    FermetureFactory(debut=jour_ouvert(), fin=jour_ouvert(), motif="Formation")
    assert horaires_du_jour(permanence) == []
    monkeypatch.setattr(creneaux, "HORIZON", datetime.timedelta(days=800))
    noel = datetime.date(jour_ouvert().year + 1, 12, 25)
    noel_permanence = PermanenceRdvFactory(jour=noel.weekday())
    assert creneaux.horaire_offert(noel_permanence, noel, NEUF) is None
    lendemain = noel + datetime.timedelta(days=14)  # same weekday, no holiday (a week later is 1 January)
    assert creneaux.horaire_offert(noel_permanence, lendemain, NEUF) is not None


def test_a_booked_time_is_no_longer_offered_and_cannot_be_booked_again():
    permanence = PermanenceRdvFactory()
    reserver(permanence)
    assert horaires_du_jour(permanence) == [NEUF_ET_DEMIE]
    with pytest.raises(services.HoraireIndisponible, match="réservé par quelqu'un d'autre"):
        reserver(permanence, prenom="Léa", telephone="06 98 76 54 32")
    assert RendezVous.objects.count() == 1


def test_a_time_outside_the_bookable_ones_is_refused():
    permanence = PermanenceRdvFactory()
    with pytest.raises(services.HoraireIndisponible):
        reserver(permanence, debut=DIX)
    assert not RendezVous.objects.exists()


def test_the_database_refuses_a_second_active_booking_of_the_same_time():
    rdv = RendezVousFactory()
    with pytest.raises(IntegrityError):
        RendezVousFactory(permanence=rdv.permanence, date=rdv.date, debut=rdv.debut)


def test_a_cancelled_time_can_be_booked_again():
    permanence = PermanenceRdvFactory()
    assert services.annuler(rdv=reserver(permanence))
    assert reserver(permanence, prenom="Léa").statut == RendezVous.Statut.RESERVE


def test_the_limit_of_the_day_holds_when_the_chef_de_projet_lowers_it_after_bookings():
    permanence = PermanenceRdvFactory(nb_rdv=3)
    reserver(permanence, debut=NEUF)
    reserver(permanence, debut=NEUF_ET_DEMIE, prenom="Léa", telephone="06 98 76 54 32")
    permanence.nb_rdv = 2
    permanence.duree_rdv = 20  # now 9 h and 9 h 20: 9 h 20 is free but the day is full
    permanence.save()
    with pytest.raises(services.HoraireIndisponible):
        reserver(permanence, debut=datetime.time(9, 20), prenom="Sam", telephone="06 11 11 11 11")


def test_a_lock_that_does_not_come_is_a_french_try_again(monkeypatch):
    permanence = PermanenceRdvFactory()
    monkeypatch.setattr(services, "_verrou", lambda pk: (_ for _ in ()).throw(OperationalError("lock timeout")))
    with pytest.raises(services.ReservationImpossible, match="réessayez"):
        reserver(permanence)
    assert not RendezVous.objects.exists() and not Porteur.objects.exists()


def test_a_booking_creates_the_person_to_call_back_today():
    rdv = reserver(PermanenceRdvFactory(), idee="Un food truck de cuisine du monde")
    porteur = rdv.porteur
    assert (porteur.prenom, porteur.telephone, porteur.idee) == ("Nadia", "06 12 34 56 78", rdv.idee)
    assert porteur in Porteur.objects.a_relancer()
    assert porteur.source == Porteur.Source.SITE_WEB


def test_a_booking_finds_the_person_already_known_by_name_and_phone_without_changing_her_record():
    connue = PorteurFactory(prenom="Nadïa", nom="EXEMPLE", telephone="06 12 34 56 78", idee="Couture", relance_le=None)
    rdv = reserver(PermanenceRdvFactory(), idee="Autre chose")
    assert rdv.porteur == connue and Porteur.objects.count() == 1
    connue.refresh_from_db()
    assert connue.idee == "Couture" and connue in Porteur.objects.a_relancer()


def test_someone_else_with_the_same_phone_is_another_person():
    PorteurFactory(prenom="Karim", nom="Exemple", telephone="06 12 34 56 78")
    reserver(PermanenceRdvFactory())
    assert Porteur.objects.count() == 2


def test_a_booking_queues_its_confirmation_by_e_mail_and_sms(executer_taches, sms_en_memoire):
    rdv = reserver(PermanenceRdvFactory(), email="nadia@example.org")
    assert mail.outbox == [] and sms_en_memoire == []  # nothing sent inside the request
    executer_taches()
    assert [m.to for m in mail.outbox] == [["nadia@example.org"]]
    message = mail.outbox[0]
    assert "confirmé" in message.subject
    assert rdv.permanence.lieu.lien_carte in message.body
    assert "/rendez-vous/" in message.body and "Nadia" not in message.body.split("/rendez-vous/")[1]
    assert message.attachments[0][0] == "rendez-vous.ics"
    assert [s["numero"] for s in sms_en_memoire] == ["06 12 34 56 78"]
    assert "rendez-vous confirmé" in sms_en_memoire[0]["texte"] and "\xa0" not in sms_en_memoire[0]["texte"]


def test_a_landline_gets_no_sms(executer_taches, sms_en_memoire):
    reserver(PermanenceRdvFactory(), telephone="04 68 11 22 33")
    executer_taches()
    assert sms_en_memoire == []


def test_a_failing_sms_provider_is_retried_later_without_resending_the_e_mail(executer_taches, settings):
    from django_tasks_db.models import DBTaskResult

    settings.SMS_BACKEND = "citeslab.core.sms.BaseBackend"  # raises NotImplementedError: a provider down
    reserver(PermanenceRdvFactory(), email="nadia@example.org")
    executer_taches()
    assert len(mail.outbox) == 1
    nouvel_essai = DBTaskResult.objects.filter(status="READY").get()
    assert nouvel_essai.args_kwargs["args"][2:] == ["sms", 2] and nouvel_essai.run_after is not None


def test_moving_frees_the_old_time_and_tells_the_person(executer_taches, sms_en_memoire):
    permanence = PermanenceRdvFactory()
    rdv = reserver(permanence)
    services.deplacer(rdv=rdv, permanence=permanence, date=rdv.date, debut=NEUF_ET_DEMIE)
    rdv.refresh_from_db()
    assert rdv.debut == NEUF_ET_DEMIE and horaires_du_jour(permanence) == [NEUF]
    executer_taches()
    assert "déplacé" in sms_en_memoire[-1]["texte"]


def test_a_closure_saved_over_a_booked_day_cancels_and_tells_the_people(executer_taches, sms_en_memoire):
    rdv = RendezVousFactory(email="nadia@example.org")
    autre_jour = RendezVousFactory(date=rdv.date + datetime.timedelta(days=7), permanence=rdv.permanence)
    fermeture = FermetureFactory(debut=rdv.date, fin=rdv.date, motif="Formation")
    rdv.refresh_from_db()
    assert (rdv.statut, rdv.motif_annulation) == (RendezVous.Statut.ANNULE, "Formation")
    autre_jour.refresh_from_db()
    assert autre_jour.statut == RendezVous.Statut.RESERVE
    fermeture.save()  # saved again: nobody is told twice
    executer_taches()
    assert [m.to for m in mail.outbox] == [["nadia@example.org"]]
    assert "annulé" in mail.outbox[0].subject and "Formation" in mail.outbox[0].body
    assert len(sms_en_memoire) == 1 and "Formation" in sms_en_memoire[0]["texte"]


@pytest.mark.django_db(transaction=True)
def test_a_closure_saved_outside_any_transaction_still_cancels_the_booking():
    """A script or the shell saves in autocommit: the row locks of the cancellation need a transaction."""
    rdv = RendezVousFactory()
    FermetureFactory(debut=rdv.date, fin=rdv.date, motif="Travaux")
    rdv.refresh_from_db()
    assert rdv.statut == RendezVous.Statut.ANNULE


def test_a_closure_of_another_permanence_leaves_the_booking_alone():
    rdv = RendezVousFactory()
    FermetureFactory(debut=rdv.date, fin=rdv.date, permanence=PermanenceRdvFactory())
    rdv.refresh_from_db()
    assert rdv.statut == RendezVous.Statut.RESERVE


def test_du_jour_and_a_venir_list_active_appointments_in_time_order():
    premier = RendezVousFactory(debut=NEUF_ET_DEMIE, fin=DIX)
    second = RendezVousFactory(permanence=premier.permanence, date=premier.date)
    RendezVousFactory(
        permanence=premier.permanence,
        date=premier.date,
        debut=DIX,
        fin=datetime.time(10, 30),
        statut=RendezVous.Statut.ANNULE,
    )
    assert list(RendezVous.objects.du_jour(premier.date)) == [second, premier]
    assert list(RendezVous.objects.a_venir()) == [second, premier]


def test_moving_to_the_same_time_changes_nothing_and_tells_nobody(executer_taches, sms_en_memoire):
    permanence = PermanenceRdvFactory()
    rdv = reserver(permanence)
    executer_taches()
    sms_en_memoire.clear()
    services.deplacer(rdv=rdv, permanence=permanence, date=rdv.date, debut=rdv.debut)
    executer_taches()
    assert sms_en_memoire == []

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from ateliers import services
from ateliers.models import Inscription
from porteurs.models import ChangementEtape, Porteur
from tests.ateliers.factories import AtelierFactory, InscriptionFactory
from tests.porteurs.factories import PorteurFactory

pytestmark = pytest.mark.django_db


def inscrire(atelier, n=0, **extra):
    champs = {"prenom": "Inès", "nom": f"Testeuse{n}", "email": f"personne{n}@example.org"}
    return services.inscrire(atelier=atelier, **{**champs, **extra})


def test_inscrire_confirms_while_seats_remain():
    atelier = AtelierFactory(capacite=2)
    assert inscrire(atelier, 1).statut == Inscription.Statut.CONFIRMEE
    assert inscrire(atelier, 2).statut == Inscription.Statut.CONFIRMEE


def test_inscrire_puts_on_the_waiting_list_when_the_workshop_is_full():
    atelier = AtelierFactory(capacite=1)
    inscrire(atelier, 1)
    assert inscrire(atelier, 2).statut == Inscription.Statut.ATTENTE


def test_inscrire_30_people_one_after_another_for_10_seats_confirms_exactly_10():
    atelier = AtelierFactory(capacite=10)
    for n in range(30):
        inscrire(atelier, n)
    assert atelier.inscriptions.confirmees().count() == 10
    assert atelier.inscriptions.en_attente().count() == 20


def test_inscrire_does_not_count_cancelled_registrations_as_seats_taken():
    atelier = AtelierFactory(capacite=1)
    InscriptionFactory(atelier=atelier, statut=Inscription.Statut.ANNULEE)
    assert inscrire(atelier, 1).statut == Inscription.Statut.CONFIRMEE


def test_inscrire_refuses_a_workshop_with_registrations_closed():
    atelier = AtelierFactory(inscriptions_ouvertes=False)
    with pytest.raises(services.InscriptionsFermees):
        inscrire(atelier)
    assert not Inscription.objects.exists()


def test_inscrire_refuses_a_workshop_that_has_already_started():
    atelier = AtelierFactory(passe=True)
    with pytest.raises(services.InscriptionsFermees):
        inscrire(atelier)


def test_inscrire_refuses_a_non_public_workshop():
    with pytest.raises(services.InscriptionsFermees):
        inscrire(AtelierFactory(public=False))


def test_inscrire_refuses_the_same_person_twice_with_the_same_email():
    atelier = AtelierFactory()
    inscrire(atelier, 1, email="meme@example.org")
    with pytest.raises(services.DejaInscrit):
        inscrire(atelier, 1, email="MEME@example.org", prenom="INÈS")
    assert atelier.inscriptions.count() == 1


def test_inscrire_refuses_the_same_person_twice_with_the_same_phone():
    atelier = AtelierFactory()
    inscrire(atelier, 1, email="", telephone="06 12 34 56 78")
    with pytest.raises(services.DejaInscrit):
        inscrire(atelier, 1, email="", telephone="06 12 34 56 78")


def test_inscrire_accepts_another_person_with_the_same_phone():
    atelier = AtelierFactory()
    inscrire(atelier, 1, email="", telephone="06 12 34 56 78", prenom="Leïla")
    autre = inscrire(atelier, 1, email="", telephone="06 12 34 56 78", prenom="Sofia")
    assert autre.statut == Inscription.Statut.CONFIRMEE


def test_inscrire_accepts_again_a_person_who_had_cancelled():
    atelier = AtelierFactory()
    premiere = inscrire(atelier, 1, email="revient@example.org")
    services.annuler(inscription=premiere)
    assert inscrire(atelier, 1, email="revient@example.org").statut == Inscription.Statut.CONFIRMEE


def test_inscrire_queues_the_confirmation_and_the_worker_sends_it(executer_taches):
    atelier = AtelierFactory(titre="Atelier Émergence du jeudi")
    inscription = inscrire(atelier, 1)
    assert mail.outbox == []  # nothing is sent while the resident waits for the page
    executer_taches()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [inscription.email]
    assert message.subject == "Inscription confirmée : Atelier Émergence du jeudi"
    assert "/ateliers/inscription/" in message.body and "/annuler/" in message.body
    assert message.alternatives[0].mimetype == "text/html"


def test_inscrire_on_the_waiting_list_says_so_in_the_email(executer_taches):
    atelier = AtelierFactory(capacite=1)
    InscriptionFactory(atelier=atelier)
    inscrire(atelier, 1)
    executer_taches()
    assert mail.outbox[0].subject.startswith("Liste d'attente")
    assert "liste d'attente" in mail.outbox[0].body


def test_inscrire_without_email_sends_nothing(executer_taches):
    inscrire(AtelierFactory(), 1, email="", telephone="06 12 34 56 78")
    executer_taches()
    assert mail.outbox == []


def test_annuler_frees_the_seat_and_confirms_the_first_on_the_waiting_list(executer_taches):
    atelier = AtelierFactory(capacite=1)
    confirmee = inscrire(atelier, 1)
    premier = inscrire(atelier, 2)
    second = inscrire(atelier, 3)
    executer_taches()
    mail.outbox.clear()  # the three confirmations
    promue = services.annuler(inscription=confirmee)
    executer_taches()
    assert promue == premier
    statuts = dict(atelier.inscriptions.values_list("pk", "statut"))
    assert statuts == {
        confirmee.pk: Inscription.Statut.ANNULEE,
        premier.pk: Inscription.Statut.CONFIRMEE,
        second.pk: Inscription.Statut.ATTENTE,
    }
    assert [m.to for m in mail.outbox] == [[premier.email]]
    assert mail.outbox[0].subject.startswith("Une place s'est libérée")


def test_annuler_a_waiting_list_registration_promotes_no_one():
    atelier = AtelierFactory(capacite=1)
    inscrire(atelier, 1)
    attente = inscrire(atelier, 2)
    troisieme = inscrire(atelier, 3)
    assert services.annuler(inscription=attente) is None
    troisieme.refresh_from_db()
    assert troisieme.statut == Inscription.Statut.ATTENTE


def test_annuler_twice_promotes_only_one_person():
    atelier = AtelierFactory(capacite=1)
    confirmee = inscrire(atelier, 1)
    inscrire(atelier, 2)
    inscrire(atelier, 3)
    services.annuler(inscription=confirmee)
    assert services.annuler(inscription=confirmee) is None
    assert atelier.inscriptions.confirmees().count() == 1


def test_annuler_after_the_workshop_has_started_promotes_no_one():
    atelier = AtelierFactory(capacite=1, passe=True)
    confirmee = InscriptionFactory(atelier=atelier)
    InscriptionFactory(atelier=atelier, statut=Inscription.Statut.ATTENTE)
    assert services.annuler(inscription=confirmee) is None


def test_creer_porteur_depuis_inscription_creates_the_record_as_coming_from_a_workshop_and_links_it(chef):
    atelier = AtelierFactory(passe=True)
    inscription = InscriptionFactory(atelier=atelier, telephone="06 11 22 33 44")
    porteur = services.creer_porteur_depuis_inscription(inscription=inscription, auteur=chef)
    inscription.refresh_from_db()
    assert inscription.porteur == porteur
    assert (porteur.prenom, porteur.nom, porteur.email) == (inscription.prenom, inscription.nom, inscription.email)
    assert porteur.source == Porteur.Source.ATELIER
    assert porteur.date_premier_contact == timezone.localdate(atelier.debut)
    assert ChangementEtape.objects.filter(porteur=porteur, auteur=chef).count() == 1


def test_creer_porteur_depuis_inscription_for_an_upcoming_workshop_dates_the_first_contact_today():
    inscription = InscriptionFactory(atelier=AtelierFactory(debut=timezone.now() + datetime.timedelta(days=3)))
    porteur = services.creer_porteur_depuis_inscription(inscription=inscription)
    assert porteur.date_premier_contact == timezone.localdate()


def test_porteurs_existants_finds_the_same_email_address():
    porteur = PorteurFactory(email="deja@example.org")
    inscription = InscriptionFactory(email="Deja@example.org")
    assert [d.porteur for d in services.porteurs_existants(inscription)] == [porteur]


def test_a_phone_typed_in_the_admin_is_normalised_on_validation():
    inscription = InscriptionFactory.build(atelier=AtelierFactory(), telephone="0612345678")
    inscription.full_clean()
    assert inscription.telephone == "06 12 34 56 78"


def test_remplir_places_libres_confirms_as_many_waiting_people_as_seats_added(
    executer_taches,
):
    atelier = AtelierFactory(capacite=1)
    InscriptionFactory(atelier=atelier)
    attente = InscriptionFactory.create_batch(3, atelier=atelier, statut=Inscription.Statut.ATTENTE)
    atelier.capacite = 3
    atelier.save()
    promues = services.remplir_places_libres(atelier=atelier)
    executer_taches()
    assert promues == attente[:2]
    assert atelier.inscriptions.confirmees().count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(i.email for i in attente[:2])

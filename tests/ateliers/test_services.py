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


def test_inscrire_confirme_tant_qu_il_reste_des_places():
    atelier = AtelierFactory(capacite=2)
    assert inscrire(atelier, 1).statut == Inscription.Statut.CONFIRMEE
    assert inscrire(atelier, 2).statut == Inscription.Statut.CONFIRMEE


def test_inscrire_met_en_liste_d_attente_quand_l_atelier_est_complet():
    atelier = AtelierFactory(capacite=1)
    inscrire(atelier, 1)
    assert inscrire(atelier, 2).statut == Inscription.Statut.ATTENTE


def test_inscrire_sequentiellement_30_personnes_pour_10_places_en_confirme_exactement_10():
    atelier = AtelierFactory(capacite=10)
    for n in range(30):
        inscrire(atelier, n)
    assert atelier.inscriptions.confirmees().count() == 10
    assert atelier.inscriptions.en_attente().count() == 20


def test_inscrire_ne_compte_pas_les_annulees_comme_places_prises():
    atelier = AtelierFactory(capacite=1)
    InscriptionFactory(atelier=atelier, statut=Inscription.Statut.ANNULEE)
    assert inscrire(atelier, 1).statut == Inscription.Statut.CONFIRMEE


def test_inscrire_refuse_un_atelier_aux_inscriptions_fermees():
    atelier = AtelierFactory(inscriptions_ouvertes=False)
    with pytest.raises(services.InscriptionsFermees):
        inscrire(atelier)
    assert not Inscription.objects.exists()


def test_inscrire_refuse_un_atelier_deja_commence():
    atelier = AtelierFactory(passe=True)
    with pytest.raises(services.InscriptionsFermees):
        inscrire(atelier)


def test_inscrire_refuse_un_atelier_non_public():
    with pytest.raises(services.InscriptionsFermees):
        inscrire(AtelierFactory(public=False))


def test_inscrire_refuse_la_meme_personne_deux_fois_avec_le_meme_courriel():
    atelier = AtelierFactory()
    inscrire(atelier, 1, email="meme@example.org")
    with pytest.raises(services.DejaInscrit):
        inscrire(atelier, 1, email="MEME@example.org", prenom="INÈS")
    assert atelier.inscriptions.count() == 1


def test_inscrire_refuse_la_meme_personne_deux_fois_avec_le_meme_telephone():
    atelier = AtelierFactory()
    inscrire(atelier, 1, email="", telephone="06 12 34 56 78")
    with pytest.raises(services.DejaInscrit):
        inscrire(atelier, 1, email="", telephone="06 12 34 56 78")


def test_inscrire_accepte_une_autre_personne_avec_le_meme_telephone():
    atelier = AtelierFactory()
    inscrire(atelier, 1, email="", telephone="06 12 34 56 78", prenom="Leïla")
    autre = inscrire(atelier, 1, email="", telephone="06 12 34 56 78", prenom="Sofia")
    assert autre.statut == Inscription.Statut.CONFIRMEE


def test_inscrire_accepte_de_nouveau_une_personne_qui_avait_annule():
    atelier = AtelierFactory()
    premiere = inscrire(atelier, 1, email="revient@example.org")
    services.annuler(inscription=premiere)
    assert inscrire(atelier, 1, email="revient@example.org").statut == Inscription.Statut.CONFIRMEE


def test_inscrire_envoie_la_confirmation_une_fois_la_transaction_validee(django_capture_on_commit_callbacks):
    atelier = AtelierFactory(titre="Atelier Émergence du jeudi")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        inscription = inscrire(atelier, 1)
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [inscription.email]
    assert message.subject == "Inscription confirmée : Atelier Émergence du jeudi"
    assert "/ateliers/inscription/" in message.body and "/annuler/" in message.body
    assert message.alternatives[0].mimetype == "text/html"


def test_inscrire_en_liste_d_attente_le_dit_dans_le_courriel(django_capture_on_commit_callbacks):
    atelier = AtelierFactory(capacite=1)
    InscriptionFactory(atelier=atelier)
    with django_capture_on_commit_callbacks(execute=True):
        inscrire(atelier, 1)
    assert mail.outbox[0].subject.startswith("Liste d'attente")
    assert "liste d'attente" in mail.outbox[0].body


def test_inscrire_sans_courriel_n_envoie_rien(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        inscrire(AtelierFactory(), 1, email="", telephone="06 12 34 56 78")
    assert mail.outbox == []


def test_annuler_libere_la_place_et_confirme_le_premier_de_la_liste_d_attente(django_capture_on_commit_callbacks):
    atelier = AtelierFactory(capacite=1)
    confirmee = inscrire(atelier, 1)
    premier = inscrire(atelier, 2)
    second = inscrire(atelier, 3)
    with django_capture_on_commit_callbacks(execute=True):
        promue = services.annuler(inscription=confirmee)
    assert promue == premier
    statuts = dict(atelier.inscriptions.values_list("pk", "statut"))
    assert statuts == {
        confirmee.pk: Inscription.Statut.ANNULEE,
        premier.pk: Inscription.Statut.CONFIRMEE,
        second.pk: Inscription.Statut.ATTENTE,
    }
    assert [m.to for m in mail.outbox] == [[premier.email]]
    assert mail.outbox[0].subject.startswith("Une place s'est libérée")


def test_annuler_une_inscription_en_liste_d_attente_ne_promeut_personne():
    atelier = AtelierFactory(capacite=1)
    inscrire(atelier, 1)
    attente = inscrire(atelier, 2)
    troisieme = inscrire(atelier, 3)
    assert services.annuler(inscription=attente) is None
    troisieme.refresh_from_db()
    assert troisieme.statut == Inscription.Statut.ATTENTE


def test_annuler_deux_fois_ne_promeut_qu_une_personne():
    atelier = AtelierFactory(capacite=1)
    confirmee = inscrire(atelier, 1)
    inscrire(atelier, 2)
    inscrire(atelier, 3)
    services.annuler(inscription=confirmee)
    assert services.annuler(inscription=confirmee) is None
    assert atelier.inscriptions.confirmees().count() == 1


def test_annuler_apres_le_debut_de_l_atelier_ne_promeut_personne():
    atelier = AtelierFactory(capacite=1, passe=True)
    confirmee = InscriptionFactory(atelier=atelier)
    InscriptionFactory(atelier=atelier, statut=Inscription.Statut.ATTENTE)
    assert services.annuler(inscription=confirmee) is None


def test_creer_porteur_depuis_inscription_cree_la_fiche_venue_par_un_atelier_et_la_lie(chef):
    atelier = AtelierFactory(passe=True)
    inscription = InscriptionFactory(atelier=atelier, telephone="06 11 22 33 44")
    porteur = services.creer_porteur_depuis_inscription(inscription=inscription, auteur=chef)
    inscription.refresh_from_db()
    assert inscription.porteur == porteur
    assert (porteur.prenom, porteur.nom, porteur.email) == (inscription.prenom, inscription.nom, inscription.email)
    assert porteur.source == Porteur.Source.ATELIER
    assert porteur.date_premier_contact == timezone.localdate(atelier.debut)
    assert ChangementEtape.objects.filter(porteur=porteur, auteur=chef).count() == 1


def test_creer_porteur_pour_un_atelier_a_venir_date_le_premier_contact_d_aujourd_hui():
    inscription = InscriptionFactory(atelier=AtelierFactory(debut=timezone.now() + datetime.timedelta(days=3)))
    porteur = services.creer_porteur_depuis_inscription(inscription=inscription)
    assert porteur.date_premier_contact == timezone.localdate()


def test_porteurs_existants_trouve_la_meme_adresse_electronique():
    porteur = PorteurFactory(email="deja@example.org")
    inscription = InscriptionFactory(email="Deja@example.org")
    assert list(services.porteurs_existants(inscription)) == [porteur]


def test_un_telephone_saisi_dans_l_admin_est_normalise_a_la_validation():
    inscription = InscriptionFactory.build(atelier=AtelierFactory(), telephone="0612345678")
    inscription.full_clean()
    assert inscription.telephone == "06 12 34 56 78"


def test_remplir_places_libres_confirme_autant_de_personnes_en_attente_que_de_places_ajoutees(
    django_capture_on_commit_callbacks,
):
    atelier = AtelierFactory(capacite=1)
    InscriptionFactory(atelier=atelier)
    attente = InscriptionFactory.create_batch(3, atelier=atelier, statut=Inscription.Statut.ATTENTE)
    atelier.capacite = 3
    atelier.save()
    with django_capture_on_commit_callbacks(execute=True):
        promues = services.remplir_places_libres(atelier=atelier)
    assert promues == attente[:2]
    assert atelier.inscriptions.confirmees().count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(i.email for i in attente[:2])

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from ateliers import emails
from ateliers.models import Inscription
from tests.ateliers.factories import AtelierFactory, InscriptionFactory

pytestmark = pytest.mark.django_db


def dans(jours, heure=9):
    jour = timezone.localdate() + datetime.timedelta(days=jours)
    return timezone.make_aware(datetime.datetime.combine(jour, datetime.time(heure)))


def rappels():
    sortie = io.StringIO()
    call_command("send_workshop_reminders", stdout=sortie)
    return sortie.getvalue()


def test_le_rappel_part_la_veille_pour_chaque_inscrit_confirme():
    atelier = AtelierFactory(titre="Atelier Émergence", debut=dans(1))
    inscrits = InscriptionFactory.create_batch(3, atelier=atelier)
    assert "3 rappel(s) envoyé(s)" in rappels()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(i.email for i in inscrits)
    assert mail.outbox[0].subject == "Rappel : Atelier Émergence demain"
    assert "/annuler/" in mail.outbox[0].body
    assert all(i.rappel_envoye_le for i in Inscription.objects.all())


def test_lancer_la_commande_toutes_les_heures_n_envoie_chaque_rappel_qu_une_fois():
    InscriptionFactory.create_batch(2, atelier=AtelierFactory(debut=dans(1)))
    rappels()
    rappels()
    rappels()
    assert len(mail.outbox) == 2


def test_pas_de_rappel_pour_la_liste_d_attente_les_annules_ni_sans_courriel():
    atelier = AtelierFactory(debut=dans(1))
    InscriptionFactory(atelier=atelier, statut=Inscription.Statut.ATTENTE)
    InscriptionFactory(atelier=atelier, statut=Inscription.Statut.ANNULEE)
    InscriptionFactory(atelier=atelier, email="", telephone="06 12 34 56 78")
    rappels()
    assert mail.outbox == []


def test_pas_de_rappel_pour_les_ateliers_d_aujourd_hui_ni_d_apres_demain():
    InscriptionFactory(atelier=AtelierFactory(debut=dans(0, heure=23)))
    InscriptionFactory(atelier=AtelierFactory(debut=dans(2, heure=0)))
    rappels()
    assert mail.outbox == []


def test_un_envoi_qui_echoue_sera_retente_a_l_heure_suivante(monkeypatch):
    inscription = InscriptionFactory(atelier=AtelierFactory(debut=dans(1)))

    def panne(_):
        raise ConnectionRefusedError("serveur SMTP injoignable")

    monkeypatch.setattr(emails, "envoyer_rappel", panne)
    rappels()
    inscription.refresh_from_db()
    assert inscription.rappel_envoye_le is None
    monkeypatch.undo()
    rappels()
    assert len(mail.outbox) == 1


def test_une_inscription_deja_reclamee_par_un_autre_envoi_n_est_pas_envoyee_deux_fois(monkeypatch):
    """Between the SELECT and the UPDATE, another cron stamps the row: the conditional UPDATE loses, no mail."""
    inscription = InscriptionFactory(atelier=AtelierFactory(debut=dans(1)))
    selection = Inscription.objects.rappels_a_envoyer(timezone.localdate() + datetime.timedelta(days=1))
    candidats = list(selection)
    Inscription.objects.filter(pk=inscription.pk).update(rappel_envoye_le=timezone.now())
    monkeypatch.setattr(type(Inscription.objects), "rappels_a_envoyer", lambda self, jour: _Liste(candidats))
    rappels()
    assert mail.outbox == []


class _Liste(list):
    def select_related(self, *args):
        return self

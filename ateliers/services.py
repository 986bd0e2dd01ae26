"""Registrations: the only place that decides who gets a seat.

Every write locks the workshop row first (`SELECT … FOR UPDATE` on PostgreSQL), so the count of confirmed
registrations and the insert that follows it cannot interleave with another request's. On SQLite, which has
no row locks, the settings open every transaction with BEGIN IMMEDIATE: writers queue on the database lock
and the same code stays correct.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ateliers import emails
from ateliers.models import Atelier, Inscription
from permanences.models import Quartier
from porteurs.models import Porteur
from porteurs.services import creer_porteur

logger = logging.getLogger(__name__)


class InscriptionImpossible(Exception):
    """The registration cannot be taken; the message is French and meant for the resident."""


class InscriptionsFermees(InscriptionImpossible):
    pass


class DejaInscrit(InscriptionImpossible):
    pass


def _atelier_verrouille(pk: int) -> Atelier:
    # The concurrency test replaces this function to show what happens without the lock.
    return Atelier.objects.select_for_update().get(pk=pk)


def _nb_confirmees(atelier: Atelier) -> int:
    return atelier.inscriptions.confirmees().count()


@transaction.atomic
def inscrire(
    *,
    atelier: Atelier,
    prenom: str,
    nom: str,
    telephone: str = "",
    email: str = "",
    quartier: Quartier | None = None,
) -> Inscription:
    """Register a resident: confirmed while places remain, otherwise on the waiting list.

    Raises InscriptionsFermees when the workshop does not take registrations (any more), DejaInscrit when
    the same e-mail or phone number already holds a registration, ValidationError on bad data.
    """
    atelier = _atelier_verrouille(atelier.pk)
    if not atelier.accepte_inscriptions:
        raise InscriptionsFermees("Les inscriptions à cet atelier sont closes.")

    meme_contact = Q()
    if email:
        meme_contact |= Q(email__iexact=email)
    if telephone:
        meme_contact |= Q(telephone=telephone)
    if meme_contact and atelier.inscriptions.actives().filter(meme_contact).exists():
        raise DejaInscrit("Vous êtes déjà inscrit(e) à cet atelier avec ces coordonnées.")

    complet = _nb_confirmees(atelier) >= atelier.capacite
    inscription = Inscription(
        atelier=atelier,
        prenom=prenom,
        nom=nom,
        telephone=telephone,
        email=email,
        quartier=quartier,
        statut=Inscription.Statut.ATTENTE if complet else Inscription.Statut.CONFIRMEE,
    )
    inscription.full_clean()
    inscription.save()
    # After commit: a rolled-back registration must not have been announced.
    transaction.on_commit(lambda: emails.envoyer_confirmation(inscription), robust=True)
    return inscription


@transaction.atomic
def annuler(*, inscription: Inscription) -> Inscription | None:
    """Cancel a registration; a freed seat goes to the first person on the waiting list, who is told.

    Returns the promoted registration, if any. Cancelling twice is harmless.
    """
    atelier = _atelier_verrouille(inscription.atelier_id)
    inscription = Inscription.objects.select_for_update().get(pk=inscription.pk)
    if inscription.statut == Inscription.Statut.ANNULEE:
        return None
    inscription.statut = Inscription.Statut.ANNULEE
    inscription.save(update_fields=["statut"])
    return _promouvoir(atelier)


def _promouvoir(atelier: Atelier) -> Inscription | None:
    """Fill one free seat from the waiting list (caller holds the workshop lock)."""
    if atelier.est_commence or _nb_confirmees(atelier) >= atelier.capacite:
        return None
    premiere = atelier.inscriptions.en_attente().order_by("cree_le", "pk").select_for_update().first()
    if premiere is None:
        return None
    premiere.statut = Inscription.Statut.CONFIRMEE
    premiere.save(update_fields=["statut"])
    transaction.on_commit(lambda: emails.envoyer_promotion(premiere), robust=True)
    return premiere


@transaction.atomic
def creer_porteur_depuis_inscription(*, inscription: Inscription, auteur=None) -> Porteur:
    """Create the person's record from what they typed when registering, and link the registration to it."""
    inscription = Inscription.objects.select_for_update().select_related("atelier").get(pk=inscription.pk)
    if inscription.porteur_id:
        raise ValidationError("Cette inscription est déjà liée à une fiche porteur.")
    porteur = creer_porteur(
        auteur=auteur,
        prenom=inscription.prenom,
        nom=inscription.nom,
        telephone=inscription.telephone,
        email=inscription.email,
        quartier=inscription.quartier,
        source=Porteur.Source.ATELIER,
        # The first contact was the workshop, unless it is still to come.
        date_premier_contact=min(timezone.localdate(inscription.atelier.debut), timezone.localdate()),
    )
    inscription.porteur = porteur
    inscription.save(update_fields=["porteur"])
    return porteur


def porteurs_existants(inscription: Inscription):
    """People who may already be this registrant (same e-mail or phone): link rather than duplicate."""
    critere = Q(pk__in=[])
    if inscription.email:
        critere |= Q(email__iexact=inscription.email)
    if inscription.telephone:
        critere |= Q(telephone=inscription.telephone)
    return Porteur.objects.filter(critere)

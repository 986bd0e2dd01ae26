"""Registrations: the only place that decides who gets a seat.

Every write locks the workshop row first (`SELECT … FOR UPDATE` on PostgreSQL), so the count of confirmed
registrations and the insert that follows it cannot interleave with another request's. On SQLite, which has
no row locks, the settings open every transaction with BEGIN IMMEDIATE: writers queue on the database lock
and the same code stays correct.
"""

from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from ateliers import taches
from ateliers.models import Atelier, Inscription
from permanences.models import Quartier
from porteurs.doublons import doublons_possibles
from porteurs.models import Porteur
from porteurs.services import creer_porteur


class InscriptionImpossible(Exception):
    """The registration cannot be taken; the message is French and meant for the resident."""


class InscriptionsFermees(InscriptionImpossible):
    pass


class DejaInscrit(InscriptionImpossible):
    pass


class ReessayezPlusTard(InscriptionImpossible):
    pass


def _verrou(pk: int) -> Atelier:
    return Atelier.objects.select_for_update().get(pk=pk)


def _atelier_verrouille(pk: int) -> Atelier:
    """The workshop row, locked until the transaction ends. The concurrency test replaces this function.

    A lock that does not come within the database's lock timeout (settings) is a French "try again", not a
    worker hanging behind a stuck transaction.
    """
    try:
        return _verrou(pk)
    except OperationalError as exc:
        raise ReessayezPlusTard(
            "Beaucoup de demandes arrivent en même temps pour cet atelier : réessayez dans un instant."
        ) from exc


def places_prises(*, atelier_pk: int, sauf=()) -> tuple[Atelier, int]:
    """For a staff form about to confirm people: the locked workshop and its confirmed seats, except `sauf`.

    Called inside the admin's transaction, the lock holds until the form is saved, as on the public path.
    """
    atelier = _atelier_verrouille(atelier_pk)
    return atelier, atelier.inscriptions.confirmees().exclude(pk__in=[pk for pk in sauf if pk]).count()


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

    # The same person twice (a double submission, a second try): same name and same contact. A parent who
    # registers a child with their own phone number is another person and is welcome. One query, under the
    # lock, reads the confirmed seats and the registrations with the same contact: no more rows than seats.
    meme_contact = Q(email__iexact=email) if email else Q()
    if telephone:
        meme_contact |= Q(telephone=telephone)
    confirmee = Q(statut=Inscription.Statut.CONFIRMEE)
    lignes = atelier.inscriptions.actives().filter(confirmee | meme_contact if meme_contact else confirmee)
    lignes = lignes.annotate(est_confirmee=ExpressionWrapper(confirmee, output_field=BooleanField()))
    lignes = list(lignes.values_list("est_confirmee", "prenom", "nom", "email", "telephone"))
    # Names compared in Python: SQLite folds case for ASCII letters only (È and è differ there).
    personne = (prenom.strip().casefold(), nom.strip().casefold())
    for _, p, n, e, t in lignes:
        meme = (email and e.casefold() == email.casefold()) or (telephone and t == telephone)
        if meme and (p.strip().casefold(), n.strip().casefold()) == personne:
            raise DejaInscrit("Vous êtes déjà inscrit(e) à cet atelier avec ces coordonnées.")

    complet = sum(1 for ligne in lignes if ligne[0]) >= atelier.capacite
    inscription = Inscription(
        atelier=atelier,
        prenom=prenom,
        nom=nom,
        telephone=telephone,
        email=email,
        quartier=quartier,
        statut=Inscription.Statut.ATTENTE if complet else Inscription.Statut.CONFIRMEE,
    )
    # The workshop was just read under its lock: its foreign key needs no second look.
    inscription.full_clean(exclude={"atelier"})
    inscription.save()
    # Queued in this transaction: no message for a rolled-back registration, no registration without one.
    taches.envoyer_message.enqueue(inscription.pk, "confirmation")
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
    promues = _promouvoir(atelier)
    return promues[0] if promues else None


def _promouvoir(atelier: Atelier) -> list[Inscription]:
    """Fill the free seats from the waiting list, first come first served (caller holds the workshop lock)."""
    if atelier.est_commence:
        return []
    libres = atelier.capacite - _nb_confirmees(atelier)
    if libres <= 0:
        return []
    promues = list(atelier.inscriptions.en_attente().order_by("cree_le", "pk").select_for_update()[:libres])
    Inscription.objects.filter(pk__in=[i.pk for i in promues]).update(statut=Inscription.Statut.CONFIRMEE)
    for inscription in promues:
        inscription.statut = Inscription.Statut.CONFIRMEE
        taches.envoyer_message.enqueue(inscription.pk, "promotion")
    return promues


@transaction.atomic
def remplir_places_libres(*, atelier: Atelier) -> list[Inscription]:
    """After the chef de projet adds seats or cancels in the admin: confirm and tell the next people waiting."""
    return _promouvoir(_atelier_verrouille(atelier.pk))


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


def porteurs_existants(inscription: Inscription) -> list:
    """People who may already be this registrant (porteurs.doublons: names, phone, e-mail): link, not duplicate."""
    return doublons_possibles(
        prenom=inscription.prenom, nom=inscription.nom, telephone=inscription.telephone, email=inscription.email
    )


@transaction.atomic
def lier_au_porteur(*, inscription: Inscription, porteur: Porteur) -> None:
    """The registrant is a person already followed: the registration points to their record."""
    inscription = Inscription.objects.select_for_update().get(pk=inscription.pk)
    if inscription.porteur_id:
        raise ValidationError("Cette inscription est déjà liée à une fiche porteur.")
    inscription.porteur = porteur
    inscription.save(update_fields=["porteur"])

"""Bookings: the only place that decides who gets a time.

Every write locks the permanence row first (`SELECT … FOR UPDATE` on PostgreSQL), as a workshop registration
locks its workshop: the check "still offered, still free, under the day's limit" and the insert that follows
cannot interleave with another request's. On SQLite, without row locks, the settings open every transaction
with BEGIN IMMEDIATE and writers queue. The unique constraint on (permanence, date, start) is the last guard.
"""

import datetime
import unicodedata

from django.db import IntegrityError, OperationalError, models, transaction
from django.utils import timezone

from permanences.models import Fermeture, Permanence
from porteurs.models import Etape, Porteur
from porteurs.services import creer_porteur
from rendezvous import creneaux, taches
from rendezvous.models import RendezVous


class ReservationImpossible(Exception):
    """The booking cannot be taken; the message is French and meant for the resident."""


class HoraireIndisponible(ReservationImpossible):
    pass


class ReessayezPlusTard(ReservationImpossible):
    pass


PRIS = "Cet horaire vient d'être réservé par quelqu'un d'autre : choisissez-en un autre."
INDISPONIBLE = "Cet horaire n'est plus proposé : choisissez-en un autre."


def _verrou(pk: int) -> Permanence:
    return Permanence.objects.select_for_update().get(pk=pk)


def _permanence_verrouillee(pk: int) -> Permanence:
    """The permanence row, locked until the transaction ends. The concurrency test replaces `_verrou`."""
    try:
        return _verrou(pk)
    except OperationalError as exc:
        raise ReessayezPlusTard(
            "Beaucoup de demandes arrivent en même temps pour cette permanence : réessayez dans un instant."
        ) from exc


def _prendre(permanence_pk: int, jour: datetime.date, debut: datetime.time, sauf: RendezVous | None = None):
    """Lock the permanence and check the time can be given; returns the offered time (caller is atomic)."""
    permanence = _permanence_verrouillee(permanence_pk)
    horaire = creneaux.horaire_offert(permanence, jour, debut)
    if horaire is None:
        raise HoraireIndisponible(INDISPONIBLE)
    actifs = RendezVous.objects.actifs().filter(permanence=permanence, date=jour)
    if sauf is not None:
        actifs = actifs.exclude(pk=sauf.pk)
    # The limit of the day, in case the chef de projet lowered it after bookings were taken.
    if actifs.filter(debut=debut).exists() or actifs.count() >= permanence.nb_rdv:
        raise HoraireIndisponible(PRIS)
    return horaire


def _cle(texte: str) -> str:
    lettres = unicodedata.normalize("NFKD", texte.casefold().replace("œ", "oe").replace("æ", "ae"))
    return "".join(c for c in lettres if c.isalnum())


def trouver_ou_creer_porteur(
    *, prenom: str, nom: str, telephone: str = "", email: str = "", idee: str = ""
) -> Porteur:
    """The person this booking is about: found, or created at stage émergence. Their call-back becomes today.

    One simple rule, in one place so that a fuller duplicate search can replace it: the same first and last
    names (whatever the case, accents, spaces or hyphens) and the same phone or e-mail, not anonymised. A
    found record is not otherwise changed: a stranger who knows a name and a number can at most hasten a call.
    """
    aujourd_hui = timezone.localdate()
    joindre = models.Q(pk__in=[])
    if telephone:
        joindre |= models.Q(telephone=telephone)
    if email:
        joindre |= models.Q(email__iexact=email)
    candidats = Porteur.objects.filter(joindre, anonymise_le__isnull=True).order_by("-date_premier_contact", "-pk")
    for porteur in candidats.select_for_update():
        if (_cle(porteur.prenom), _cle(porteur.nom)) == (_cle(prenom), _cle(nom)):
            relance_le = min(porteur.relance_le or aujourd_hui, aujourd_hui)
            Porteur.objects.filter(pk=porteur.pk).update(relance_le=relance_le, modifie_le=timezone.now())
            return porteur
    return creer_porteur(
        prenom=prenom,
        nom=nom,
        telephone=telephone,
        email=email,
        idee=idee,
        etape=Etape.EMERGENCE,
        source=Porteur.Source.SITE_WEB,
        date_premier_contact=aujourd_hui,
        relance_le=aujourd_hui,
    )


@transaction.atomic
def reserver(
    *,
    permanence: Permanence,
    date: datetime.date,
    debut: datetime.time,
    prenom: str,
    nom: str,
    telephone: str = "",
    email: str = "",
    idee: str = "",
) -> RendezVous:
    """Book a time for a resident. Raises HoraireIndisponible (taken, closed, past), ReessayezPlusTard."""
    horaire = _prendre(permanence.pk, date, debut)
    porteur = trouver_ou_creer_porteur(prenom=prenom, nom=nom, telephone=telephone, email=email, idee=idee)
    rdv = RendezVous(
        permanence_id=permanence.pk,
        date=date,
        debut=debut,
        fin=horaire.fin,
        prenom=prenom,
        nom=nom,
        telephone=telephone,
        email=email,
        idee=idee,
        porteur=porteur,
    )
    rdv.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            rdv.save()
    except IntegrityError as exc:  # the constraint, should the lock ever be bypassed
        raise HoraireIndisponible(PRIS) from exc
    # Queued in this transaction: no message for a rolled-back booking, no booking without its message.
    taches.prevenir(rdv, "confirmation")
    return rdv


@transaction.atomic
def deplacer(*, rdv: RendezVous, permanence: Permanence, date: datetime.date, debut: datetime.time) -> RendezVous:
    """Move a booked appointment to another free time (any place); the resident is told again."""
    rdv = RendezVous.objects.select_for_update().get(pk=rdv.pk)
    if not rdv.modifiable:
        raise HoraireIndisponible("Ce rendez-vous ne peut plus être déplacé.")
    if (rdv.permanence_id, rdv.date, rdv.debut) == (permanence.pk, date, debut):
        return rdv  # the same time chosen again: nothing moves, nobody is told
    horaire = _prendre(permanence.pk, date, debut, sauf=rdv)
    rdv.permanence_id, rdv.date, rdv.debut, rdv.fin = permanence.pk, date, debut, horaire.fin
    rdv.rappel_envoye_le = None  # a new day, a new reminder
    try:
        with transaction.atomic():
            rdv.save(update_fields=["permanence", "date", "debut", "fin", "rappel_envoye_le"])
    except IntegrityError as exc:
        raise HoraireIndisponible(PRIS) from exc
    taches.prevenir(rdv, "deplacement")
    return rdv


@transaction.atomic
def annuler(*, rdv: RendezVous, motif: str = "") -> bool:
    """Cancel an appointment; its time becomes free again. False when it was not booked any more."""
    rdv = RendezVous.objects.select_for_update().get(pk=rdv.pk)
    if rdv.statut != RendezVous.Statut.RESERVE:
        return False
    rdv.statut = RendezVous.Statut.ANNULE
    rdv.motif_annulation = motif
    rdv.save(update_fields=["statut", "motif_annulation"])
    return True


@transaction.atomic
def signaler_fermeture(fermeture: Fermeture) -> int:
    """A closure over booked days: cancel those appointments and tell each person, in the caller's transaction.

    Run when a closure is saved (rendezvous.signaux): the admin's save and the messages commit together. A
    closure saved outside any transaction (a script, the shell) gets one of its own for the cancellations.
    Appointments already cancelled are not told twice, so saving the closure again changes nothing.
    """
    touches = RendezVous.objects.filter(
        statut=RendezVous.Statut.RESERVE, date__gte=fermeture.debut, date__lte=fermeture.fin
    )
    if fermeture.permanence_id:
        touches = touches.filter(permanence_id=fermeture.permanence_id)
    rdvs = list(touches.select_for_update())
    RendezVous.objects.filter(pk__in=[rdv.pk for rdv in rdvs]).update(
        statut=RendezVous.Statut.ANNULE, motif_annulation=fermeture.motif[:200]
    )
    for rdv in rdvs:
        taches.prevenir(rdv, "fermeture")
    return len(rdvs)

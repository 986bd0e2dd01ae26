"""Writes that touch a person and their history together."""

import datetime
import unicodedata

from django.db import models, transaction
from django.utils import timezone

from porteurs.models import ChangementEtape, Etape, Porteur, Suivi


@transaction.atomic
def creer_porteur(*, auteur=None, **fields) -> Porteur:
    """Create a person and the first row of their stage history (the stage they arrive at)."""
    porteur = Porteur(**fields)
    porteur.full_clean()
    porteur.save()
    ouvrir_historique(porteur=porteur, auteur=auteur)
    return porteur


def ouvrir_historique(*, porteur: Porteur, auteur=None) -> ChangementEtape:
    """The first history row of a person just saved: the stage they arrive at, dated from the first contact.

    Shared by creer_porteur and the admin, which saves the person through its own form.
    """
    return ChangementEtape.objects.create(
        porteur=porteur, etape=porteur.etape, date=porteur.date_premier_contact, auteur=auteur
    )


@transaction.atomic
def changer_etape(
    *, porteur: Porteur, etape: str, date: datetime.date | None = None, commentaire: str = "", auteur=None
) -> ChangementEtape | None:
    """Move a person to a stage and keep the dated row. Returns None when the stage does not change."""
    porteur = Porteur.objects.select_for_update().get(pk=porteur.pk)
    if porteur.etape == etape:
        return None
    changement = ChangementEtape.objects.create(
        porteur=porteur,
        etape=Etape(etape),
        date=date or timezone.localdate(),
        commentaire=commentaire,
        auteur=auteur,
    )
    Porteur.objects.filter(pk=porteur.pk).update(etape=etape, modifie_le=timezone.now())
    return changement


@transaction.atomic
def changer_etape_en_masse(
    *, porteurs, etape: str, date: datetime.date | None = None, commentaire: str = "", auteur=None
) -> int:
    """Move several people to a stage at once: one dated row per person who actually changes stage.

    Locks the rows, writes the history with one bulk insert and the stage with one update, whatever the number.
    """
    etape = Etape(etape)
    date = date or timezone.localdate()
    # A queryset ("select all 100 000") stays a subquery rather than a list of ids.
    wanted = porteurs.values("pk") if isinstance(porteurs, models.QuerySet) else [p.pk for p in porteurs]
    pks = list(
        Porteur.objects.select_for_update().filter(pk__in=wanted).exclude(etape=etape).values_list("pk", flat=True)
    )
    ChangementEtape.objects.bulk_create(
        ChangementEtape(porteur_id=pk, etape=etape, date=date, commentaire=commentaire, auteur=auteur) for pk in pks
    )
    Porteur.objects.filter(pk__in=pks).update(etape=etape, modifie_le=timezone.now())
    return len(pks)


@transaction.atomic
def enregistrer_suivi(*, porteur: Porteur, auteur=None, **fields) -> Suivi:
    """Log a follow-up. Its call-back date becomes the person's; a follow-up without one closes the call-back."""
    suivi = Suivi(porteur=porteur, auteur=auteur, **fields)
    suivi.full_clean()
    suivi.save()
    reporter_relance(porteur=porteur, suivi=suivi)
    return suivi


@transaction.atomic
def consigner_suivi(
    *, porteur: Porteur, auteur=None, etape: str | None = None, commentaire_etape: str = "", **fields
) -> Suivi:
    """The person page's "Nouveau suivi": the follow-up and, when asked, the stage change it led to, together.

    The stage change is dated like the follow-up; nothing is written if either is refused.
    """
    suivi = enregistrer_suivi(porteur=porteur, auteur=auteur, **fields)
    if etape:
        changer_etape(porteur=porteur, etape=etape, date=suivi.date, commentaire=commentaire_etape, auteur=auteur)
        porteur.etape = etape
    return suivi


@transaction.atomic
def accueillir(*, porteur: dict, suivi: dict, auteur=None) -> tuple[Porteur, Suivi]:
    """A walk-in at a permanence: the new person and their first follow-up, both or neither."""
    nouveau = creer_porteur(auteur=auteur, **porteur)
    premier = enregistrer_suivi(porteur=nouveau, auteur=auteur, **suivi)
    return nouveau, premier


def reporter_relance(*, porteur: Porteur, suivi: Suivi) -> None:
    """The person's call-back date becomes the follow-up's (none closes it). Also used by the admin."""
    Porteur.objects.filter(pk=porteur.pk).update(relance_le=suivi.relance_le, modifie_le=timezone.now())
    porteur.relance_le = suivi.relance_le


def recalculer_relances(*, porteur_pks) -> None:
    """After follow-ups are edited or deleted: each person's call-back is their latest remaining follow-up's.

    A deleted follow-up must not leave its call-back behind, nor an edited older one override the latest.
    One UPDATE for all the people, whatever their number.
    """
    derniere = Suivi.objects.filter(porteur=models.OuterRef("pk")).order_by("-date", "-cree_le", "-pk")
    Porteur.objects.filter(pk__in=list(porteur_pks)).update(
        relance_le=models.Subquery(derniere.values("relance_le")[:1]), modifie_le=timezone.now()
    )


@transaction.atomic
def relancer_si_deja_venu(*, prenom: str, nom: str, telephone: str = "", email: str = "") -> Porteur | None:
    """The person who already left these details recently gets their call-back brought forward to today.

    The same person: the same first and last names, whatever the case, accents, spaces or hyphens, and the same
    phone or the same e-mail. Recently: a call-back still planned, or a first contact in the last 30 days.
    Returns that person, or None: the caller then creates one. Nothing else of the record changes, so that a
    stranger who knows a name and a number can at most hasten a call.
    """

    def cle(texte: str) -> str:
        lettres = unicodedata.normalize("NFKD", texte.casefold().replace("œ", "oe").replace("æ", "ae"))
        return "".join(c for c in lettres if c.isalnum())

    joindre = models.Q(pk__in=[])
    if telephone:
        joindre |= models.Q(telephone=telephone)
    if email:
        joindre |= models.Q(email__iexact=email)
    aujourd_hui = timezone.localdate()
    recents = Porteur.objects.filter(
        joindre,
        models.Q(relance_le__isnull=False)
        | models.Q(date_premier_contact__gte=aujourd_hui - datetime.timedelta(days=30)),
        anonymise_le__isnull=True,
    )
    # Few rows share a phone or an e-mail: the names are compared here, the same way on SQLite and PostgreSQL.
    for porteur in recents.select_for_update().order_by("-date_premier_contact", "-pk"):
        if (cle(porteur.prenom), cle(porteur.nom)) == (cle(prenom), cle(nom)):
            relance_le = min(porteur.relance_le or aujourd_hui, aujourd_hui)
            Porteur.objects.filter(pk=porteur.pk).update(relance_le=relance_le, modifie_le=timezone.now())
            porteur.relance_le = relance_le
            return porteur
    return None

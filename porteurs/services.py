"""Writes that touch a person and their history together."""

import datetime

from django.db import transaction
from django.utils import timezone

from porteurs.models import ChangementEtape, Etape, Porteur, Suivi


@transaction.atomic
def creer_porteur(*, auteur=None, **fields) -> Porteur:
    """Create a person and the first row of their stage history (the stage they arrive at)."""
    porteur = Porteur(**fields)
    porteur.full_clean()
    porteur.save()
    ChangementEtape.objects.create(
        porteur=porteur, etape=porteur.etape, date=porteur.date_premier_contact, auteur=auteur
    )
    return porteur


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
def enregistrer_suivi(*, porteur: Porteur, auteur=None, **fields) -> Suivi:
    """Log a follow-up. Its call-back date becomes the person's; a follow-up without one closes the call-back."""
    suivi = Suivi(porteur=porteur, auteur=auteur, **fields)
    suivi.full_clean()
    suivi.save()
    Porteur.objects.filter(pk=porteur.pk).update(relance_le=suivi.relance_le, modifie_le=timezone.now())
    porteur.relance_le = suivi.relance_le
    return suivi

"""Signed links to an appointment, for a resident without an account (citeslab.core.liens)."""

from citeslab.core.liens import LienExpire, LienInvalide, LienSigne
from rendezvous.models import RendezVous

__all__ = ["LienExpire", "LienInvalide", "jeton", "rdv_du_jeton"]

# An appointment is at most a few weeks ahead; the pages refuse to change one already past.
LIEN = LienSigne("rendezvous.rendezvous", duree_validite=60 * 60 * 24 * 120)


def jeton(rdv: RendezVous) -> str:
    return LIEN.jeton(rdv)


def rdv_du_jeton(token: str) -> RendezVous:
    return LIEN.objet(token, RendezVous.objects.select_related("permanence__lieu"))

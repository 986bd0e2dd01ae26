"""Signed links to a registration, for a resident without an account (citeslab.core.liens)."""

from ateliers.models import Inscription
from citeslab.core.liens import LienExpire, LienInvalide, LienSigne

__all__ = ["LienExpire", "LienInvalide", "inscription_du_jeton", "jeton"]

# Long enough for a workshop announced months ahead; the page itself refuses workshops already started.
LIEN = LienSigne("ateliers.inscription", duree_validite=60 * 60 * 24 * 365)


def jeton(inscription: Inscription) -> str:
    return LIEN.jeton(inscription)


def inscription_du_jeton(token: str) -> Inscription:
    return LIEN.objet(token, Inscription.objects.select_related("atelier__lieu"))

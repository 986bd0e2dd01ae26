"""Signed links for a resident without an account: the token carries the registration's id and nothing else."""

from django.core import signing

from ateliers.models import Inscription

SALT = "ateliers.inscription"
# Long enough for a workshop announced months ahead; the page itself refuses workshops already started.
DUREE_VALIDITE = 60 * 60 * 24 * 365


class LienInvalide(Exception):
    pass


class LienExpire(LienInvalide):
    pass


def jeton(inscription: Inscription) -> str:
    return signing.dumps(inscription.pk, salt=SALT, compress=True)


def inscription_du_jeton(token: str) -> Inscription:
    try:
        pk = signing.loads(token, salt=SALT, max_age=DUREE_VALIDITE)
    except signing.SignatureExpired as exc:
        raise LienExpire from exc
    except signing.BadSignature as exc:
        raise LienInvalide from exc
    try:
        return Inscription.objects.select_related("atelier__lieu").get(pk=pk)
    except Inscription.DoesNotExist as exc:
        raise LienInvalide from exc

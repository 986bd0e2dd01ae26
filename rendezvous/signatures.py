"""Signed links for a resident without an account: the token carries the appointment's id and nothing else."""

from django.core import signing

from rendezvous.models import RendezVous

SALT = "rendezvous.rendezvous"
# An appointment is at most a few weeks ahead; the pages refuse to change one already past.
DUREE_VALIDITE = 60 * 60 * 24 * 120


class LienInvalide(Exception):
    pass


class LienExpire(LienInvalide):
    pass


def jeton(rdv: RendezVous) -> str:
    return signing.dumps(rdv.pk, salt=SALT, compress=True)


def rdv_du_jeton(token: str) -> RendezVous:
    try:
        pk = signing.loads(token, salt=SALT, max_age=DUREE_VALIDITE)
    except signing.SignatureExpired as exc:
        raise LienExpire from exc
    except signing.BadSignature as exc:
        raise LienInvalide from exc
    try:
        return RendezVous.objects.select_related("permanence__lieu").get(pk=pk)
    except RendezVous.DoesNotExist as exc:
        raise LienInvalide from exc

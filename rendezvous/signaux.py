"""A closure saved over booked days cancels those appointments and tells the people, in the same transaction."""

from django.db.models.signals import post_save

from permanences.models import Fermeture


def _fermeture_enregistree(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: no message for history being restored
        return
    from rendezvous.services import signaler_fermeture

    signaler_fermeture(instance)


def brancher() -> None:
    post_save.connect(_fermeture_enregistree, sender=Fermeture, dispatch_uid="rendezvous-fermeture")

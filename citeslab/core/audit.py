"""The audit log: logins, failed logins, logouts and exports, by staff username and address.

Lines name staff accounts, never a resident, and never carry the text of a note. Row-level changes are
kept by django-simple-history in the database (visible from each object's "Historique" in the admin).
"""

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from citeslab.core.client import adresse_client

logger = logging.getLogger("citeslab.audit")


def _adresse(request) -> str:
    return adresse_client(request) or "?"


@receiver(user_logged_in)
def connexion(sender, request, user, **kwargs):
    logger.info("connexion réussie : compte=%s adresse=%s", user.get_username(), _adresse(request))


@receiver(user_logged_out)
def deconnexion(sender, request, user, **kwargs):
    if user is not None:
        logger.info("déconnexion : compte=%s adresse=%s", user.get_username(), _adresse(request))


@receiver(user_login_failed)
def connexion_echouee(sender, credentials, request=None, **kwargs):
    # `credentials` is already cleansed of the password by Django.
    logger.warning("connexion échouée : compte=%s adresse=%s", credentials.get("username", "?"), _adresse(request))


def export(request, quoi: str, format: str, lignes: int | None = None):
    """To be called by every download of personal or report data."""
    logger.info(
        "export : compte=%s adresse=%s quoi=%s format=%s lignes=%s",
        request.user.get_username(),
        _adresse(request),
        quoi,
        format,
        "?" if lignes is None else lignes,
    )


def securite(request, evenement: str, compte) -> None:
    """A change to how a staff account logs in (second factor, backup codes): who, for which account."""
    logger.info(
        "%s : compte=%s par=%s adresse=%s",
        evenement,
        compte.get_username(),
        request.user.get_username(),
        _adresse(request),
    )


def anonymisation(request, identifiants):
    """An erasure at a person's request: who did it, and the internal numbers of the rows it emptied.

    The numbers identify no one outside the database, and the rows they point to hold no name any more.
    """
    logger.info(
        "anonymisation : compte=%s adresse=%s porteurs=%s",
        request.user.get_username(),
        _adresse(request),
        ",".join(str(pk) for pk in identifiants),
    )

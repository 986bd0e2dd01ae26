"""Text messages to residents, through a backend chosen in settings, like Django's e-mail backends.

`envoyer_sms(numero, texte)` is the only entry point; settings.SMS_BACKEND names the class:
- ConsoleBackend (development, DEBUG=1): prints the message, as Django's console e-mail backend does;
  `check --deploy` refuses it in production, where it would write numbers and links into the server log;
- InactifBackend (production default while no provider is configured): sends nothing, logs no personal data;
- FichierBackend (tests, benchmarks): one JSON line per message in settings.SMS_FILE_PATH;
- MemoireBackend (tests): keeps the messages in `boite`, like django.core.mail.outbox;
- BrevoBackend: Brevo's transactional SMS HTTP API, configured by environment variables only
  (DJANGO_SMS_BREVO_API_KEY, DJANGO_SMS_EXPEDITEUR): no provider's secret in the repository.
A backend raises on failure; the task queue retries (rendezvous.taches).
"""

import json
import logging
import sys
import urllib.request

import phonenumbers
from django.conf import settings
from django.utils.module_loading import import_string

from citeslab.core.telephone import telephone_international

logger = logging.getLogger(__name__)


class ErreurSMS(Exception):
    """The provider refused or could not be reached; the message is safe to log (no number, no text)."""


class BaseBackend:
    def envoyer(self, numero: str, texte: str) -> None:
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    def envoyer(self, numero, texte):
        sys.stdout.write(f"SMS à {numero} :\n{texte}\n{'-' * 40}\n")
        sys.stdout.flush()


class InactifBackend(BaseBackend):
    def envoyer(self, numero, texte):
        logger.info("SMS non envoyé : aucun fournisseur configuré (DJANGO_SMS_BACKEND)")


class FichierBackend(BaseBackend):
    def envoyer(self, numero, texte):
        with open(settings.SMS_FILE_PATH, "a", encoding="utf-8") as fichier:
            fichier.write(json.dumps({"numero": numero, "texte": texte}, ensure_ascii=False) + "\n")


boite: list[dict] = []


class MemoireBackend(BaseBackend):
    def envoyer(self, numero, texte):
        boite.append({"numero": numero, "texte": texte})


class BrevoBackend(BaseBackend):
    """https://developers.brevo.com/docs/transactional-sms-endpoints — POST /v3/transactionalSMS/send."""

    URL = "https://api.brevo.com/v3/transactionalSMS/send"
    DELAI = 10  # seconds: a worker waiting on a provider that does not answer retries later instead

    def envoyer(self, numero, texte):
        cle = settings.SMS_BREVO_API_KEY
        if not cle:
            raise ErreurSMS("DJANGO_SMS_BREVO_API_KEY n'est pas défini")
        corps = {
            "sender": settings.SMS_EXPEDITEUR,
            "recipient": telephone_international(numero).lstrip("+"),
            "content": texte,
            "type": "transactional",
        }
        requete = urllib.request.Request(
            self.URL,
            data=json.dumps(corps).encode(),
            headers={"api-key": cle, "accept": "application/json", "content-type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(requete, timeout=self.DELAI) as reponse:
                statut = reponse.status
        except OSError as exc:  # URLError, HTTPError, timeouts: the status only, never the body (it echoes the number)
            raise ErreurSMS(f"Brevo : {getattr(exc, 'code', type(exc).__name__)}") from None
        if statut >= 300:
            raise ErreurSMS(f"Brevo : {statut}")


def backend() -> BaseBackend:
    return import_string(settings.SMS_BACKEND)()


def peut_recevoir_un_sms(numero: str) -> bool:
    """A valid mobile number (French 06/07, or a foreign mobile): landlines get no text message."""
    e164 = telephone_international(numero)
    if not e164:
        return False
    return phonenumbers.number_type(phonenumbers.parse(e164)) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def envoyer_sms(numero: str, texte: str) -> bool:
    """Send one text message; False (nothing sent) when the number cannot receive one. Raises on failure."""
    if not peut_recevoir_un_sms(numero):
        return False
    backend().envoyer(numero, texte)
    return True

"""The SMS backends of the kernel: chosen in settings, the real provider configured by environment only."""

import json
import urllib.error

import pytest

from citeslab.core import sms
from tests.core.test_controles import _check


def test_the_file_backend_writes_one_line_per_message(settings, tmp_path):
    settings.SMS_BACKEND = "citeslab.core.sms.FichierBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    assert sms.envoyer_sms("06 12 34 56 78", "Bonjour")
    assert sms.envoyer_sms("07 81 34 56 78", "Rappel")
    lignes = [json.loads(ligne) for ligne in (tmp_path / "sms.jsonl").read_text().splitlines()]
    assert lignes == [
        {"numero": "06 12 34 56 78", "texte": "Bonjour"},
        {"numero": "07 81 34 56 78", "texte": "Rappel"},
    ]


@pytest.mark.parametrize("numero", ["04 68 11 22 33", "", "12"])
def test_a_landline_or_an_invalid_number_gets_no_sms(settings, numero):
    settings.SMS_BACKEND = "citeslab.core.sms.MemoireBackend"
    sms.boite.clear()
    assert sms.envoyer_sms(numero, "Bonjour") is False
    assert sms.boite == []


class FausseReponse:
    status = 201

    def __enter__(self):
        return self

    def __exit__(self, *args):
        return False


def test_brevo_receives_the_international_number_and_the_key_from_settings(settings, monkeypatch):
    settings.SMS_BACKEND = "citeslab.core.sms.BrevoBackend"
    settings.SMS_BREVO_API_KEY = "cle-de-test"
    settings.SMS_EXPEDITEUR = "CitesLab"
    envoyees = []

    def urlopen(requete, timeout):
        envoyees.append((requete.full_url, dict(requete.header_items()), json.loads(requete.data)))
        return FausseReponse()

    monkeypatch.setattr("urllib.request.urlopen", urlopen)
    sms.envoyer_sms("06 12 34 56 78", "Bonjour")
    url, entetes, corps = envoyees[0]
    assert url == "https://api.brevo.com/v3/transactionalSMS/send"
    assert entetes["Api-key"] == "cle-de-test"
    assert corps == {"sender": "CitesLab", "recipient": "33612345678", "content": "Bonjour", "type": "transactional"}


def test_a_brevo_refusal_raises_without_the_number_in_the_message(settings, monkeypatch):
    settings.SMS_BACKEND = "citeslab.core.sms.BrevoBackend"
    settings.SMS_BREVO_API_KEY = "cle-de-test"

    def urlopen(requete, timeout):
        raise urllib.error.HTTPError(requete.full_url, 400, "Bad Request", {}, None)

    monkeypatch.setattr("urllib.request.urlopen", urlopen)
    with pytest.raises(sms.ErreurSMS) as erreur:
        sms.envoyer_sms("06 12 34 56 78", "Bonjour")
    assert "400" in str(erreur.value) and "612345678" not in str(erreur.value)


def test_sms_printed_to_the_log_are_refused_in_production():
    resultat = _check(DJANGO_SMS_BACKEND="citeslab.core.sms.ConsoleBackend")
    assert resultat.returncode != 0 and "citeslab.E010" in resultat.stderr


def test_brevo_without_its_key_is_refused_in_production():
    resultat = _check(DJANGO_SMS_BACKEND="citeslab.core.sms.BrevoBackend")
    assert resultat.returncode != 0 and "citeslab.E011" in resultat.stderr

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import OperationalError
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from citeslab.roles import CHEF_DE_PROJET

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_passes_with_production_settings():
    # The browser tests' conftest sets DJANGO_ALLOW_ASYNC_UNSAFE for Playwright; production never has it.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **env,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "une-vraie-cle-secrete-de-production-" + "k" * 40,
        "DJANGO_ALLOWED_HOSTS": "citeslab.carcassonne-agglo.fr",
        "DJANGO_HTTPS": "1",
        "DJANGO_REQUIRE_2FA": "1",
        "DJANGO_CACHE_DIR": "/tmp/citeslab-cache-check",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_without_secret_key_refuses_to_start():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env["DJANGO_DEBUG"] = "0"
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "citeslab.settings"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY n'est pas défini" in result.stderr


@pytest.mark.django_db
def test_every_response_carries_a_strict_content_security_policy(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    for directive in ["script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]:
        assert directive in policy
    assert "unsafe-inline" not in policy
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_logged_in_pages_are_never_stored(chef_client):
    response = chef_client.get(reverse("admin:index"))
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_says_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"statut": "ok", "base_de_donnees": True}


@pytest.mark.django_db
def test_a_database_outage_shows_a_french_503_page(chef_client, monkeypatch):
    from django.contrib.admin.sites import AdminSite

    def broken(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(AdminSite, "each_context", broken)
    monkeypatch.setattr("citeslab.middleware._database_down", lambda: True)
    response = chef_client.get(reverse("admin:index"))
    assert response.status_code == 503
    assert "Service momentanément indisponible" in response.content.decode()
    assert "Traceback" not in response.content.decode()


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_down(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(self, sql, params=None):
        raise OperationalError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503


def _login(client, username, password):
    return client.post(reverse("admin:login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.7")


@pytest.mark.django_db
def test_five_failures_lock_the_account_from_that_address_with_a_french_message(client, chef):
    for _ in range(5):
        response = _login(client, "chef", "mauvais-mot-de-passe")
    response = _login(client, "chef", "mot-de-passe-de-test-long")
    assert response.status_code == 429
    assert "bloquée pendant 15 minutes" in response.content.decode()


@pytest.mark.django_db
def test_unknown_user_and_wrong_password_get_the_same_message(client, chef):
    def error(response):
        return re.search(r'class="errornote">(.*?)</p>', response.content.decode(), re.S).group(1).strip()

    unknown = error(_login(client, "personne", "mauvais-mot-de-passe"))
    wrong = error(_login(client, "chef", "mauvais-mot-de-passe"))
    assert unknown == wrong
    assert unknown.startswith("Veuillez compléter correctement les champs")


@pytest.mark.parametrize(
    "password, ok",
    [("court", False), ("password1234", False), ("qwertyuiop12", False), ("une phrase de passe longue", True)],
)
def test_passwords_need_twelve_characters_and_not_a_common_one(password, ok):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(password)
        assert ok
    except ValidationError:
        assert not ok


def test_staff_sessions_end_after_thirty_minutes_of_inactivity(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


@pytest.mark.django_db
@override_settings(REQUIRE_2FA=True)
def test_with_2fa_required_staff_enrol_with_a_qr_code_then_reach_the_admin(client, chef):
    client.force_login(chef)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("deux_facteurs"))

    page = client.get(response["Location"])
    assert 'class="qr-code"' in page.content.decode()
    device = TOTPDevice.objects.get(user=chef)
    assert not device.confirmed

    wrong = client.post(response["Location"], {"otp_token": "000000"})
    assert "Code incorrect ou expiré" in wrong.content.decode()

    device.refresh_from_db()
    device.throttle_reset()  # a wrong code makes the next try wait a second; the test does not wait
    ok = client.post(response["Location"], {"otp_token": f"{totp(device.bin_key):06d}"})
    assert ok.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
@override_settings(REQUIRE_2FA=True)
def test_with_2fa_required_an_enrolled_user_must_give_a_code_at_each_login(client, django_user_model):
    user = django_user_model.objects.create_user("agent", password="mot-de-passe-de-test-long", is_staff=True)
    user.groups.add(Group.objects.get(name=CHEF_DE_PROJET))
    TOTPDevice.objects.create(user=user, name="tel", confirmed=True)
    client.force_login(user)
    response = client.get(reverse("deux_facteurs"))
    assert 'class="qr-code"' not in response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302


def test_the_next_parameter_cannot_send_the_user_to_another_site(client, chef, db):
    client.force_login(chef)
    device = TOTPDevice.objects.create(user=chef, name="tel", confirmed=True)
    response = client.post(
        reverse("deux_facteurs") + "?next=https://evil.example/", {"otp_token": f"{totp(device.bin_key):06d}"}
    )
    assert response["Location"] == reverse("admin:index")

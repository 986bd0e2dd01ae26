"""Losing the phone that holds the second factor does not lock the chef de projet out: backup codes, and a reset."""

import logging
import re

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db


def _codes(page) -> list[str]:
    return re.findall(r'<li class="code-de-secours"><code>([a-z0-9]+)</code></li>', page.content.decode())


@override_settings(REQUIRE_2FA=True)
def test_enrolment_shows_ten_backup_codes_once(client, chef, caplog):
    caplog.set_level(logging.INFO, logger="citeslab.audit")
    client.force_login(chef)
    client.get(reverse("deux_facteurs"))
    device = TOTPDevice.objects.get(user=chef)
    reponse = client.post(reverse("deux_facteurs"), {"otp_token": f"{totp(device.bin_key):06d}"})
    assert reponse["Location"] == reverse("codes_de_secours")
    page = client.get(reverse("codes_de_secours"))
    codes = _codes(page)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "une seule fois" in page.content.decode()
    assert _codes(client.get(reverse("codes_de_secours"))) == []  # shown once, never again
    assert any("codes de secours" in r.getMessage() for r in caplog.records if r.name == "citeslab.audit")


@override_settings(REQUIRE_2FA=True)
def test_a_backup_code_opens_the_admin_once(client, chef, caplog):
    TOTPDevice.objects.create(user=chef, name="téléphone", confirmed=True)
    secours = StaticDevice.objects.create(user=chef, name="Codes de secours")
    secours.token_set.create(token="abcd2345")
    caplog.set_level(logging.INFO, logger="citeslab.audit")
    client.force_login(chef)
    assert client.post(reverse("deux_facteurs"), {"otp_token": "abcd2345"}).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    assert any("code de secours utilisé" in r.getMessage() for r in caplog.records if r.name == "citeslab.audit")
    client.logout()
    client.force_login(chef)
    assert "Code incorrect" in client.post(reverse("deux_facteurs"), {"otp_token": "abcd2345"}).content.decode()


def test_the_administrator_resets_a_user_s_second_factor(admin_client_, chef, caplog):
    TOTPDevice.objects.create(user=chef, name="téléphone", confirmed=True)
    StaticDevice.objects.create(user=chef, name="Codes de secours")
    caplog.set_level(logging.INFO, logger="citeslab.audit")
    admin_client_.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reinitialiser_deux_facteurs", "_selected_action": [chef.pk]},
    )
    assert not TOTPDevice.objects.filter(user=chef).exists()
    assert not StaticDevice.objects.filter(user=chef).exists()
    assert any(
        "double authentification réinitialisée" in r.getMessage() and "compte=chef" in r.getMessage()
        for r in caplog.records
        if r.name == "citeslab.audit"
    )

"""One client-address rule behind the proxy: django-axes, the rate limits and the audit log all see the resident."""

import logging

import pytest
from django.test import RequestFactory
from django.urls import reverse

from citeslab.core.client import adresse_client, cle_limite

PROXY = "127.0.0.1"  # the proxy on the same host, as in the README's deployment


def _requete(xff=None, remote=PROXY):
    meta = {"REMOTE_ADDR": remote}
    if xff is not None:
        meta["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **meta)


def test_without_a_proxy_the_forwarded_header_is_ignored(settings):
    settings.BEHIND_PROXY = False
    assert adresse_client(_requete("203.0.113.9", remote="198.51.100.4")) == "198.51.100.4"


def test_behind_one_proxy_the_last_hop_is_the_client_and_earlier_hops_are_ignored(settings):
    settings.BEHIND_PROXY, settings.PROXY_COUNT = True, 1
    # The client wrote "1.2.3.4" itself; the proxy appended the address it saw.
    assert adresse_client(_requete("1.2.3.4, 203.0.113.9")) == "203.0.113.9"


def test_behind_two_proxies_the_client_is_the_second_hop_from_the_right(settings):
    settings.BEHIND_PROXY, settings.PROXY_COUNT = True, 2
    assert adresse_client(_requete("1.2.3.4, 203.0.113.9, 192.0.2.50")) == "203.0.113.9"


def test_fewer_hops_than_proxies_or_garbage_falls_back_to_the_connection(settings):
    settings.BEHIND_PROXY, settings.PROXY_COUNT = True, 2
    assert adresse_client(_requete("203.0.113.9")) == PROXY
    settings.PROXY_COUNT = 1
    assert adresse_client(_requete("pas-une-adresse")) == PROXY


def test_ipv6_clients_share_a_rate_limit_by_their_64_block(settings):
    settings.BEHIND_PROXY, settings.PROXY_COUNT = True, 1
    assert cle_limite(None, _requete("2001:db8:1:2::7")) == cle_limite(None, _requete("2001:db8:1:2:ffff::1"))


def _connexion(client, mot_de_passe, client_ip):
    return client.post(
        reverse("admin:login"),
        {"username": "chef", "password": mot_de_passe},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=client_ip,
    )


@pytest.mark.django_db
def test_behind_the_proxy_a_stranger_cannot_lock_the_chef_de_projet_out(client, chef, settings):
    settings.BEHIND_PROXY, settings.PROXY_COUNT = True, 1
    for _ in range(6):
        _connexion(client, "mauvais-mot-de-passe", "203.0.113.66")
    assert _connexion(client, "mot-de-passe-de-test-long", "203.0.113.66").status_code == 429
    # The chef de projet, from his own address through the same proxy, still gets in.
    assert _connexion(client, "mot-de-passe-de-test-long", "198.51.100.20").status_code == 302


@pytest.mark.django_db
def test_the_audit_log_records_the_address_the_proxy_saw(client, chef, settings, caplog):
    settings.BEHIND_PROXY, settings.PROXY_COUNT = True, 1
    caplog.set_level(logging.INFO, logger="citeslab.audit")
    _connexion(client, "mot-de-passe-de-test-long", "198.51.100.20")
    assert any("adresse=198.51.100.20" in r.getMessage() for r in caplog.records if r.name == "citeslab.audit")

"""Whatever a resident (or a bot) sends to a public form, the portal answers cleanly and stores nothing bad."""

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ateliers.models import Inscription
from porteurs.models import Porteur
from tests.ateliers.factories import AtelierFactory

# Any text a browser can send, including control characters, very long strings and non-Latin scripts.
texte = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=0, max_size=3000),
    st.sampled_from(["", " ", "\x00", "0612345678", "+33 6 12 34 56 78", "x@example.org", "=cmd|' /C calc'!A0"]),
)

CONTACT_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "prenom": texte,
        "nom": texte,
        "telephone": texte,
        "email": texte,
        "quartier": st.one_of(texte, st.sampled_from(["autre", "1", "2", "999999", "-1"])),
        "idee": texte,
        "consentement": st.sampled_from(["on", "", "true", "0"]),
        "site_web": st.sampled_from(["", "http://spam.example"]),
    },
)


@pytest.fixture
def contact_ouvert(site, settings):
    # Hundreds of posts from one address: the rate limit would (rightly) answer 429 after five.
    settings.RATELIMIT_ENABLE = False


@pytest.mark.django_db
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=CONTACT_FIELDS)
def test_contact_form_never_errors_and_stores_only_valid_people(contact_ouvert, data):
    client = Client()
    before = Porteur.objects.count()
    response = client.post("/contact/", data)
    assert response.status_code in (200, 302)
    after = Porteur.objects.count()
    if response.status_code == 200:
        assert after == before, "a refused form stored someone"
        assert 'aria-invalid="true"' in response.content.decode() or "is-invalid" in response.content.decode()
    else:
        assert after - before in (0, 1)  # 0 when the honeypot caught a bot
        if after == before + 1:
            porteur = Porteur.objects.latest("pk")
            assert porteur.telephone or porteur.email
            assert "\x00" not in porteur.prenom + porteur.nom + porteur.idee


@pytest.mark.django_db
def test_a_post_without_csrf_token_is_refused_with_a_french_page(site):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/contact/", {"prenom": "Awa"})
    assert response.status_code == 403
    assert "Le formulaire a expiré" in response.content.decode()
    assert not Porteur.objects.exists()


@pytest.mark.django_db
def test_an_oversized_body_is_refused_cleanly(site):
    response = Client().post("/contact/", {"idee": "x" * 3_000_000, "prenom": "Awa"})
    assert response.status_code == 413
    assert "Cette demande n'a pas pu être traitée" in response.content.decode()
    assert not Porteur.objects.exists()


INSCRIPTION_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "prenom": texte,
        "nom": texte,
        "telephone": texte,
        "email": texte,
        "quartier": st.one_of(texte, st.sampled_from(["", "1", "2", "999999", "-1"])),
        "inscription": st.sampled_from(["Je m'inscris", ""]),
    },
)


@pytest.fixture
def atelier_ouvert(site, settings):
    # Hundreds of posts from one address: the rate limit would (rightly) answer 429 after five.
    settings.RATELIMIT_ENABLE = False
    return AtelierFactory(capacite=500)


@pytest.mark.django_db
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=INSCRIPTION_FIELDS)
def test_workshop_registration_never_errors_and_stores_only_valid_registrations(atelier_ouvert, data):
    before = Inscription.objects.count()
    response = Client().post(f"/ateliers/{atelier_ouvert.pk}/", data)
    assert response.status_code in (200, 302)
    after = Inscription.objects.count()
    if response.status_code == 200:
        assert after == before, "a refused registration was stored"
        html = response.content.decode()
        assert 'aria-invalid="true"' in html or "is-invalid" in html or "alert-danger" in html
    else:
        assert after == before + 1
        inscription = Inscription.objects.latest("pk")
        assert inscription.telephone or inscription.email
        assert "\x00" not in inscription.prenom + inscription.nom


@pytest.mark.django_db
def test_a_registration_without_csrf_token_is_refused_with_a_french_page(atelier_ouvert):
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/ateliers/{atelier_ouvert.pk}/", {"prenom": "Awa", "email": "awa@example.org"})
    assert response.status_code == 403
    assert "Le formulaire a expiré" in response.content.decode()
    assert not Inscription.objects.exists()


@pytest.mark.django_db
def test_an_oversized_registration_is_refused_cleanly(atelier_ouvert):
    response = Client().post(f"/ateliers/{atelier_ouvert.pk}/", {"nom": "x" * 3_000_000, "prenom": "Awa"})
    assert response.status_code == 413
    assert "Cette demande n'a pas pu être traitée" in response.content.decode()
    assert not Inscription.objects.exists()

"""A refusal is a French page in the portal's look, with a way back, not Django's bare "403 Forbidden"."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_a_refused_admin_page_is_french_with_a_way_back(agglo_client):
    response = agglo_client.get(reverse("admin:porteurs_porteur_changelist"))
    assert response.status_code == 403
    page = response.content.decode()
    assert '<html lang="fr"' in page and "Vous n'avez pas accès à cette page" in page
    assert "Forbidden" not in page
    assert reverse("admin:index") in page and reverse("bilan:index") in page

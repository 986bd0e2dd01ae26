"""The admin's French survives its scripts: the inline script's "add another" link and new rows say it in words."""

import pytest

from tests.browser.conftest import attendre_fin_des_requetes
from tests.porteurs.factories import PorteurFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_adding_another_referral_on_a_persons_page_is_said_in_french(chromium, live_server, administrateur, tmp_path):
    porteur = PorteurFactory()
    contexte = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="fr-FR", base_url=live_server.url)
    page = contexte.new_page()
    try:
        page.goto(f"/admin/login/?next=/admin/porteurs/porteur/{porteur.pk}/change/")
        page.fill("#id_username", "administrateur")
        page.fill("#id_password", "mot-de-passe-de-test-long")
        page.click("input[type=submit]")
        page.wait_for_url(f"**/admin/porteurs/porteur/{porteur.pk}/change/")
        assert page.locator("h1").inner_text() == f"Modifier le porteur de projet « {porteur} »"
        groupe = page.locator("#orientations-group")
        lien = page.get_by_text("Ajouter une autre orientation")
        lien.click()
        lien.click()
        assert groupe.locator("tr.form-row.dynamic-orientations").count() == 2
        assert "#" not in groupe.inner_text()
        assert "un objet" not in groupe.inner_text()
        groupe.screenshot(path=str(tmp_path / "orientations.png"))
    finally:
        contexte.close()
        attendre_fin_des_requetes()

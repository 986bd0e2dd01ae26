"""The chef de projet's export page under the Content-Security-Policy: "select all" really unticks and ticks."""

import pytest

from tests.browser.conftest import attendre_fin_des_requetes

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_select_all_box_of_the_export_page_works_under_the_csp(chromium, live_server, administrateur):
    # A superuser: an earlier transactional test may have flushed the roles' groups, which migrations create.
    contexte = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="fr-FR", base_url=live_server.url)
    page = contexte.new_page()
    erreurs_csp = []
    page.on("console", lambda m: erreurs_csp.append(m.text) if "Content Security Policy" in m.text else None)
    try:
        page.goto("/admin/login/?next=/admin/porteurs/porteur/export/")
        page.fill("#id_username", "administrateur")
        page.fill("#id_password", "mot-de-passe-de-test-long")
        page.click("input[type=submit]")
        page.wait_for_url("**/admin/porteurs/porteur/export/")
        cases = page.locator('.selectable-field-export-row input[type="checkbox"]')
        assert cases.count() > 5
        page.uncheck('input[name="select-all-toggle"]')
        assert all(not cases.nth(i).is_checked() for i in range(cases.count()))
        page.check('input[name="select-all-toggle"]')
        assert all(cases.nth(i).is_checked() for i in range(cases.count()))
    finally:
        contexte.close()
        attendre_fin_des_requetes()

"""The chef de projet imports the office's own spreadsheet: Windows-1252, « ; », its titles, short quartier names."""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from citeslab.seed import QUARTIERS
from porteurs.models import Porteur
from tests.browser.conftest import attendre_fin_des_requetes
from tests.permanences.factories import QuartierFactory
from tests.porteurs.test_import_tableur_du_bureau import ENTETE_DU_BUREAU, _csv, _personnes

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots_public"))


def test_an_office_spreadsheet_goes_through_the_mapping_step_the_preview_and_the_queue(
    chromium, live_server, administrateur
):
    for ordre, (slug, nom) in enumerate(QUARTIERS):
        QuartierFactory(nom=nom, slug=slug, ordre=ordre)
    SHOTS.mkdir(parents=True, exist_ok=True)
    # A laptop during a permanence; a superuser: an earlier transactional test may have flushed the roles' groups.
    contexte = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="fr-FR", base_url=live_server.url)
    page = contexte.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto("/admin/login/?next=/admin/porteurs/porteur/import/")
        page.fill("#id_username", "administrateur")
        page.fill("#id_password", "mot-de-passe-de-test-long")
        page.click("input[type=submit]")
        page.wait_for_url("**/admin/porteurs/porteur/import/")

        contenu = _csv(_personnes(6))
        assert "Né(e) le".encode("cp1252") in contenu
        page.set_input_files(
            "#id_import_file", files=[{"name": "suivi-2024.csv", "mimeType": "text/csv", "buffer": contenu}]
        )
        page.select_option("#id_format", "0")
        page.locator("form input[type=submit]").click()

        # Step 2: each column beside the field it fills, the comment column listed as ignored.
        page.wait_for_selector("text=Étape 2 sur 3")
        page.screenshot(path=str(SHOTS / "import-1-colonnes.png"), full_page=True)
        axe = Axe().run(page)
        assert axe.violations_count == 0, axe.generate_report()
        for index, attendu in enumerate(["nom", "prenom", "date_naissance", "telephone", "email", "quartier"]):
            assert page.locator(f"#colonne_{index}").input_value() == attendu
        assert page.locator("#colonne_7").input_value() == "genre"  # « Sexe »
        assert page.locator("#colonne_8").input_value() == ""  # « Commentaire »
        assert "I : « Commentaire »" in page.locator(".colonnes-ignorees").inner_text().replace("\xa0", " ")
        assert len(ENTETE_DU_BUREAU) == page.locator("select[id^=colonne_]").count()
        page.click("text=Continuer vers l'aperçu")

        # Step 3: the preview, rows numbered as in the spreadsheet.
        page.wait_for_selector("text=Étape 3 sur 3")
        page.screenshot(path=str(SHOTS / "import-2-apercu.png"), full_page=True)
        assert "6 lignes prêtes à importer" in page.content().replace("\xa0", " ")
        premiere_ligne = page.locator("table.import-apercu tbody tr").first
        assert premiere_ligne.locator("th").inner_text().strip() == "2"
        page.click("text=Confirmer l'import")
        page.wait_for_selector("text=file d'attente")

        # The worker imports; the page of the import reloads itself until it says what it did.
        call_command("db_worker", batch=True, interval=0, startup_delay=False, reload=False, verbosity=0)
        page.wait_for_selector("text=Import terminé", timeout=20_000)
        page.screenshot(path=str(SHOTS / "import-3-termine.png"), full_page=True)
        assert "6 fiches créées" in page.content().replace("\xa0", " ")
        assert Porteur.objects.filter(quartier__slug="la-conte-ozanam").exists()

        # The same office, a file with mistakes: each one written under its cell, on a tablet too.
        page.set_viewport_size({"width": 1024, "height": 768})
        fautives = _personnes(4, debut=20)
        fautives[1][2] = "31/02/1985"
        fautives[3][5] = "Trèbes"
        page.goto("/admin/porteurs/porteur/import/")
        page.set_input_files(
            "#id_import_file",
            files=[{"name": "suivi-2025.csv", "mimeType": "text/csv", "buffer": _csv(fautives)}],
        )
        page.select_option("#id_format", "0")
        page.locator("form input[type=submit]").click()
        page.click("text=Continuer vers l'aperçu")
        page.wait_for_selector("text=2 lignes à corriger")
        page.screenshot(path=str(SHOTS / "import-4-erreurs.png"), full_page=True)
        axe = Axe().run(page)
        assert axe.violations_count == 0, axe.generate_report()
        cellule = page.locator("table.import-apercu tbody tr", has_text="31/02/1985").locator("td.cellule-fautive")
        assert "le 31 février n'existe pas" in cellule.inner_text()
        assert cellule.locator(".erreur-cellule").is_visible()
        lignes = page.locator("table.import-apercu tbody th").all_inner_texts()
        assert [ligne.strip() for ligne in lignes] == ["3", "5"]
        assert page.locator("text=Confirmer l'import").count() == 0
    finally:
        contexte.close()
        attendre_fin_des_requetes()

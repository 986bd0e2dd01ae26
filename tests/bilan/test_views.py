import csv
import io
import re
import zipfile
from html import unescape

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from citeslab.bilan.donnees import POURCENT, formater
from citeslab.bilan.sections import construire_bilan


def _tables_de_la_page(html):
    """{table key: rows of cell texts} read from the rendered page."""
    tables = {}
    for cle, corps in re.findall(r'<table data-tableau="([^"]+)">.*?<tbody>(.*?)</tbody>', html, re.S):
        lignes = re.findall(r"<tr>(.*?)</tr>", corps, re.S)
        tables[unescape(cle)] = [
            [unescape(c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", ligne, re.S)] for ligne in lignes
        ]
    return tables


def test_anonymous_is_sent_to_the_admin_login(client, db):
    response = client.get(reverse("bilan:annee", args=[2019]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_without_the_permission_gets_403(client, django_user_model):
    user = django_user_model.objects.create_user("sans-droit", password="x" * 16, is_staff=True)
    client.force_login(user)
    assert client.get(reverse("bilan:annee", args=[2019])).status_code == 403
    assert client.get(reverse("bilan:telecharger", args=[2019, "xlsx"])).status_code == 403


def test_agglo_sees_the_report(agglo_client, activite):
    response = agglo_client.get(reverse("bilan:annee", args=[2019]))
    assert response.status_code == 200
    assert "Bilan annuel 2019" in response.content.decode()


def test_chef_de_projet_sees_the_report(chef_client, activite):
    assert chef_client.get(reverse("bilan:annee", args=[2019])).status_code == 200


def test_index_redirects_to_the_last_full_year(agglo_client, db):
    response = agglo_client.get(reverse("bilan:index"))
    assert response.status_code == 302
    assert re.search(r"/bilan/\d{4}/$", response["Location"])


def test_year_outside_the_office_life_is_404(agglo_client, db):
    assert agglo_client.get(reverse("bilan:annee", args=[2017])).status_code == 404


def test_page_shows_french_formats_and_previous_year(agglo_client, activite):
    html = agglo_client.get(reverse("bilan:annee", args=[2019])).content.decode()
    tables = _tables_de_la_page(html)
    femmes = next(r for r in tables["Chiffres clés"] if r[0].startswith("Part de femmes"))
    assert femmes[1:] == ["75\u202f%", "100\u202f%"]
    financement = {r[0]: r for r in tables["Financement"]}
    assert financement["État"][3] == "15\u202f000,00\u00a0€"
    assert "2018" in html


def test_page_has_accessible_svg_charts_and_no_script(agglo_client, activite):
    html = agglo_client.get(reverse("bilan:annee", args=[2019])).content.decode()
    assert html.count("<svg") >= 5
    assert 'role="img"' in html and "<title id=" in html and "<desc id=" in html
    assert "<script" not in html


def test_page_query_count_is_pinned(agglo_client, activite, django_assert_max_num_queries):
    # 19 for the report itself (pinned in test_bilan), the rest is session, user and security middleware.
    with django_assert_max_num_queries(30):
        agglo_client.get(reverse("bilan:annee", args=[2019]))


def test_downloaded_xlsx_figures_equal_the_page(agglo_client, activite):
    html = agglo_client.get(reverse("bilan:annee", args=[2019])).content.decode()
    page = _tables_de_la_page(html)
    response = agglo_client.get(reverse("bilan:telecharger", args=[2019, "xlsx"]))
    assert response.status_code == 200
    classeur = openpyxl.load_workbook(io.BytesIO(response.content))
    bilan = construire_bilan(2019)
    for tableau in bilan.tableaux:
        feuille = classeur[tableau.cle]
        for i, ligne_page in enumerate(page[tableau.cle]):
            cellules = [c.value for c in feuille[4 + i]][: len(tableau.colonnes)]
            telecharge = [
                str(v) if j == 0 else formater(v, tableau.type_cellule(i, j)) for j, v in enumerate(cellules)
            ]
            assert telecharge == ligne_page, tableau.cle


def test_xlsx_first_sheet_has_year_and_export_date_and_formats(agglo_client, activite):
    response = agglo_client.get(reverse("bilan:telecharger", args=[2019, "xlsx"]))
    classeur = openpyxl.load_workbook(io.BytesIO(response.content))
    garde = classeur.worksheets[0]
    assert garde.title == "Bilan 2019"
    assert garde["A2"].value == "Année" and garde["B2"].value == 2019
    assert garde["A4"].value == "Exporté le" and re.match(r"\d\d/\d\d/\d{4}", garde["B4"].value)
    genre = classeur["Genre"]
    assert genre["A3"].value == "Genre" and genre["C3"].value == "Part 2019"
    assert genre["C4"].number_format == "0%"
    assert genre.column_dimensions["A"].width > 20
    assert len(classeur.sheetnames) == 1 + len(construire_bilan(2019).tableaux)


def test_csv_download_is_a_zip_of_bom_semicolon_files(agglo_client, activite):
    response = agglo_client.get(reverse("bilan:telecharger", args=[2019, "csv"]))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    noms = archive.namelist()
    assert len(noms) == 1 + len(construire_bilan(2019).tableaux)
    genre = next(n for n in noms if n.endswith("-genre.csv"))
    brut = archive.read(genre)
    assert brut.startswith(b"\xef\xbb\xbf")
    lignes = list(csv.reader(io.StringIO(brut.decode("utf-8-sig")), delimiter=";"))
    assert lignes[0] == ["Genre", "2019", "Part 2019", "2018", "Part 2018"]
    assert lignes[1] == ["Femme", "3", "75,0 %", "1", "100,0 %"]


def test_ods_download_opens_with_one_sheet_per_table(agglo_client, activite):
    import tablib

    response = agglo_client.get(reverse("bilan:telecharger", args=[2019, "ods"]))
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    livre = tablib.Databook().load(response.content, "ods")
    assert len(livre.sheets()) == 1 + len(construire_bilan(2019).tableaux)


def test_unknown_format_is_404(agglo_client, db):
    assert agglo_client.get(reverse("bilan:telecharger", args=[2019, "pdf"])).status_code == 404


def test_export_bilan_command_writes_the_same_sheets(activite, tmp_path, agglo_client):
    chemin = tmp_path / "bilan-2019.xlsx"
    call_command("export_bilan", "--year", "2019", "--format", "xlsx", "--output", str(chemin), stdout=io.StringIO())
    commande = openpyxl.load_workbook(chemin)
    page = openpyxl.load_workbook(
        io.BytesIO(agglo_client.get(reverse("bilan:telecharger", args=[2019, "xlsx"])).content)
    )
    assert commande.sheetnames == page.sheetnames
    for nom in commande.sheetnames[1:]:
        assert [[c.value for c in r] for r in commande[nom].iter_rows()] == [
            [c.value for c in r] for r in page[nom].iter_rows()
        ]


@pytest.mark.parametrize("fmt", ["ods", "csv"])
def test_export_bilan_command_writes_other_formats(activite, tmp_path, fmt):
    chemin = tmp_path / f"bilan.{fmt}"
    call_command("export_bilan", "--year", "2019", "--format", fmt, "--output", str(chemin), stdout=io.StringIO())
    assert zipfile.is_zipfile(chemin)


def test_percent_columns_are_fractions_in_the_structure(activite):
    genre = construire_bilan(2019).tableau("Genre")
    assert genre.colonnes[2].type == POURCENT


def test_agglo_logs_in_through_the_admin_login_and_lands_on_the_report(client, agglo, activite):
    url = reverse("bilan:annee", args=[2019])
    login = client.get(url, follow=True)
    assert login.request["PATH_INFO"] == reverse("admin:login")
    response = client.post(
        reverse("admin:login") + f"?next={url}",
        {"username": "agglo", "password": "mot-de-passe-de-test-long", "next": url},
        follow=True,
    )
    assert response.request["PATH_INFO"] == url
    assert response.status_code == 200


def test_admin_link_snippet_shows_the_report_to_those_allowed(rf, agglo, django_user_model):
    from django.contrib.auth.context_processors import PermWrapper
    from django.template.loader import render_to_string

    html = render_to_string("bilan/_lien_admin.html", {"perms": PermWrapper(agglo)})
    assert reverse("bilan:index") in html
    autre = django_user_model.objects.create_user("autre", password="x" * 16, is_staff=True)
    assert reverse("bilan:index") not in render_to_string("bilan/_lien_admin.html", {"perms": PermWrapper(autre)})


def test_xlsx_money_is_an_euro_number_format(agglo_client, activite):
    response = agglo_client.get(reverse("bilan:telecharger", args=[2019, "xlsx"]))
    financement = openpyxl.load_workbook(io.BytesIO(response.content))["Financement"]
    cellule = financement["D4"]
    assert cellule.value == 15000
    assert cellule.number_format == '#,##0.00 "€"'

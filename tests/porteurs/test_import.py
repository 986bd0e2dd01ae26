import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from citeslab.core.imports import CSVFrancais
from porteurs.models import ChangementEtape, Porteur
from porteurs.resources import PorteurResource
from tests.permanences.factories import QuartierFactory

ENTETE = [
    "Nom",
    "Prénom",
    "Date de naissance",
    "Téléphone",
    "Quartier",
    "Genre",
    "Situation à l'arrivée",
    "Premier contact",
]
LIGNES = [
    ["Bénézech", "Hélène", "17/05/1990", "06 12 34 56 78", "Grazailles", "Femme", "Bénéficiaire du RSA", "04/03/2019"],
    ["Garcia", "José", "02/11/1975", "0612345679", "Hors QPV", "H", "demandeur_emploi", "12/09/2019"],
]


@pytest.fixture
def grazailles(db):
    return QuartierFactory(nom="Grazailles", slug="grazailles")


def _csv(lignes, separateur=";", encodage="utf-8-sig"):
    texte = "\r\n".join(separateur.join(ligne) for ligne in [ENTETE, *lignes]) + "\r\n"
    return texte.encode(encodage)


def _xlsx(lignes):
    classeur = openpyxl.Workbook()
    for ligne in [ENTETE, *lignes]:
        classeur.active.append(ligne)
    sortie = io.BytesIO()
    classeur.save(sortie)
    return sortie.getvalue()


def _envoyer(client, contenu, nom="porteurs.csv", format_="0"):
    """The upload step: the page that maps the file's columns to the fields."""
    fichier = SimpleUploadedFile(nom, contenu, content_type="text/csv")
    return client.post("/admin/porteurs/porteur/import/", {"format": format_, "resource": "0", "import_file": fichier})


def _apercu(client, contenu, nom="porteurs.csv", format_="0", changements=None):
    """Upload, then keep the proposed mapping (or change some columns): the preview."""
    correspondance = _envoyer(client, contenu, nom, format_)
    assert correspondance.status_code == 200, correspondance.content.decode()[:2000]
    donnees = dict(correspondance.context["suite"])
    for colonne in correspondance.context["colonnes"]:
        donnees[f"colonne_{colonne.index}"] = colonne.choix
    donnees.update(changements or {})
    return client.post("/admin/porteurs/porteur/import/", {**donnees, "etape": "apercu"})


def _importer(contenu, dry_run=False):
    dataset = CSVFrancais().create_dataset(contenu)
    return PorteurResource().import_data(dataset, dry_run=dry_run, rollback_on_validation_errors=True)


@pytest.mark.parametrize(
    ("separateur", "encodage"), [(";", "utf-8-sig"), (",", "utf-8"), (";", "cp1252"), (",", "cp1252")]
)
def test_csv_in_utf8_or_windows_1252_with_semicolons_or_commas(grazailles, separateur, encodage):
    result = _importer(_csv(LIGNES, separateur, encodage))
    assert not result.has_errors() and not result.has_validation_errors()
    helene = Porteur.objects.get(nom="Bénézech")
    assert helene.prenom == "Hélène"
    assert helene.date_naissance.isoformat() == "1990-05-17"
    assert helene.quartier == grazailles
    assert helene.situation == Porteur.Situation.RSA
    assert Porteur.objects.get(nom="Garcia").quartier is None


def test_xlsx_import(grazailles):
    from import_export.formats.base_formats import XLSX

    dataset = XLSX().create_dataset(_xlsx(LIGNES))
    result = PorteurResource().import_data(dataset, dry_run=False, rollback_on_validation_errors=True)
    assert not result.has_validation_errors()
    assert Porteur.objects.count() == 2


def test_imported_people_get_their_first_stage_change(grazailles):
    _importer(_csv(LIGNES))
    helene = Porteur.objects.get(nom="Bénézech")
    changement = ChangementEtape.objects.get(porteur=helene)
    assert (changement.etape, changement.date.isoformat()) == ("emergence", "2019-03-04")


def test_reimporting_the_same_file_creates_no_duplicates(grazailles):
    _importer(_csv(LIGNES))
    result = _importer(_csv(LIGNES))
    assert Porteur.objects.count() == 2
    assert ChangementEtape.objects.count() == 2
    assert result.totals["skip"] == 2


def test_one_bad_row_imports_nothing_and_says_which_row(grazailles):
    mauvaises = [
        *LIGNES,
        ["Durand", "Paul", "31/02/1980", "", "Grazailles", "H", "", ""],
        ["Roux", "Léa", "", "", "Quartier inconnu", "F", "", ""],
    ]
    result = _importer(_csv(mauvaises))
    assert result.has_validation_errors()
    assert Porteur.objects.count() == 0
    erreurs = {row.number: str(row.error_dict) for row in result.invalid_rows}
    assert set(erreurs) == {3, 4}
    assert "le 31 février n'existe pas" in erreurs[3]
    assert "date de naissance est obligatoire" in erreurs[4] and "Quartier inconnu" in erreurs[4]


def test_phone_numbers_are_checked_per_row(grazailles):
    result = _importer(_csv([["Petit", "Ana", "01/01/1990", "12", "", "F", "", ""]]))
    assert result.has_validation_errors()
    assert Porteur.objects.count() == 0


def test_admin_import_previews_then_confirms(chef_client, grazailles, executer_taches):
    apercu = _apercu(chef_client, _csv(LIGNES, ";", "cp1252"))
    assert apercu.status_code == 200
    assert Porteur.objects.count() == 0  # a dry run
    texte = apercu.content.decode()
    assert "Bénézech" in texte
    confirmation = apercu.context["confirm_form"]
    reponse = chef_client.post("/admin/porteurs/porteur/process_import/", confirmation.initial)
    assert reponse.status_code == 302
    # The worker imports; the page of the import follows it, then says what it did.
    assert "file d'attente" in chef_client.get(reponse["Location"]).content.decode().replace("&#x27;", "'")
    executer_taches()
    assert Porteur.objects.count() == 2
    assert "2 fiches créées" in chef_client.get(reponse["Location"]).content.decode()


def test_the_page_of_an_import_is_its_launcher_s_only(chef_client, grazailles, client, django_user_model):
    apercu = _apercu(chef_client, _csv(LIGNES, ";", "cp1252"))
    suivi = chef_client.post("/admin/porteurs/porteur/process_import/", apercu.context["confirm_form"].initial)
    autre = django_user_model.objects.create_superuser("autre", password="x" * 20)
    client.force_login(autre)
    assert client.get(suivi["Location"]).status_code == 404
    assert client.get("/admin/porteurs/porteur/import/suivi/pas-un-identifiant/").status_code == 404


def test_admin_import_shows_row_errors_and_no_confirm_button(chef_client, grazailles):
    apercu = _apercu(chef_client, _csv([["X", "Y", "pas une date", "", "", "", "", ""]]))
    assert "n'est pas une date : date attendue au format jj/mm/aaaa" in apercu.content.decode().replace(
        "&#x27;", "'"
    ).replace("\xa0", " ")
    assert apercu.context.get("confirm_form") is None
    assert Porteur.objects.count() == 0


def test_people_imported_by_the_worker_are_recorded_under_who_imported_them(
    chef_client, chef, grazailles, executer_taches
):
    from django.contrib.admin.models import LogEntry

    apercu = _apercu(chef_client, _csv(LIGNES, ";", "cp1252"))
    chef_client.post("/admin/porteurs/porteur/process_import/", apercu.context["confirm_form"].initial)
    executer_taches()
    assert {h.history_user for h in Porteur.history.all()} == {chef}
    assert LogEntry.objects.filter(user=chef).count() == 2

import csv
import datetime
import io
import tracemalloc

import openpyxl
import pytest
import tablib
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ateliers.resources import InscriptionResource
from citeslab.core.exports import colonnes, neutraliser
from porteurs.models import Porteur
from porteurs.resources import PorteurResource
from tests.ateliers.factories import InscriptionFactory
from tests.permanences.factories import QuartierFactory
from tests.porteurs.factories import OrientationFactory, PorteurFactory, SuiviFactory

FORMATS = {"csv": "0", "xlsx": "1", "ods": "2"}


def _exporter(client, modele, resource, fmt):
    data = {"format": FORMATS[fmt], "resource": "0"}
    for name in resource._meta.fields:
        data[f"{resource.__name__.lower()}_{name}"] = "on"
    return client.post(f"/admin/{modele}/export/", data)


def _contenu(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def _lignes(response, fmt):
    contenu = _contenu(response)
    if fmt == "csv":
        assert contenu.startswith(b"\xef\xbb\xbf")
        return list(csv.reader(io.StringIO(contenu.decode("utf-8-sig")), delimiter=";"))
    if fmt == "xlsx":
        feuille = openpyxl.load_workbook(io.BytesIO(contenu)).active
        return [["" if c is None else c for c in row] for row in feuille.iter_rows(values_only=True)]
    return [list(r) for r in [tablib.Dataset().load(contenu, "ods").headers, *tablib.Dataset().load(contenu, "ods")]]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_people_export_resolves_the_quartier_name_and_choice_labels(chef_client, fmt):
    PorteurFactory(nom="Martin", quartier=QuartierFactory(nom="Grazailles", slug="grazailles"))
    response = _exporter(chef_client, "porteurs/porteur", PorteurResource, fmt)
    assert response.status_code == 200
    lignes = _lignes(response, fmt)
    assert lignes[0][:3] == ["Nom", "Prénom", "Date de naissance"]
    ligne = dict(zip(lignes[0], lignes[1], strict=True))
    assert ligne["Quartier"] == "Grazailles"
    assert ligne["Genre"] == "Femme"


def test_csv_export_streams_with_french_dates(chef_client):
    PorteurFactory(date_naissance=datetime.date(1990, 5, 17))
    response = _exporter(chef_client, "porteurs/porteur", PorteurResource, "csv")
    assert response.streaming
    assert "17/05/1990" in _contenu(response).decode("utf-8-sig")


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_every_export_neutralises_formulas(chef_client, fmt):
    dangereux = ['=HYPERLINK("http://x")', "+33 6", "-1+2", "@SOMME(A1)", "\tcmd", "\rcmd"]
    for texte in dangereux:
        PorteurFactory(nom=texte, prenom="Test")
    lignes = _lignes(_exporter(chef_client, "porteurs/porteur", PorteurResource, fmt), fmt)
    # xlsx stores a carriage return as the escape _x000D_, which openpyxl hands back as is.
    noms = {ligne[0].replace("_x000D_", "\r") for ligne in lignes[1:]}
    assert noms == {"'" + texte for texte in dangereux}


def test_xlsx_cells_that_look_like_formulas_are_text(chef_client):
    PorteurFactory(nom="=1+1")
    contenu = _contenu(_exporter(chef_client, "porteurs/porteur", PorteurResource, "xlsx"))
    feuille = openpyxl.load_workbook(io.BytesIO(contenu)).active
    assert feuille["A2"].data_type == "s"


def test_neutraliser_leaves_ordinary_text_and_numbers_alone():
    assert neutraliser("Dupont") == "Dupont"
    assert neutraliser(-3) == -3


@pytest.mark.parametrize(
    ("modele", "resource", "attendu"),
    [
        ("porteurs/suivi", "SuiviResource", "Durée (minutes)"),
        ("porteurs/orientation", "OrientationResource", "Partenaire"),
        ("ateliers/atelier", "AtelierResource", "Lieu"),
        ("ateliers/inscription", "InscriptionResource", "Atelier"),
    ],
)
def test_follow_ups_referrals_workshops_and_registrations_export(chef_client, modele, resource, attendu):
    import ateliers.resources
    import porteurs.resources

    SuiviFactory()
    OrientationFactory(partenaire__nom="ADIE")
    InscriptionFactory()
    classe = getattr(porteurs.resources, resource, None) or getattr(ateliers.resources, resource)
    lignes = _lignes(_exporter(chef_client, modele, classe, "csv"), "csv")
    assert attendu in lignes[0]
    assert len(lignes) == 2


def test_suivi_export_leaves_interview_notes_out(chef_client):
    from porteurs.resources import SuiviResource

    SuiviFactory(notes="Confidentiel : situation familiale")
    contenu = _contenu(_exporter(chef_client, "porteurs/suivi", SuiviResource, "csv")).decode("utf-8-sig")
    assert "Confidentiel" not in contenu


def test_registration_export_joins_workshop_and_place_names(chef_client):
    inscription = InscriptionFactory()
    lignes = _lignes(_exporter(chef_client, "ateliers/inscription", InscriptionResource, "csv"), "csv")
    ligne = dict(zip(lignes[0], lignes[1], strict=True))
    assert ligne["Atelier"] == inscription.atelier.titre
    assert ligne["Lieu"] == inscription.atelier.lieu.nom


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_export_queries_do_not_grow_with_rows(chef_client, fmt):
    for _ in range(3):
        SuiviFactory()
    from porteurs.resources import SuiviResource

    with CaptureQueriesContext(connection) as peu:
        _contenu(_exporter(chef_client, "porteurs/suivi", SuiviResource, fmt))
    for _ in range(20):
        SuiviFactory()
    with CaptureQueriesContext(connection) as beaucoup:
        _contenu(_exporter(chef_client, "porteurs/suivi", SuiviResource, fmt))
    assert len(beaucoup.captured_queries) == len(peu.captured_queries)


def test_agglo_gets_403_on_raw_exports(agglo_client):
    for modele in ("porteurs/porteur", "porteurs/suivi", "porteurs/orientation", "ateliers/inscription"):
        assert agglo_client.get(f"/admin/{modele}/export/").status_code == 403
        assert agglo_client.post(f"/admin/{modele}/export/", {"format": "0"}).status_code == 403
    assert agglo_client.get("/admin/porteurs/porteur/import/").status_code == 403


def test_agglo_gets_403_on_person_follow_up_and_registration_pages(agglo_client):
    porteur = PorteurFactory()
    suivi = SuiviFactory(porteur=porteur)
    inscription = InscriptionFactory()
    for url in (
        f"/admin/porteurs/porteur/{porteur.pk}/change/",
        "/admin/porteurs/porteur/",
        f"/admin/porteurs/suivi/{suivi.pk}/change/",
        f"/admin/ateliers/atelier/{inscription.atelier.pk}/change/",
    ):
        assert agglo_client.get(url).status_code == 403, url


def _bulk(n, debut=0):
    Porteur.objects.bulk_create(
        Porteur(nom=f"Nom{i}", prenom=f"Prénom{i}", idee="Une idée de commerce de proximité" * 3)
        for i in range(debut, debut + n)
    )


def _pic_memoire(client, fmt):
    tracemalloc.start()
    response = _exporter(client, "porteurs/porteur", PorteurResource, fmt)
    for _ in response.streaming_content if response.streaming else [response.content]:
        pass
    _, pic = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return pic


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_memory_does_not_grow_with_rows(chef_client, fmt):
    # Both sizes above the 2 000-row fetch chunk, which is what bounds the memory.
    _bulk(4000)
    petit = _pic_memoire(chef_client, fmt)
    _bulk(12000, debut=4000)
    grand = _pic_memoire(chef_client, fmt)
    # Four times the rows: a tablib Dataset would need four times the memory; streaming stays flat.
    assert grand < petit * 1.3, (petit, grand)


def test_columns_follow_foreign_key_widgets_to_names(db):
    chemins = [c[1] for c in colonnes(PorteurResource())]
    assert "quartier__nom" in chemins


def test_chef_sees_export_and_import_buttons_and_forms(chef_client):
    liste = chef_client.get("/admin/porteurs/porteur/").content.decode()
    assert "/admin/porteurs/porteur/export/" in liste and "/admin/porteurs/porteur/import/" in liste
    assert chef_client.get("/admin/porteurs/porteur/export/").status_code == 200
    formulaire = chef_client.get("/admin/porteurs/porteur/import/").content.decode()
    assert "Windows-1252" in formulaire


def test_export_respects_the_changelist_filters(chef_client):
    grazailles = QuartierFactory(nom="Grazailles", slug="grazailles")
    PorteurFactory(nom="Dedans", quartier=grazailles)
    PorteurFactory(nom="Dehors", hors_qpv=True)
    data = {"format": "0", "resource": "0"}
    for name in PorteurResource._meta.fields:
        data[f"porteurresource_{name}"] = "on"
    response = chef_client.post(f"/admin/porteurs/porteur/export/?quartier={grazailles.pk}", data)
    noms = [ligne[0] for ligne in _lignes(response, "csv")[1:]]
    assert noms == ["Dedans"]


def test_csv_rows_with_separators_quotes_or_line_breaks_read_back_intact(db):
    from citeslab.core.exports import flux_csv

    idees = ['Épicerie; vrac et "zéro déchet"', "Deux lignes\r\nde projet", "=SOMME(A1)", "simple"]
    for idee in idees:
        PorteurFactory(idee=idee)
    contenu = b"".join(flux_csv(Porteur.objects.order_by("pk"), colonnes(PorteurResource()))).decode("utf-8-sig")
    lignes = list(csv.reader(io.StringIO(contenu, newline=""), delimiter=";"))
    colonne = lignes[0].index("Idée de projet")
    assert [ligne[colonne] for ligne in lignes[1:]] == [*idees[:2], "'=SOMME(A1)", "simple"]
    assert all(len(ligne) == len(lignes[0]) for ligne in lignes)

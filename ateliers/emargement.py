"""The attendance sheet (feuille d'émargement) the funders ask for: one line per confirmed registrant."""

import io

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone

from ateliers.models import Atelier
from citeslab.core.formats import date_longue

# Blank lines at the bottom for people who turn up without registering.
LIGNES_VIDES = 3


def lignes(atelier: Atelier):
    return atelier.inscriptions.confirmees().select_related("quartier").order_by("nom", "prenom")


def _date_longue(atelier: Atelier) -> str:
    return f"{date_longue(atelier.debut)}, {atelier.horaires}"


def classeur(atelier: Atelier) -> bytes:
    sortie = io.BytesIO()
    wb = xlsxwriter.Workbook(sortie, {"in_memory": True})
    ws = wb.add_worksheet("Émargement")
    ws.set_paper(9)  # A4
    ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    titre = wb.add_format({"bold": True, "font_size": 14})
    entete = wb.add_format({"bold": True, "border": 1, "bg_color": "#DDDDDD", "valign": "vcenter"})
    cellule = wb.add_format({"border": 1, "valign": "vcenter"})

    ws.write(0, 0, "Feuille d'émargement", titre)
    ws.write(1, 0, atelier.titre)
    ws.write(2, 0, _date_longue(atelier))
    if atelier.lieu:
        ws.write(3, 0, ", ".join(p for p in [atelier.lieu.nom, atelier.lieu.adresse_complete] if p))
    colonnes = [("N°", 5), ("Nom", 24), ("Prénom", 20), ("Quartier", 24), ("Signature", 30)]
    ligne = 5
    for col, (libelle, largeur) in enumerate(colonnes):
        ws.write(ligne, col, libelle, entete)
        ws.set_column(col, col, largeur)
    ws.repeat_rows(ligne)
    inscrits = list(lignes(atelier))
    for numero, inscription in enumerate(inscrits, start=1):
        ligne += 1
        ws.set_row(ligne, 30)
        quartier = inscription.quartier.nom if inscription.quartier else ""
        for col, valeur in enumerate([numero, inscription.nom, inscription.prenom, quartier, ""]):
            ws.write(ligne, col, valeur, cellule)
    for numero in range(len(inscrits) + 1, len(inscrits) + 1 + LIGNES_VIDES):
        ligne += 1
        ws.set_row(ligne, 30)
        ws.write(ligne, 0, numero, cellule)
        for col in range(1, len(colonnes)):
            ws.write_blank(ligne, col, None, cellule)
    wb.close()
    return sortie.getvalue()


def reponse_xlsx(atelier: Atelier) -> HttpResponse:
    response = HttpResponse(
        classeur(atelier), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    nom = f"emargement-atelier-{atelier.pk}-{timezone.localtime(atelier.debut):%Y-%m-%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{nom}"'
    return response

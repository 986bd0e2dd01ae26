"""The attendance sheet (feuille d'émargement) the funders ask for: one line per confirmed registrant.

Names are typed by strangers on the public site: every text goes through `neutraliser`, in the xlsx and in
the page alike (a table pasted from the browser into a spreadsheet runs its formulas too).
"""

import io
from typing import NamedTuple

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone

from ateliers.models import Atelier
from citeslab.core.exports import neutraliser
from citeslab.core.formats import date_longue

# Blank lines at the bottom for people who turn up without registering.
LIGNES_VIDES = 3


class Ligne(NamedTuple):
    nom: str
    prenom: str
    quartier: str


def lignes(atelier: Atelier) -> list[Ligne]:
    inscriptions = atelier.inscriptions.confirmees().select_related("quartier").order_by("nom", "prenom")
    return [
        Ligne(
            neutraliser(inscription.nom),
            neutraliser(inscription.prenom),
            neutraliser(inscription.quartier.nom) if inscription.quartier else "",
        )
        for inscription in inscriptions
    ]


def _date_longue(atelier: Atelier) -> str:
    return f"{date_longue(atelier.debut)}, {atelier.horaires}"


def classeur(atelier: Atelier) -> bytes:
    sortie = io.BytesIO()
    wb = xlsxwriter.Workbook(sortie, {"in_memory": True, "strings_to_formulas": False})
    ws = wb.add_worksheet("Émargement")
    ws.set_paper(9)  # A4
    ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    titre = wb.add_format({"bold": True, "font_size": 14})
    entete = wb.add_format({"bold": True, "border": 1, "bg_color": "#DDDDDD", "valign": "vcenter"})
    cellule = wb.add_format({"border": 1, "valign": "vcenter"})

    ws.write_string(0, 0, "Feuille d'émargement", titre)
    ws.write_string(1, 0, neutraliser(atelier.titre))
    ws.write_string(2, 0, _date_longue(atelier))
    if atelier.lieu:
        lieu = ", ".join(p for p in [atelier.lieu.nom, atelier.lieu.adresse_complete] if p)
        ws.write_string(3, 0, neutraliser(lieu))
    colonnes = [("N°", 5), ("Nom", 24), ("Prénom", 20), ("Quartier", 24), ("Signature", 30)]
    ligne = 5
    for col, (libelle, largeur) in enumerate(colonnes):
        ws.write_string(ligne, col, libelle, entete)
        ws.set_column(col, col, largeur)
    ws.repeat_rows(ligne)
    inscrits = lignes(atelier)
    for numero, inscrit in enumerate(inscrits, start=1):
        ligne += 1
        ws.set_row(ligne, 30)
        ws.write_number(ligne, 0, numero, cellule)
        for col, valeur in enumerate([*inscrit, ""], start=1):
            if valeur:
                ws.write_string(ligne, col, valeur, cellule)
            else:
                ws.write_blank(ligne, col, None, cellule)
    for numero in range(len(inscrits) + 1, len(inscrits) + 1 + LIGNES_VIDES):
        ligne += 1
        ws.set_row(ligne, 30)
        ws.write_number(ligne, 0, numero, cellule)
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

"""The yearly report as files: one xlsx workbook, one ods, or a zip of csv, from the same `Bilan` as the page."""

import csv
import io
import zipfile
from decimal import Decimal

import tablib
import xlsxwriter
from django.utils import timezone

from citeslab.bilan.donnees import DECIMAL, ENTIER, EUROS, POURCENT, TEXTE
from citeslab.core.exports import neutraliser, nom_feuille

FORMATS_BILAN = ("xlsx", "ods", "csv")


def nom_fichier_bilan(annee: int, fmt: str) -> str:
    return f"bilan-{annee}.{'zip' if fmt == 'csv' else fmt}"


def _page_de_garde(bilan) -> list[list]:
    lignes = [
        ["Bilan annuel du CitésLab Carcassonne"],
        ["Année", bilan.annee],
        ["Comparée à", bilan.precedente],
        ["Exporté le", timezone.localtime(bilan.genere_le).strftime("%d/%m/%Y %H:%M")],
        ["Conventions de financement", " ; ".join(str(c) for c in bilan.conventions) or "aucune"],
        [],
        ["Feuilles"],
    ]
    lignes += [[nom_feuille(t.cle), t.titre] for t in bilan.tableaux]
    lignes += [[], ["Données agrégées uniquement : aucune donnée nominative."]]
    return [[neutraliser(v) for v in ligne] for ligne in lignes]


def bilan_xlsx(bilan, sortie) -> None:
    """One sheet per table, French headers, widths set, percentages and euros as number formats."""
    classeur = xlsxwriter.Workbook(sortie, {"in_memory": False, "strings_to_formulas": False})
    gras = classeur.add_format({"bold": True})
    titre = classeur.add_format({"bold": True, "font_size": 14})
    entete = classeur.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7"})
    # A figure's header stands right above its figures, which spreadsheets align right.
    entete_chiffres = classeur.add_format(
        {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "align": "right"}
    )
    formats = {
        # Format codes are locale-neutral: "," and "." display as French Excel's space and decimal comma.
        ENTIER: classeur.add_format({"num_format": "#,##0"}),
        DECIMAL: classeur.add_format({"num_format": "#,##0.0"}),
        POURCENT: classeur.add_format({"num_format": "0%"}),
        EUROS: classeur.add_format({"num_format": '#,##0.00 "€"'}),
        TEXTE: None,
    }
    a_gauche = classeur.add_format({"align": "left"})

    def pour_l_impression(feuille, lignes_repetees=None):
        # Printed for the comité de pilotage: A4, every column on one page wide, the header on every page.
        feuille.set_paper(9)
        feuille.fit_to_pages(1, 0)
        feuille.set_footer(f"&LBilan {bilan.annee} — CitésLab Carcassonne&RPage &P / &N")
        if lignes_repetees is not None:
            feuille.repeat_rows(lignes_repetees)

    garde = classeur.add_worksheet(f"Bilan {bilan.annee}")
    garde.set_column(0, 0, 28)
    garde.set_column(1, 1, 60)
    pour_l_impression(garde)
    for i, ligne in enumerate(_page_de_garde(bilan)):
        for j, valeur in enumerate(ligne):
            # The years sit beside their labels, not at the far right of a wide column.
            style = titre if i == 0 else (gras if j == 0 else (a_gauche if isinstance(valeur, int) else None))
            garde.write(i, j, valeur, style)
    for tableau in bilan.tableaux:
        feuille = classeur.add_worksheet(nom_feuille(tableau.cle))
        pour_l_impression(feuille, lignes_repetees=2)
        feuille.write(0, 0, tableau.titre, titre)
        for j, colonne in enumerate(tableau.colonnes):
            feuille.set_column(j, j, colonne.largeur)
            chiffres = j > 0 and (colonne.type != TEXTE or tableau.types_lignes is not None)
            feuille.write_string(2, j, colonne.titre, entete_chiffres if chiffres else entete)
        for i, ligne in enumerate(tableau.lignes):
            for j, valeur in enumerate(ligne):
                fmt = formats[tableau.type_cellule(i, j)]
                if valeur is None:
                    feuille.write_blank(3 + i, j, None, fmt)
                elif isinstance(valeur, int | float | Decimal):
                    feuille.write_number(3 + i, j, float(valeur), fmt)
                else:
                    feuille.write_string(3 + i, j, neutraliser(str(valeur)))
        if tableau.note:
            feuille.write_string(4 + len(tableau.lignes), 0, tableau.note)
        feuille.freeze_panes(3, 1)
    classeur.close()


def _datasets(bilan) -> list[tablib.Dataset]:
    garde = tablib.Dataset(title=f"Bilan {bilan.annee}")
    for ligne in _page_de_garde(bilan):
        garde.append((list(ligne) + ["", ""])[:2])
    ensembles = [garde]
    for tableau in bilan.tableaux:
        ds = tablib.Dataset(headers=[c.titre for c in tableau.colonnes], title=nom_feuille(tableau.cle))
        for ligne in tableau.lignes:
            ds.append([neutraliser(v) if isinstance(v, str) else ("" if v is None else v) for v in ligne])
        ensembles.append(ds)
    return ensembles


def bilan_ods(bilan, sortie) -> None:
    sortie.write(tablib.Databook(_datasets(bilan)).export("ods"))


def _csv_cellule(valeur, type_colonne):
    if valeur is None:
        return ""
    if type_colonne == POURCENT:
        return f"{Decimal(str(valeur)) * 100:.1f}".replace(".", ",") + " %"
    if type_colonne in (DECIMAL, EUROS):
        return f"{Decimal(str(valeur)):.{1 if type_colonne == DECIMAL else 2}f}".replace(".", ",")
    if isinstance(valeur, str):
        return neutraliser(valeur)
    return str(valeur)


def bilan_csv_zip(bilan, sortie) -> None:
    """A zip of one csv per table: UTF-8 with BOM and ';' so French Excel opens it as is."""
    with zipfile.ZipFile(sortie, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, tableau in enumerate([None, *bilan.tableaux]):
            tampon = io.StringIO()
            ecrivain = csv.writer(tampon, delimiter=";", lineterminator="\r\n")
            if tableau is None:
                nom = f"00-bilan-{bilan.annee}.csv"
                ecrivain.writerows([[neutraliser(str(v)) for v in ligne] for ligne in _page_de_garde(bilan)])
            else:
                nom = f"{n:02d}-{nom_feuille(tableau.cle).replace(' ', '-').lower()}.csv"
                ecrivain.writerow([c.titre for c in tableau.colonnes])
                for i, ligne in enumerate(tableau.lignes):
                    ecrivain.writerow([_csv_cellule(v, tableau.type_cellule(i, j)) for j, v in enumerate(ligne)])
            archive.writestr(nom, "\ufeff" + tampon.getvalue())


def ecrire_bilan(bilan, fmt: str, sortie) -> None:
    {"xlsx": bilan_xlsx, "ods": bilan_ods, "csv": bilan_csv_zip}[fmt](bilan, sortie)

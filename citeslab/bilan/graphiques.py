"""Server-rendered SVG bar charts: no JavaScript, readable by screen readers through title and desc.

The table beside each chart is its text alternative; the chart repeats its figures as labels.
"""

from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

COULEURS = ("#0b5394", "#9fc5e8")  # the year, the previous year (contrast ≥ 3:1 between the two on white)
HAUTEUR_BARRE = 14
ECART_SERIES = 2
ECART_GROUPES = 12
MARGE_LIBELLE = 250
LARGEUR = 640
LARGEUR_BARRES = LARGEUR - MARGE_LIBELLE - 100  # room for the value written after the bar


def _court(libelle: str, longueur: int = 34) -> str:
    # The full label is in the table and in <desc>; the chart keeps what fits in its left margin.
    return libelle if len(libelle) <= longueur else libelle[: longueur - 1].rstrip() + "…"


def barres(tableau, identifiant: str, formater) -> str:
    """Horizontal grouped bars of a report table: one group per row, one bar per year column."""
    if tableau.graphique is None or not tableau.lignes:
        return ""
    col_libelle, cols = tableau.graphique
    valeurs = [[ligne[c] or 0 for c in cols] for ligne in tableau.lignes]
    maximum = max((Decimal(str(v)) for groupe in valeurs for v in groupe), default=Decimal(0)) or Decimal(1)
    hauteur_groupe = len(cols) * (HAUTEUR_BARRE + ECART_SERIES) + ECART_GROUPES
    hauteur = 30 + len(tableau.lignes) * hauteur_groupe
    legendes = [tableau.colonnes[c].titre for c in cols]

    elements = []
    for k, legende in enumerate(legendes):
        x = MARGE_LIBELLE + k * 120
        elements.append(
            format_html(
                '<rect x="{}" y="4" width="12" height="12" fill="{}"/><text x="{}" y="15">{}</text>',
                x,
                COULEURS[k % 2],
                x + 16,
                legende,
            )
        )
    y = 30
    for ligne, groupe in zip(tableau.lignes, valeurs, strict=True):
        elements.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end">{}</text>',
                MARGE_LIBELLE - 8,
                y + HAUTEUR_BARRE,
                _court(str(ligne[col_libelle])),
            )
        )
        for k, (c, valeur) in enumerate(zip(cols, groupe, strict=True)):
            largeur = float(Decimal(str(valeur)) / maximum) * LARGEUR_BARRES
            elements.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{} : {}</title></rect>'
                    '<text x="{}" y="{}" class="valeur">{}</text>',
                    MARGE_LIBELLE,
                    y,
                    f"{largeur:.1f}",
                    HAUTEUR_BARRE,
                    COULEURS[k % 2],
                    tableau.colonnes[c].titre,
                    formater(valeur, tableau.colonnes[c].type),
                    f"{MARGE_LIBELLE + largeur + 4:.1f}",
                    y + HAUTEUR_BARRE - 3,
                    formater(valeur, tableau.colonnes[c].type),
                )
            )
            y += HAUTEUR_BARRE + ECART_SERIES
        y += ECART_GROUPES
    description = format_html_join(
        " ; ",
        "{} : {}",
        (
            (
                ligne[col_libelle],
                ", ".join(f"{tableau.colonnes[c].titre} {formater(ligne[c], tableau.colonnes[c].type)}" for c in cols),
            )
            for ligne in tableau.lignes
        ),
    )
    return format_html(
        '<svg class="graphique" role="img" aria-labelledby="{id}-titre {id}-desc" viewBox="0 0 {l} {h}" '
        'width="100%" xmlns="http://www.w3.org/2000/svg" font-size="12" font-family="system-ui, sans-serif">'
        '<title id="{id}-titre">{titre}</title><desc id="{id}-desc">{desc}</desc>{corps}</svg>',
        id=identifiant,
        l=LARGEUR,
        h=hauteur,
        titre=tableau.titre,
        desc=description,
        corps=mark_safe("".join(elements)),  # noqa: S308 — each element was escaped by format_html above
    )

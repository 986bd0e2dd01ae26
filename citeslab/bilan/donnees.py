"""The report's data structures: a `Bilan` is a list of `Tableau`, each a list of rows typed by column.

The page, its charts and every download read the same `Tableau`s, so the figures downloaded are the figures shown.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from citeslab.core.formats import ABSENT, euros, nombre, pourcent

ENTIER = "entier"
DECIMAL = "decimal"  # hours, one decimal
POURCENT = "pourcent"  # a fraction, 0.4 for 40 %
EUROS = "euros"
TEXTE = "texte"


@dataclass
class Colonne:
    titre: str
    type: str = ENTIER
    largeur: int = 14  # characters, for the spreadsheets


@dataclass
class Tableau:
    cle: str  # sheet and csv file name
    titre: str
    colonnes: list[Colonne]
    lignes: list[list]
    note: str = ""
    # (column of the labels, columns of the bars) for the SVG chart; None: no chart
    graphique: tuple[int, tuple[int, ...]] | None = None
    # When the rows of a table hold different measures (the key figures), the type of each row's figures
    types_lignes: list[str] | None = None

    def type_cellule(self, i: int, j: int) -> str:
        if self.types_lignes is not None and j > 0:
            return self.types_lignes[i]
        return self.colonnes[j].type

    def cellules_formatees(self) -> list[list[str]]:
        return [
            [formater(valeur, self.type_cellule(i, j)) for j, valeur in enumerate(ligne)]
            for i, ligne in enumerate(self.lignes)
        ]


def formater(valeur, type_colonne: str) -> str:
    """The French rendering of a cell, as the page shows it: whole percentages and cents, like the spreadsheet."""
    if valeur is None:
        return ABSENT
    if type_colonne == ENTIER:
        return nombre(valeur)
    if type_colonne == DECIMAL:
        return nombre(valeur, 1)
    if type_colonne == POURCENT:
        return pourcent(valeur, 0)
    if type_colonne == EUROS:
        return euros(valeur, 2)
    return str(valeur)


def part(n, total) -> Decimal | None:
    return Decimal(n) / Decimal(total) if total else None


@dataclass
class Bilan:
    annee: int
    genere_le: datetime.datetime = field(default_factory=timezone.localtime)
    tableaux: list[Tableau] = field(default_factory=list)
    conventions: list = field(default_factory=list)

    @property
    def precedente(self) -> int:
        return self.annee - 1

    def tableau(self, cle: str) -> Tableau:
        return next(t for t in self.tableaux if t.cle == cle)

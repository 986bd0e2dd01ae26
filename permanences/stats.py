"""Permanences actually held: the dated occurrences of planning.creneaux, closures and public holidays excluded."""

import datetime

from permanences.models import Permanence
from permanences.planning import creneaux


def permanences_tenues(annees: list[int]) -> dict[int, dict[str, int]]:
    """Open walk-in occurrences per year and place. Two queries for all the years, none per day."""
    occurrences = creneaux(datetime.date(min(annees), 1, 1), datetime.date(max(annees), 12, 31))
    resultat = {annee: {} for annee in annees}
    for creneau in occurrences:
        if creneau.ouvert and creneau.permanence.type == Permanence.Type.ACCUEIL and creneau.date.year in resultat:
            par_lieu = resultat[creneau.date.year]
            nom = creneau.lieu.nom if creneau.lieu else "Sans lieu"
            par_lieu[nom] = par_lieu.get(nom, 0) + 1
    return resultat

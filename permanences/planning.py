"""The schedule as it really happens: weekly slots turned into dated occurrences, closures applied.

Every page, feed and report that speaks of "when is the chef de projet where" goes through
`creneaux()`, so a closure entered in the admin or a public holiday removes a slot everywhere at once.
"""

import datetime
from dataclasses import dataclass
from functools import lru_cache

import holidays

from permanences.models import Fermeture, Permanence


@lru_cache(maxsize=64)
def jours_feries(annee: int) -> dict:
    """French public holidays of a year, from the maintained `holidays` package (metropolitan France)."""
    return dict(holidays.France(years=annee, language="fr"))


def jour_ferie(jour: datetime.date) -> str | None:
    return jours_feries(jour.year).get(jour)


@dataclass(frozen=True)
class Creneau:
    """One dated occurrence of a weekly slot."""

    permanence: Permanence
    date: datetime.date
    fermeture: str | None = None  # why it does not take place, if it does not

    @property
    def ouvert(self) -> bool:
        return self.fermeture is None

    @property
    def debut(self) -> datetime.datetime:
        return datetime.datetime.combine(self.date, self.permanence.debut)

    @property
    def fin(self) -> datetime.datetime:
        return datetime.datetime.combine(self.date, self.permanence.fin)

    @property
    def lieu(self):
        return self.permanence.lieu


def creneaux(debut: datetime.date, fin: datetime.date, *, permanences=None, fermetures=None) -> list[Creneau]:
    """Every occurrence of the weekly slots between two dates (inclusive), in time order.

    Closed occurrences are kept, with the reason, so a page can show "Fermé — congés" in place of the slot;
    filter on `ouvert` for what actually takes place. Runs two queries whatever the length of the range.
    """
    if permanences is None:
        permanences = list(Permanence.objects.en_vigueur_entre(debut, fin).select_related("lieu__quartier"))
    if fermetures is None:
        fermetures = list(Fermeture.objects.entre(debut, fin))
    by_weekday: dict[int, list[Permanence]] = {}
    for permanence in permanences:
        by_weekday.setdefault(permanence.jour, []).append(permanence)

    result = []
    jour = debut
    while jour <= fin:
        ferie = jour_ferie(jour)
        for permanence in sorted(by_weekday.get(jour.weekday(), []), key=lambda p: p.debut):
            if permanence.valide_du > jour or (permanence.valide_au and permanence.valide_au < jour):
                continue
            motif = ferie
            if motif is None:
                motif = next(
                    (
                        f.motif
                        for f in fermetures
                        if f.debut <= jour <= f.fin and (f.permanence_id is None or f.permanence_id == permanence.pk)
                    ),
                    None,
                )
            result.append(Creneau(permanence=permanence, date=jour, fermeture=motif))
        jour += datetime.timedelta(days=1)
    return result

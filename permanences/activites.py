"""What else takes place in the week: the apps above register a source, the week table and the poster read it.

`permanences` sits below `ateliers` in the layers (pyproject's import-linter contract) and must not import it,
yet the week table's "Ateliers Émergence" slots must say which workshop really takes place that day. So the
dependency is turned around, as Django's own signals and the kernel's personal-data registry do: `ateliers`
registers a function here from its AppConfig.ready(), and `permanences` only knows the shape of what it gets.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone

from citeslab.core.formats import plage


@dataclass(frozen=True)
class Activite:
    """One dated event to show in the week (a workshop), in the words of the app that owns it."""

    titre: str
    debut: datetime.datetime  # aware
    fin: datetime.datetime
    url: str
    places_restantes: int | None = None  # None when the source does not count seats

    @property
    def horaires(self) -> str:
        return plage(self.debut, self.fin)

    @property
    def jour(self) -> datetime.date:
        return timezone.localtime(self.debut).date()

    @property
    def demi_journee(self) -> str:
        """« matin » or « après-midi », as the week table's columns (Permanence.demi_journee)."""
        return "matin" if timezone.localtime(self.debut).hour < 12 else "après-midi"


Source = Callable[[datetime.date, datetime.date], Iterable[Activite]]

_sources: dict[str, Source] = {}


def enregistrer(nom: str, source: Source) -> None:
    """Called from an AppConfig.ready(); a second registration under the same name replaces the first."""
    _sources[nom] = source


def activites_entre(debut: datetime.date, fin: datetime.date) -> list[Activite]:
    """Every registered source's events between two dates (inclusive), in time order: one query per source."""
    activites = [activite for source in _sources.values() for activite in source(debut, fin)]
    return sorted(activites, key=lambda a: a.debut)

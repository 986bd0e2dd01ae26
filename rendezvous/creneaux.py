"""Bookable times, computed from the weekly schedule: never stored, except once booked (RendezVous).

A permanence that takes appointments offers its first `nb_rdv` times of `duree_rdv` minutes; a closure or a
public holiday removes the whole day (permanences.planning.creneaux already knows both), a booked time is no
longer free, and a time too close to now is not offered (the chef de projet must be able to see it coming).
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from citeslab.core.formats import date_longue, heure
from permanences.models import Fermeture, Lieu, Permanence
from permanences.planning import creneaux
from rendezvous.models import RendezVous

HORIZON = datetime.timedelta(weeks=4)  # how far ahead a resident may book
DELAI_MINIMUM = datetime.timedelta(hours=2)  # the latest booking before the time itself


@dataclass(frozen=True)
class Horaire:
    """One bookable time of one permanence on one date."""

    permanence: Permanence
    date: datetime.date
    debut: datetime.time
    fin: datetime.time

    @property
    def valeur(self) -> str:
        """What a form's radio button carries: no personal data, and enough to find the time again."""
        return f"{self.permanence.pk}_{self.date:%Y-%m-%d}_{self.debut:%H%M}"

    @property
    def lieu(self) -> Lieu:
        return self.permanence.lieu

    @property
    def libelle(self) -> str:
        return heure(self.debut)

    @property
    def quand(self) -> str:
        return f"{date_longue(self.date)} à {heure(self.debut)}"


def horaires_de(permanence: Permanence, jour: datetime.date) -> list[Horaire]:
    """Every time a permanence offers on a date, booked or not (the caller knows whether it is open)."""
    if not permanence.prend_rdv or permanence.nb_rdv <= 0 or permanence.type != Permanence.Type.ACCUEIL:
        return []
    resultat = []
    depart = datetime.datetime.combine(jour, permanence.debut)
    fin_permanence = datetime.datetime.combine(jour, permanence.fin)
    duree = datetime.timedelta(minutes=permanence.duree_rdv)
    for i in range(permanence.nb_rdv):
        debut = depart + i * duree
        if debut + duree > fin_permanence:
            break
        resultat.append(Horaire(permanence, jour, debut.time(), (debut + duree).time()))
    return resultat


def maintenant_local() -> datetime.datetime:
    return timezone.localtime().replace(tzinfo=None)


def horaires_libres(
    *, lieu: Lieu | None = None, debut: datetime.date | None = None, fin: datetime.date | None = None, sauf=None
) -> list[Horaire]:
    """Free times from now to the horizon, in time order; three queries whatever the range.

    `sauf`: an appointment being moved, whose own time counts as free (it may stay where it is).
    """
    maintenant = maintenant_local()
    debut = debut or maintenant.date()
    fin = fin or (maintenant + HORIZON).date()
    permanences = Permanence.objects.en_vigueur_entre(debut, fin).accueil().filter(prend_rdv=True, nb_rdv__gt=0)
    if lieu is not None:
        permanences = permanences.filter(lieu=lieu)
    permanences = list(permanences.select_related("lieu__quartier"))
    if not permanences:
        return []
    fermetures = list(Fermeture.objects.entre(debut, fin))
    pris = set(
        RendezVous.objects.actifs()
        .filter(date__gte=debut, date__lte=fin, permanence__in=permanences)
        .exclude(pk=getattr(sauf, "pk", None))
        .values_list("permanence_id", "date", "debut")
    )
    au_plus_tot = maintenant + DELAI_MINIMUM
    return [
        horaire
        for creneau in creneaux(debut, fin, permanences=permanences, fermetures=fermetures)
        if creneau.ouvert
        for horaire in horaires_de(creneau.permanence, creneau.date)
        if datetime.datetime.combine(horaire.date, horaire.debut) >= au_plus_tot
        and (horaire.permanence.pk, horaire.date, horaire.debut) not in pris
    ]


def lire_valeur(valeur: str) -> tuple[int, datetime.date, datetime.time] | None:
    """The (permanence, date, start) of a radio button's value, or None for anything malformed."""
    try:
        pk, jour, debut = valeur.split("_")
        return int(pk), datetime.date.fromisoformat(jour), datetime.datetime.strptime(debut, "%H%M").time()
    except ValueError:
        return None


def horaire_offert(permanence: Permanence, jour: datetime.date, debut: datetime.time) -> Horaire | None:
    """The time if the schedule offers it on that date (open, not past, within the horizon), booked or not."""
    maintenant = maintenant_local()
    if not (maintenant.date() <= jour <= (maintenant + HORIZON).date()):
        return None
    creneau = creneaux(jour, jour, permanences=[permanence])
    if not creneau or not creneau[0].ouvert:
        return None
    for horaire in horaires_de(permanence, jour):
        if horaire.debut == debut and datetime.datetime.combine(jour, debut) >= maintenant + DELAI_MINIMUM:
            return horaire
    return None


def par_jour(horaires: list[Horaire]) -> list[tuple[datetime.date, list[Horaire]]]:
    jours: dict[datetime.date, list[Horaire]] = {}
    for horaire in horaires:
        jours.setdefault(horaire.date, []).append(horaire)
    return list(jours.items())
